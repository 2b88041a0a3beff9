package probe

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hiveperf/hive/harness/compare"
)

type startupProbe struct{ cfg Config }

func (p *startupProbe) Family() string { return Startup }

func (p *startupProbe) Metrics() []Metric {
	all := []Metric{
		{Name: "startup.serve", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "startup: exec `hive serve` on a free loopback port until the first 200 from /healthz",
			Sample:      "one exec of a fresh process, fork/exec to the 200 of /healthz, with an existing database; warm-up execs discarded"},
		{Name: "startup.version", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "exec `hive version` until exit: process launch cost only, not startup (no store, no server, no listener)",
			Sample:      "one exec of a fresh process, fork/exec to exit; warm-up execs discarded"},
	}
	if sub := p.cfg.Subject; sub != nil {
		all[0].Description = fmt.Sprintf("startup: exec subject %s's serve command on a free loopback port until the first 200 from %s", sub.Name, sub.Serve.Health)
		if sub.Version == nil {
			return all[:1] // no version command: nothing to time
		}
		all[1].Description = fmt.Sprintf("exec subject %s's version command until exit: process launch cost only, not startup", sub.Name)
	}
	return all
}

func (p *startupProbe) Setup(ctx context.Context, t Target) (Session, error) {
	b, err := newBase(ctx, p.cfg, t, Startup)
	if err != nil {
		return nil, err
	}
	// Polling a new server must not reuse a connection to the previous
	// one (it is gone) and must not pay for keeping one: a fresh
	// connection per poll, as a health checker would do.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: p.cfg.ReadyTimeout}
	s := &startupSession{base: b, metrics: p.Metrics(), client: client}
	if err := warmUp(ctx, s, p.cfg.WarmupRounds); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

type startupSession struct {
	*base
	metrics []Metric
	client  *http.Client
}

// Round execs `hive serve` WarmupExecs+Samples times, then `hive version`
// as often. Every serve opens the same database: the first (a warm-up exec
// by default) creates and migrates it, the measured ones find it, as a user
// restarting a server does.
func (s *startupSession) Round(ctx context.Context) (map[string][]float64, error) {
	ctx, cancel := s.roundCtx(ctx)
	defer cancel()
	db := s.path("startup.db")
	n := s.cfg.WarmupExecs + s.cfg.Samples
	serve := make([]float64, 0, s.cfg.Samples)
	for i := 0; i < n; i++ {
		srv, err := s.startServe(ctx, s.client, db, offlineLLM)
		if err != nil {
			return nil, err
		}
		d := srv.ready.Sub(srv.p.Started)
		if err := srv.stop(ctx, s.base); err != nil {
			return nil, err
		}
		if i >= s.cfg.WarmupExecs {
			serve = append(serve, ms(d))
		}
	}
	out := map[string][]float64{"startup.serve": serve}
	if len(s.metrics) == 1 {
		if err := checkRound(Startup, s.metrics, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	spec := s.spec("version")
	if s.sub != nil {
		var err error
		if spec, err = s.subjectSpec("version", s.sub.Version, nil); err != nil {
			return nil, err
		}
	}
	version := make([]float64, 0, s.cfg.Samples)
	for i := 0; i < n; i++ {
		p, err := s.runToExit(ctx, spec)
		if err != nil {
			return nil, err
		}
		if i >= s.cfg.WarmupExecs {
			version = append(version, ms(p.ExitedAt().Sub(p.Started)))
		}
	}
	out["startup.version"] = version
	if err := checkRound(Startup, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *startupSession) Close() error {
	s.client.CloseIdleConnections()
	return s.close()
}

// ms converts a duration to float milliseconds without losing the
// nanoseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
