package suite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/internal/exitcode"
)

// GateConfig is an A/B gate: two hive binaries measured interleaved in the
// same job.
type GateConfig struct {
	// Selection holds the probes, built with the configuration every
	// round uses (Suite.ForGate), and the metrics to compare.
	Selection  Selection
	Base, Head probe.Target
	Thresholds Thresholds
	// Sequential is the adaptive sampling (compare's defaults when zero):
	// Initial and Max count gate samples per side (see Series.GateSamples).
	Sequential compare.Sequential
	// MaxRounds caps the rounds per binary per family (0: no cap besides
	// Sequential.Max). Reaching it ends sampling like the time budget.
	MaxRounds int
	// Budget is the wall time after which no new round starts (0: none).
	// The round in progress finishes, so the gate can overrun it by one
	// round pair.
	Budget   time.Duration
	Progress Progress
}

// GateOutcome is what a gate measured and decided.
type GateOutcome struct {
	// Results are the final comparison, one per selected metric, in report
	// order; compare.Pass(Results) is the gate's regression verdict.
	Results []compare.Result
	// Base and Head hold every round each binary ran (raw samples, not
	// trimmed), for results files and plots.
	Base, Head *Record
	// Pairs is the number of round pairs (one round of each binary) per
	// family.
	Pairs map[string]int
	// PairTime is the mean wall time of one round pair per family.
	PairTime map[string]time.Duration
	// Looks is the number of comparisons made.
	Looks int
	// Stopped says why sampling ended before the sequential procedure was
	// done (time budget, round cap); empty when it ended on its own.
	Stopped string
	Elapsed time.Duration
}

// errStop ends the sequential loop early: the time budget or the round cap
// was reached.
type errStop struct{ why string }

func (e *errStop) Error() string { return e.why }

// gate is one running A/B gate.
type gate struct {
	cfg      GateConfig
	start    time.Time
	sessions map[string][2]probe.Session
	rec      [2]*Record
	// acc holds the gate samples (round values) of each metric per side
	// (0 base, 1 head), as many per side as the procedure asked for.
	acc      map[string]*[2][]float64
	pairs    map[string]int
	pairTime map[string]time.Duration
	looks    int
}

// Gate runs an A/B gate. For each selected family it sets up one session
// per binary (base first) on first use and keeps both until the end; rounds
// then alternate A B B A A B … so that drift on the machine (another job,
// thermal state, page cache) lands on both binaries alike. After each batch
// compare.Sequential decides, metric by metric, whether more samples are
// needed, up to its cap, the round cap and the time budget.
//
// The outcome is returned also on error, with what was measured so far. A
// canceled ctx returns an *Interrupted error.
func Gate(ctx context.Context, cfg GateConfig) (*GateOutcome, error) {
	g := &gate{
		cfg:      cfg,
		start:    time.Now(),
		sessions: map[string][2]probe.Session{},
		rec:      [2]*Record{NewRecord(), NewRecord()},
		acc:      map[string]*[2][]float64{},
		pairs:    map[string]int{},
		pairTime: map[string]time.Duration{},
	}
	defer g.close()
	for _, m := range cfg.Selection.All() {
		g.acc[m.Name] = &[2][]float64{}
	}
	seq := cfg.Sequential
	results, err := seq.Run(ctx, g.measure)
	out := g.outcome()
	var stop *errStop
	switch {
	case errors.As(err, &stop):
		out.Stopped = stop.why
		out.Results = g.final(seq)
		if len(out.Results) == 0 {
			// Passing a gate that compared nothing would be a silent pass.
			return out, exitcode.InfraError("gate: %s before a single round pair finished: nothing was compared; raise --time-budget or --max-rounds", stop.why)
		}
		cfg.Progress.printf("gate: %s; deciding on the rounds taken", stop.why)
		return out, nil
	case err != nil:
		return out, stopped(ctx, err)
	}
	out.Results = results
	return out, nil
}

