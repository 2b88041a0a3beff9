package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/probe/proc"
)

type memoryProbe struct{ cfg Config }

func (p *memoryProbe) Family() string { return Memory }

func (p *memoryProbe) Metrics() []Metric {
	all := []Metric{
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
	sub := p.cfg.Subject
	if sub == nil {
		return all
	}
	all[0].Description = fmt.Sprintf("resident memory (VmRSS) of subject %s's idle server after startup", sub.Name)
	all[1].Description = fmt.Sprintf("peak resident memory (VmHWM) of subject %s's server after %d simultaneous consensus runs against the zero-latency mock", sub.Name, p.cfg.Concurrent)
	all[2].Description = fmt.Sprintf("peak resident memory (kernel ru_maxrss, the largest of the process and its children) of subject %s's analyze command over the workload", sub.Name)
	out := all[:1]
	if sub.Consensus != nil {
		out = append(out, all[1])
	}
	if sub.Analyze != nil {
		out = append(out, all[2])
	}
	return out
}

// wanted keeps the metrics named in only (all of them when only is empty).
func wanted(metrics []Metric, only []string) []Metric {
	if len(only) == 0 {
		return metrics
	}
	var out []Metric
	for _, m := range metrics {
		for _, o := range only {
			if m.Name == o {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// has reports whether the session measures the named metric.
func has(metrics []Metric, name string) bool {
	for _, m := range metrics {
		if m.Name == name {
			return true
		}
	}
	return false
}

func (p *memoryProbe) Setup(ctx context.Context, t Target) (_ Session, err error) {
	b, err := newBase(ctx, p.cfg, t, Memory)
	if err != nil {
		return nil, err
	}
	s := &memorySession{base: b, metrics: wanted(p.Metrics(), p.cfg.Only), client: newClient(p.cfg), q: newQuestions()}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if has(s.metrics, "memory.analyze_peak_rss") {
		if s.workload, err = p.cfg.workload(ctx); err != nil {
			return nil, err
		}
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
	out := map[string][]float64{"memory.idle_rss": {float64(idle)}}
	if has(s.metrics, "memory.serve_peak_rss") {
		out["memory.serve_peak_rss"] = []float64{float64(peak)}
	}
	if has(s.metrics, "memory.analyze_peak_rss") {
		analyze, err := s.analyze(ctx)
		if err != nil {
			return nil, err
		}
		out["memory.analyze_peak_rss"] = []float64{float64(analyze)}
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
	if s.sub != nil {
		if err := checkAlone(srv.p.Pid(), s.label()); err != nil {
			return 0, 0, err
		}
	}
	st, err := proc.ReadStatus(srv.p.Pid())
	if err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: idle server: %w", s.label(), err))
	}
	idle = st.RSS
	if !has(s.metrics, "memory.serve_peak_rss") {
		return idle, 0, nil
	}
	first := s.q.reserve(s.cfg.Concurrent)
	a := s.asker(s.client, srv.base)
	if _, err := a.concurrently(ctx, s.cfg.Concurrent, func(i int) string { return s.q.at(first + i) }); err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: load of %d simultaneous runs: %w", s.label(), s.cfg.Concurrent, err))
	}
	st, err = proc.ReadStatus(srv.p.Pid())
	if err != nil {
		return 0, 0, failure(ctx, srv.p, fmt.Errorf("%s: loaded server: %w", s.label(), err))
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
	spec, err := s.analyzeSpec(db, "")
	if err != nil {
		return 0, err
	}
	p, err := proc.StartPeakRSS(ctx, spec)
	if err != nil {
		return 0, failure(ctx, nil, fmt.Errorf("%s: %w", s.label(), err))
	}
	peak, err := p.Peak(ctx)
	if peak.Exit != "" && peak.ExitCode != 0 {
		// A failed run first: its small peak would otherwise be reported
		// as a measurement problem.
		return 0, failure(ctx, p.Process, fmt.Errorf("%s: `%s` failed: %s", s.label(), s.command(spec), peak.Exit))
	}
	if err != nil {
		_ = p.Terminate()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, failure(context.Background(), p.Process, fmt.Errorf("%s: `%s` did not finish within %v (Config.RunTimeout)", s.label(), s.command(spec), s.cfg.RunTimeout))
		}
		return 0, failure(ctx, p.Process, fmt.Errorf("%s: `%s`: %w", s.label(), s.command(spec), err))
	}
	return peak.Bytes, nil
}

func (s *memorySession) Close() error {
	err := stopMock(s.mock)
	s.client.CloseIdleConnections()
	return errors.Join(err, s.close())
}
