package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
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
		{Name: "startup.first_read", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "the first request that needs the store, sent right after the first 200 of /healthz: GET /v1/conversations/1 on a fresh connection, answered from the database (404 when there is none); what a server that opens things after its first 200 would make its first user wait for",
			Sample:      "one request per startup.serve exec, right after the first 200"},
		{Name: "startup.later_read", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "the same request as startup.first_read, sent again right after it: the steady state the first read is held to",
			Sample:      "one request per startup.serve exec, right after startup.first_read"},
		{Name: "startup.floor", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "exec a Go hello-world, built by the harness with the toolchain that built hive, until exit: the floor this machine puts under startup.version",
			Sample:      "one exec of a fresh process, fork/exec to exit, alternating with the startup.version execs; warm-up execs discarded"},
		{Name: "startup.init", Family: Startup, Unit: "ms", Direction: compare.LowerIsBetter, Independent: true,
			Description: "package initialisation of `hive version`: the clock times GODEBUG=inittrace=1 prints for each package's init, summed, so a dependency that adds init time shows",
			Sample:      "one exec of `hive version` with GODEBUG=inittrace=1, its packages' init clock times summed; warm-up execs discarded"},
	}
	sub := p.cfg.Subject
	if sub == nil {
		return all
	}
	// A subject has what its file gives a way to measure: a version
	// command, and a read that needs its store (consensus.conversation).
	// The floor and init are a Go binary's (built with hive's toolchain,
	// traced by the Go runtime), not a subject's.
	all[0].Description = fmt.Sprintf("startup: exec subject %s's serve command on a free loopback port until the first 200 from %s", sub.Name, sub.Serve.Health)
	out := all[:1]
	if sub.Version != nil {
		all[1].Description = fmt.Sprintf("exec subject %s's version command until exit: process launch cost only, not startup", sub.Name)
		out = append(out, all[1])
	}
	if path := subjectReadPath(sub); path != "" {
		all[2].Description = fmt.Sprintf("the first request that needs the store, sent right after the first 200 of %s: GET %s on a fresh connection (404 when there is none)", sub.Serve.Health, path)
		out = append(out, all[2], all[3])
	}
	return out
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
	if has(s.metrics, "startup.floor") {
		if s.floor, err = FloorBinary(ctx, b.bin); err != nil {
			_ = s.close()
			return nil, err
		}
	}
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
	floor   string // the hello-world binary of startup.floor
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
	firstRead := make([]float64, 0, s.cfg.Samples)
	laterRead := make([]float64, 0, s.cfg.Samples)
	for i := 0; i < n; i++ {
		srv, err := s.startServe(ctx, s.client, db, offlineLLM)
		if err != nil {
			return nil, err
		}
		d := srv.ready.Sub(srv.p.Started)
		var first, later float64
		if has(s.metrics, "startup.first_read") {
			first, err = s.read(ctx, srv)
			if err == nil {
				later, err = s.read(ctx, srv)
			}
		}
		if stopErr := srv.stop(ctx, s.base); err == nil {
			err = stopErr
		}
		if err != nil {
			return nil, err
		}
		if i >= s.cfg.WarmupExecs {
			serve = append(serve, ms(d))
			firstRead = append(firstRead, first)
			laterRead = append(laterRead, later)
		}
	}
	out := map[string][]float64{"startup.serve": serve}
	if has(s.metrics, "startup.first_read") {
		out["startup.first_read"], out["startup.later_read"] = firstRead, laterRead
	}
	if !has(s.metrics, "startup.version") {
		if err := checkRound(Startup, s.metrics, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	// hive version and the floor alternate, so that both see the same
	// machine; the traced execs come after, as tracing writes to stderr.
	execs := []struct {
		spec proc.Spec
		out  []float64
	}{{spec: s.spec("version")}}
	if s.sub != nil {
		var err error
		if execs[0].spec, err = s.subjectSpec("version", s.sub.Version, nil); err != nil {
			return nil, err
		}
	}
	if has(s.metrics, "startup.floor") {
		execs = append(execs, struct {
			spec proc.Spec
			out  []float64
		}{spec: s.floorSpec()})
	}
	for i := 0; i < n; i++ {
		for j := range execs {
			p, err := s.runToExit(ctx, execs[j].spec)
			if err != nil {
				return nil, err
			}
			if i >= s.cfg.WarmupExecs {
				execs[j].out = append(execs[j].out, ms(p.ExitedAt().Sub(p.Started)))
			}
		}
	}
	out["startup.version"] = execs[0].out
	if has(s.metrics, "startup.floor") {
		out["startup.floor"] = execs[1].out
	}
	if has(s.metrics, "startup.init") {
		initMS := make([]float64, 0, s.cfg.Samples)
		for i := 0; i < n; i++ {
			d, err := s.initTime(ctx)
			if err != nil {
				return nil, err
			}
			if i >= s.cfg.WarmupExecs {
				initMS = append(initMS, d)
			}
		}
		out["startup.init"] = initMS
	}
	if err := checkRound(Startup, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

// read times GET /v1/conversations/1 on srv, in ms: a request that needs
// the store (404 on a database without conversations).
func (s *startupSession) read(ctx context.Context, srv *server) (float64, error) {
	path := "/v1/conversations/1"
	if s.sub != nil {
		path = subjectReadPath(s.sub)
	}
	url := srv.base + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, failure(ctx, srv.p, fmt.Errorf("%s: GET %s right after startup: %w", s.label(), url, err))
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil || (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound) {
		return 0, failure(ctx, srv.p, fmt.Errorf("%s: GET %s right after startup: status %d, %v; want 200 or 404", s.label(), url, resp.StatusCode, err))
	}
	return ms(d), nil
}

// floorSpec runs the hello-world with the environment hive gets.
func (s *startupSession) floorSpec() proc.Spec {
	sp := s.spec()
	sp.Path = s.floor
	return sp
}

// initTime execs `hive version` with GODEBUG=inittrace=1 and sums the
// clock time of its packages' inits, in ms.
func (s *startupSession) initTime(ctx context.Context) (float64, error) {
	var trace InitTrace
	spec := s.spec("version")
	spec.Env = append(append([]string(nil), spec.Env...), "GODEBUG=inittrace=1")
	spec.OnStderrLine = trace.Line
	if _, err := s.runToExit(ctx, spec); err != nil {
		return 0, err
	}
	if len(trace.Packages) == 0 {
		return 0, exitcode.InfraError("%s: `GODEBUG=inittrace=1 hive version` printed no init lines; startup.init cannot be measured (is it a Go binary?)", s.label())
	}
	return trace.Total(), nil
}

func (s *startupSession) Close() error {
	s.client.CloseIdleConnections()
	return s.close()
}

// ms converts a duration to float milliseconds without losing the
// nanoseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// subjectReadPath is the subject's read that needs its store, for
// conversation 1 ("" when its file names none).
func subjectReadPath(sub *subject.Subject) string {
	if sub.Consensus == nil || sub.Consensus.Conversation == "" {
		return ""
	}
	return strings.Replace(sub.Consensus.Conversation, "{id}", "1", 1)
}