// measure is the compare.MeasureFunc of the gate.
func (g *gate) measure(ctx context.Context, more int, undecided []string) ([]compare.Input, error) {
	g.looks++
	want := map[string]bool{}
	for _, n := range undecided {
		want[n] = true
	}
	all := undecided == nil
	var names []string
	for _, m := range g.cfg.Selection.All() {
		if all || want[m.Name] {
			names = append(names, m.Name)
		}
	}
	g.cfg.Progress.printf("gate: look %d: %d more rounds per binary for %s", g.looks, more, strings.Join(names, ", "))
	for _, p := range g.cfg.Selection.Probes {
		var ms []probe.Metric
		for _, m := range g.cfg.Selection.Metrics(p) {
			if all || want[m.Name] {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			continue
		}
		if err := g.sample(ctx, p, ms, more); err != nil {
			return nil, err
		}
	}
	return g.inputs(), nil
}

// sample runs round pairs of p until every metric in ms has `more` new
// gate samples (round values) on each side.
func (g *gate) sample(ctx context.Context, p probe.Probe, ms []probe.Metric, more int) error {
	fam := p.Family()
	target := map[string]int{}
	for _, m := range ms {
		target[m.Name] = len(g.acc[m.Name][0]) + more
	}
	reached := func() bool {
		for _, m := range ms {
			a := g.acc[m.Name]
			if len(a[0]) < target[m.Name] || len(a[1]) < target[m.Name] {
				return false
			}
		}
		return true
	}
	sess, err := g.session(ctx, p)
	if err != nil {
		return err
	}
	targets := [2]probe.Target{g.cfg.Base, g.cfg.Head}
	for !reached() {
		if g.cfg.MaxRounds > 0 && g.pairs[fam] >= g.cfg.MaxRounds {
			return &errStop{fmt.Sprintf("%s reached --max-rounds %d rounds per binary", fam, g.cfg.MaxRounds)}
		}
		if g.cfg.Budget > 0 && time.Since(g.start) >= g.cfg.Budget {
			return &errStop{fmt.Sprintf("time budget of %v reached after %v", g.cfg.Budget, time.Since(g.start).Round(time.Second))}
		}
		// A B, then B A: each binary runs first as often as second.
		order := [2]int{0, 1}
		if g.pairs[fam]%2 == 1 {
			order = [2]int{1, 0}
		}
		t0 := time.Now()
		for _, side := range order {
			got, err := sess[side].Round(ctx)
			if err != nil {
				return fmt.Errorf("%s: round %d of %s (%s): %w", fam, g.pairs[fam]+1, targets[side].Name, targets[side].HiveBin, err)
			}
			g.rec[side].Add(fam, g.cfg.Selection.Metrics(p), got)
			for _, m := range ms {
				a := g.acc[m.Name]
				if len(a[side]) < target[m.Name] {
					a[side] = append(a[side], m.RoundValue(got[m.Name]))
				}
			}
		}
		g.pairs[fam]++
		g.pairTime[fam] += time.Since(t0)
		g.cfg.Progress.printf("gate: %s: round pair %d done (%s first)", fam, g.pairs[fam], targets[order[0]].Name)
	}
	return nil
}

// session returns the family's two sessions, setting them up on first use:
// base first, so a head binary that does not start is reported after the
// base was found to work.
func (g *gate) session(ctx context.Context, p probe.Probe) ([2]probe.Session, error) {
	fam := p.Family()
	if s, ok := g.sessions[fam]; ok {
		return s, nil
	}
	var s [2]probe.Session
	for side, t := range [2]probe.Target{g.cfg.Base, g.cfg.Head} {
		g.cfg.Progress.printf("gate: %s: setting up %s (%s)", fam, t.Name, t.HiveBin)
		sess, err := p.Setup(ctx, t)
		if err != nil {
			if side == 1 {
				_ = s[0].Close()
			}
			return s, fmt.Errorf("%s: set-up of %s (%s): %w", fam, t.Name, t.HiveBin, err)
		}
		s[side] = sess
	}
	g.sessions[fam] = s
	return s, nil
}

func (g *gate) close() {
	for _, s := range g.sessions {
		for _, sess := range s {
			if sess != nil {
				_ = sess.Close()
			}
		}
	}
}

// inputs are the comparison inputs of every selected metric that has gate
// samples, in report order.
func (g *gate) inputs() []compare.Input {
	var out []compare.Input
	for _, m := range g.cfg.Selection.All() {
		a := g.acc[m.Name]
		if len(a[0]) == 0 && len(a[1]) == 0 {
			continue
		}
		out = append(out, compare.Input{
			Metric: m.Name, Unit: m.Unit,
			Base: append([]float64(nil), a[0]...), Head: append([]float64(nil), a[1]...),
			Policy: g.cfg.Thresholds.Policy(m.Name, m.Direction),
		})
	}
	return out
}

// final decides on the samples taken when sampling stopped early. It
// spends alpha as compare.Sequential does (evenly over the looks the
// procedure could have made), so stopping early never makes a false alarm
// likelier than running to the cap.
func (g *gate) final(seq compare.Sequential) []compare.Result {
	inputs := g.inputs()
	looks := float64(seq.Looks())
	for i := range inputs {
		p := inputs[i].Policy
		if p.Alpha == 0 {
			p.Alpha = compare.DefaultPolicy().Alpha
		}
		p.Alpha /= looks
		inputs[i].Policy = p
	}
	rs := compare.CompareAll(inputs)
	for i := range rs {
		if rs[i].Verdict == compare.Inconclusive {
			rs[i].Warnings = append(rs[i].Warnings, fmt.Sprintf(
				"still inconclusive after %d samples per side when sampling stopped early: counted as a pass", min(rs[i].Base.N, rs[i].Head.N)))
		}
	}
	return rs
}

func (g *gate) outcome() *GateOutcome {
	out := &GateOutcome{
		Base: g.rec[0], Head: g.rec[1],
		Pairs: map[string]int{}, PairTime: map[string]time.Duration{},
		Looks: g.looks, Elapsed: time.Since(g.start),
	}
	for f, n := range g.pairs {
		out.Pairs[f] = n
		if n > 0 {
			out.PairTime[f] = g.pairTime[f] / time.Duration(n)
		}
	}
	return out
}
