package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/probe/proc"
)

type memoryProbe struct{ cfg Config }

func (p *memoryProbe) Family() string { return Memory }

func (p *memoryProbe) Metrics() []Metric {
	return []Metric{
		{Name: "memory.idle_rss", Family: Memory, Unit: "bytes", Direction: compare.LowerIsBetter, Independent: true,
			Description: "resident memory (VmRSS) of an idle `hive serve` after startup",
			Sample:      fmt.Sprintf("VmRSS of a fresh `hive serve` with an empty database, read %v after its first 200 from /healthz", p.cfg.Settle)},
		{Name: "memory.serve_peak_rss", Family: Memory, Unit: "bytes", Direction: compare.LowerIsBetter, Independent: true,
			Description: fmt.Sprintf("peak resident memory (VmHWM) of `hive serve` after %d simultaneous consensus runs against the zero-latency mock", p.cfg.Concurrent),
			Sample:      "VmHWM of the same process as memory.idle_rss, after the load"},
		{Name: "memory.analyze_peak_rss", Family: Memory, Unit: "bytes", Direction: compare.LowerIsBetter, Independent: true,
			Description: "peak resident memory (kernel ru_maxrss) of `hive analyze --no-cache` over the workload",
			Sample:      "ru_maxrss of one analyze process with an empty database, measured through a small trampoline so the harness's own memory cannot leak into it"},
	}
}

func (p *memoryProbe) Setup(ctx context.Context, t Target) (_ Session, err error) {
	b, err := newBase(ctx, p.cfg, t, Memory)
	if err != nil {
		return nil, err
	}
	s := &memorySession{base: b, metrics: p.Metrics(), client: newClient(p.cfg), q: newQuestions()}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if s.workload, err = p.cfg.workload(ctx); err != nil {
		return nil, err
	}
	if s.mock, err = startMock(b.ctx, p.cfg.OverheadLatency); err != nil {
		return nil, err
	}
	if err := warmUp(ctx, s, p.cfg.WarmupRounds); err != nil {
		return nil, err
	}
	return s, nil
}

type memorySession struct {
	*base
	metrics  []Metric
	client   *http.Client
	q        *questions
	workload string
	mock     *mockllm.Running
}

func (s *memorySession) Round(ctx context.Context) (map[string][]float64, error) {
	ctx, cancel := s.roundCtx(ctx)
	defer cancel()
	idle, peak, err := s.serve(ctx)
	if err != nil {
		return nil, err
	}
	analyze, err := s.analyze(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]float64{
		"memory.idle_rss":         {float64(idle)},
		"memory.serve_peak_rss":   {float64(peak)},
		"memory.analyze_peak_rss": {float64(analyze)},
	}
	if err := checkRound(Memory, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

// serve starts a fresh server, reads its idle RSS, loads it, reads its
// high-water mark and stops it.
func (s *memorySession) serve(ctx context.Context) (idle, peak int64, err error) {
	db, err := s.freshDB("memory-serve.db")
	if err != nil {
		return 0, 0, err
	}
	srv, err := s.startServe(ctx, s.client, db, s.mock.BaseURL)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if stopErr := srv.stop(ctx, s.base); err == nil {
			err = stopErr
		}
		// Every round has a new server: connections to this one are dead.
		s.client.CloseIdleConnections()
	}()
	select {
	case <-time.After(s.cfg.Settle):
	case <-ctx.Done():
		return 0, 0, context.Cause(ctx)
	}
	st, err := proc.ReadStatus(srv.p.Pid())
	if err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: idle hive serve: %w", s.label(), err))
	}
	idle = st.RSS
	first := s.q.reserve(s.cfg.Concurrent)
	a := asker{client: s.client, base: srv.base, profile: s.cfg.Profile}
	if _, err := a.concurrently(ctx, s.cfg.Concurrent, func(i int) string { return s.q.at(first + i) }); err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: load of %d simultaneous runs: %w", s.label(), s.cfg.Concurrent, err))
	}
	st, err = proc.ReadStatus(srv.p.Pid())
	if err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: loaded hive serve: %w", s.label(), err))
	}
	return idle, st.HWM, nil
}

// analyze runs `hive analyze --no-cache` over the workload with an empty
// database and returns its peak RSS.
func (s *memorySession) analyze(ctx context.Context) (int64, error) {
	db, err := s.freshDB("memory-analyze.db")
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RunTimeout)
	defer cancel()
	args := []string{"analyze", "--no-cache", "--db", db}
	if s.cfg.Jobs > 0 {
		args = append(args, "--jobs", strconv.Itoa(s.cfg.Jobs))
	}
	args = append(args, s.workload)
	p, err := proc.StartPeakRSS(ctx, s.spec(args...))
	if err != nil {
		return 0, failure(ctx, nil, fmt.Errorf("%s: %w", s.label(), err))
	}
	peak, err := p.Peak(ctx)
	if peak.Exit != "" && peak.ExitCode != 0 {
		// A failed run first: its small peak would otherwise be reported
		// as a measurement problem.
		return 0, failure(ctx, p.Process, fmt.Errorf("%s: hive analyze %s failed: %s", s.label(), s.workload, peak.Exit))
	}
	if err != nil {
		_ = p.Terminate()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, failure(context.Background(), p.Process, fmt.Errorf("%s: hive analyze did not finish within %v (Config.RunTimeout)", s.label(), s.cfg.RunTimeout))
		}
		return 0, failure(ctx, p.Process, fmt.Errorf("%s: hive analyze: %w", s.label(), err))
	}
	return peak.Bytes, nil
}

func (s *memorySession) Close() error {
	err := stopMock(s.mock)
	s.client.CloseIdleConnections()
	return errors.Join(err, s.close())
}
