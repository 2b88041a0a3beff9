package suite

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/probe"
)

// fakeProbe is a deterministic stand-in for a probe, for tests of the
// scheduling and decision logic only: it starts no process and returns
// log-normal samples whose median depends on the target (Target.Name →
// factor), so a test knows what the gate should decide. Real probes are
// exercised by the command tests in cmd/hivebench against the real binary.
type fakeProbe struct {
	family  string
	perRnd  int                // samples of the independent metric per round
	factor  map[string]float64 // target name → median multiplier
	cv      float64
	mu      sync.Mutex
	log     []string // "setup NAME", "round NAME", "close NAME" in order
	onRound func(n int)
	rounds  int
	failOn  string // target name whose Setup fails
}

func (p *fakeProbe) Family() string { return p.family }

func (p *fakeProbe) Metrics() []probe.Metric {
	return []probe.Metric{
		{Name: p.family + ".each", Family: p.family, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true},
		{Name: p.family + ".pooled", Family: p.family, Unit: "ms", Direction: compare.LowerIsBetter},
	}
}

func (p *fakeProbe) record(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, s)
}

func (p *fakeProbe) events() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.log...)
}

func (p *fakeProbe) Setup(ctx context.Context, t probe.Target) (probe.Session, error) {
	if t.Name == p.failOn {
		return nil, fmt.Errorf("target %s does not start", t.Name)
	}
	p.record("setup " + t.Name)
	f := p.factor[t.Name]
	if f == 0 {
		f = 1
	}
	seed := uint64(len(t.Name)) + uint64(len(p.events()))
	return &fakeSession{p: p, name: t.Name, factor: f, r: rand.New(rand.NewPCG(seed, 7))}, nil
}

type fakeSession struct {
	p      *fakeProbe
	name   string
	factor float64
	r      *rand.Rand
}

func (s *fakeSession) draw() float64 {
	sigma := math.Sqrt(math.Log1p(s.p.cv * s.p.cv))
	return 10 * s.factor * math.Exp(sigma*s.r.NormFloat64())
}

func (s *fakeSession) Round(ctx context.Context) (map[string][]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.p.record("round " + s.name)
	each := make([]float64, s.p.perRnd)
	for i := range each {
		each[i] = s.draw()
	}
	pooled := make([]float64, 5)
	for i := range pooled {
		pooled[i] = s.draw()
	}
	s.p.mu.Lock()
	s.p.rounds++
	n := s.p.rounds
	s.p.mu.Unlock()
	if s.p.onRound != nil {
		s.p.onRound(n)
	}
	return map[string][]float64{s.p.family + ".each": each, s.p.family + ".pooled": pooled}, nil
}

func (s *fakeSession) Close() error {
	s.p.record("close " + s.name)
	return nil
}
