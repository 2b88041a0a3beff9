package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/subject"
)

type consensusProbe struct{ cfg Config }

// hitsPerFill is how many times each question filled into the cache is
// asked again, timed: hits are cheap (a fraction of a millisecond) and fills
// are full runs, and a p99 needs hundreds of samples to be more than the
// second-largest one.
const hitsPerFill = 20

// overheadPerSample is how many sequential runs consensus.overhead times
// per Samples: a zero-latency run takes a few milliseconds, and a p99 of
// the quick suite's 30 samples was its largest one.
const overheadPerSample = 10

func (p *consensusProbe) Family() string { return Consensus }

func (p *consensusProbe) Metrics() []Metric {
	l := p.cfg.E2ELatency
	all := []Metric{
		{Name: "consensus.e2e", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("one POST /v1/consensus through `hive serve`, end to end, against the mock LLM with TTFT %v, ITL %v, %d tokens per stage", l.TTFT, l.ITL, l.Tokens),
			Sample:      "one sequential request with a new question (no_cache), timed by the harness from send to the last byte of the answer"},
		{Name: "consensus.e2e_overhead", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("engine overhead of the consensus.e2e runs (overhead_ms of the answer: the engine's wall time minus its time waiting on upstream), against the mock with TTFT %v, ITL %v, %d tokens per stage: each token arrives on its own, so this carries the engine's per-token cost of a real stream, which consensus.overhead (all tokens at once) does not", l.TTFT, l.ITL, l.Tokens),
			Sample:      "overhead_ms of one consensus.e2e request"},
		{Name: "consensus.overhead", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "engine overhead of one consensus run: the engine's wall time minus its time waiting on the upstream LLM (overhead_ms of the answer), zero-latency mock",
			Sample:      fmt.Sprintf("overhead_ms of one sequential request with a new question (no_cache), %d per Samples", overheadPerSample)},
		{Name: "consensus.cache_hit", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "a consensus request answered from the response cache, end to end over loopback HTTP/1.1, timed as wrk times requests: a minimal client on one kept-alive connection writes the request built beforehand and reads the status, headers and whole body on one goroutine (net/http's client adds its own goroutine handoffs to every request)",
			Sample:      fmt.Sprintf("a later request for a question answered earlier in the round (all fills first, then the last fill's record read back, one untimed hit, then %d timed hits per filled question, alternating with consensus.http_floor), from writing the request to reading the last byte of the answer; the answer must be a 200 that says cached", hitsPerFill)},
		{Name: "consensus.http_floor", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "GET /healthz of the same `hive serve`, on the same kept-alive connection and timed the same way as consensus.cache_hit: a loopback HTTP round trip to a handler that does nothing, the floor this machine, its kernel and net/http put under the cache hit",
			Sample:      fmt.Sprintf("one GET /healthz, taken alternately with the cache hits (%d per filled question)", hitsPerFill)},
		{Name: "consensus.serve_cpu_per_run", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "CPU time of `hive serve` per four-stage run over the sequential consensus.overhead series against the zero-latency mock, records included: what one run costs the engine itself, without the queue of consensus.overhead_c100",
			Sample:      fmt.Sprintf("the server's CPU time (sum over its threads of /proc/PID/task/TID/schedstat) over %d sequential runs, divided by them", overheadPerSample)},
		{Name: "consensus.c100_serve_cpu", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("CPU time of `hive serve` per run over the %d simultaneous runs of consensus.overhead_c100, their records included: what a run costs the engine when the machine is saturated (the mock and the harness share its cores), so %d runs cannot all finish before %d × (this + the mock's and client's share) / cores", p.cfg.Concurrent, p.cfg.Concurrent, p.cfg.Concurrent),
			Sample:      "one per round: the server's CPU time (sum over its threads of /proc/PID/task/TID/schedstat) from before the burst to after the last run's record is read back, divided by the runs"},
		{Name: "consensus.overhead_c100", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("engine overhead of one run among %d simultaneous runs (targets look at its p99), zero-latency mock", p.cfg.Concurrent),
			Sample:      fmt.Sprintf("overhead_ms of one of %d requests released at once", p.cfg.Concurrent)},
	}
	sub := p.cfg.Subject
	if sub == nil {
		return all
	}
	if sub.Consensus == nil {
		return nil
	}
	c := sub.Consensus
	for i := range all {
		m := &all[i]
		switch m.Name {
		case "consensus.e2e":
			m.Description = fmt.Sprintf("one POST %s through subject %s's server, end to end, against the mock LLM with TTFT %v, ITL %v, %d tokens per stage", c.Path, sub.Name, l.TTFT, l.ITL, l.Tokens)
		case "consensus.serve_cpu_per_run":
			m.Description = fmt.Sprintf("CPU time of subject %s's server per four-stage run over the sequential consensus.overhead series against the zero-latency mock", sub.Name)
		case "consensus.c100_serve_cpu":
			m.Description = fmt.Sprintf("CPU time of subject %s's server per run over the %d simultaneous runs of the burst: what a run costs it when the machine is saturated", sub.Name, p.cfg.Concurrent)
			m.Sample = "one per round: the server's CPU time (sum over its threads of /proc/PID/task/TID/schedstat) over the burst, divided by the runs"
		case "consensus.e2e_overhead", "consensus.overhead", "consensus.overhead_c100":
			m.Description += fmt.Sprintf(" (overhead_ms as subject %s reports it)", sub.Name)
		}
	}
	keep := map[string]bool{"consensus.e2e": true, "consensus.serve_cpu_per_run": true, "consensus.c100_serve_cpu": true}
	if c.API == subject.APIHive {
		keep["consensus.e2e_overhead"], keep["consensus.overhead"], keep["consensus.overhead_c100"] = true, true, true
		keep["consensus.cache_hit"], keep["consensus.http_floor"] = c.Cache, c.Cache
	}
	var out []Metric
	for _, m := range all {
		if keep[m.Name] {
			out = append(out, m)
		}
	}
	return out
}

// Setup starts one mock LLM per latency model and one `hive serve` against
// each; rounds send requests to them.
func (p *consensusProbe) Setup(ctx context.Context, t Target) (_ Session, err error) {
	b, err := newBase(ctx, p.cfg, t, Consensus)
	if err != nil {
		return nil, err
	}
	s := &consensusSession{base: b, metrics: p.Metrics(), client: newClient(p.cfg), q: newQuestions()}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if s.mockOverhead, err = startMock(b.ctx, p.cfg.OverheadLatency); err != nil {
		return nil, err
	}
	if s.mockE2E, err = startMock(b.ctx, p.cfg.E2ELatency); err != nil {
		return nil, err
	}
	if s.overhead, err = b.startServe(b.ctx, s.client, b.path("overhead.db"), s.mockOverhead.BaseURL); err != nil {
		return nil, err
	}
	if s.e2e, err = b.startServe(b.ctx, s.client, b.path("e2e.db"), s.mockE2E.BaseURL); err != nil {
		return nil, err
	}
	if err := warmUp(ctx, s, p.cfg.WarmupRounds); err != nil {
		return nil, err
	}
	return s, nil
}

type consensusSession struct {
	*base
	metrics               []Metric
	client                *http.Client
	q                     *questions
	mockOverhead, mockE2E *mockllm.Running
	overhead, e2e         *server
}

func (s *consensusSession) Round(ctx context.Context) (map[string][]float64, error) {
	ctx, cancel := s.roundCtx(ctx)
	defer cancel()
	for _, srv := range []*server{s.overhead, s.e2e} {
		if srv.p.Exited() {
			return nil, failure(ctx, srv.p, fmt.Errorf("%s: the server exited between rounds (%v)", s.label(), srv.p.Err()))
		}
	}
	over := s.asker(s.client, s.overhead.base)
	e2e := s.asker(s.client, s.e2e.base)
	out := map[string][]float64{}
	// A failing request is the server's doing; report it with its stderr.
	fail := func(srv *server, err error) error { return failure(ctx, srv.p, fmt.Errorf("%s: %w", s.label(), err)) }
	if err := s.sequential(ctx, over, e2e, out, fail); err != nil {
		return nil, err
	}
	// Hits and the burst share one connection of their own (rawConn), as
	// wrk would time them.
	rc, err := dialRaw(ctx, s.overhead.base, s.cfg.RequestTimeout)
	if err != nil {
		return nil, fail(s.overhead, err)
	}
	defer rc.Close()
	if has(s.metrics, "consensus.cache_hit") {
		if err := s.cacheHits(ctx, over, rc, out, fail); err != nil {
			return nil, err
		}
	}
	if err := s.burst(ctx, over, rc, out, fail); err != nil {
		return nil, err
	}
	if err := checkRound(Consensus, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
}

// sequential times single runs: end to end against the e2e server's
// declared latency, and the engine's overhead against the zero-latency one.
func (s *consensusSession) sequential(ctx context.Context, over, e2e asker, out map[string][]float64, fail func(*server, error) error) error {
	n := s.cfg.Samples
	for i := 0; i < n; i++ {
		ans, d, err := e2e.fresh(ctx, s.q.next())
		if err != nil {
			return fail(s.e2e, err)
		}
		out["consensus.e2e"] = append(out["consensus.e2e"], ms(d))
		out["consensus.e2e_overhead"] = append(out["consensus.e2e_overhead"], ans.OverheadMS)
	}
	// An answer in the openai API reports no overhead; the server's CPU
	// per run is read from outside either way.
	reports := has(s.metrics, "consensus.overhead")
	if !reports {
		delete(out, "consensus.e2e_overhead")
	}
	for i := 0; i < n; i++ {
		cpu0, err := proc.ReadCPU(s.overhead.p.Pid())
		if err != nil {
			return fail(s.overhead, err)
		}
		for j := 0; j < overheadPerSample; j++ {
			ans, _, err := over.fresh(ctx, s.q.next())
			if err != nil {
				return fail(s.overhead, err)
			}
			if reports {
				out["consensus.overhead"] = append(out["consensus.overhead"], ans.OverheadMS)
			}
		}
		// Each run is answered once its record is committed, so the
		// records are inside the interval.
		cpu1, err := proc.ReadCPU(s.overhead.p.Pid())
		if err != nil {
			return fail(s.overhead, err)
		}
		out["consensus.serve_cpu_per_run"] = append(out["consensus.serve_cpu_per_run"], ms(cpu1-cpu0)/overheadPerSample)
	}
	return nil
}

// cacheHits fills n cache entries, then times hitsPerFill hits on each, each
// followed by a GET /healthz on the same connection, so that the floor and
// the hits see the same machine: the difference between the two is what a
// cache hit itself costs.
func (s *consensusSession) cacheHits(ctx context.Context, over asker, rc *rawConn, out map[string][]float64, fail func(*server, error) error) error {
	hits := make([]string, s.cfg.Samples)
	var last answer
	for i := range hits {
		hits[i] = s.q.next()
		var err error
		if last, _, err = over.fresh(ctx, hits[i]); err != nil {
			return fail(s.overhead, err)
		}
	}
	// Before the first timed hit: the last fill's record is read back (it
	// must be there: the server answers once it is committed), and one hit
	// goes untimed, so that the first timed hit does not pay for the
	// connection's setup.
	if err := s.readBack(ctx, rc, last.ConversationID, "before the cache hits"); err != nil {
		return fail(s.overhead, err)
	}
	if _, _, err := over.cached(ctx, rc, hits[0]); err != nil {
		return fail(s.overhead, err)
	}
	health := rc.request(http.MethodGet, s.healthPath(), "", nil)
	for range hitsPerFill {
		for _, q := range hits {
			// Not no_cache: this one should come from the cache the
			// first request filled.
			_, d, err := over.cached(ctx, rc, q)
			if err != nil {
				return fail(s.overhead, err)
			}
			out["consensus.cache_hit"] = append(out["consensus.cache_hit"], ms(d))
			status, _, d, err := rc.roundTrip(ctx, health)
			if err != nil || status != http.StatusOK {
				return fail(s.overhead, fmt.Errorf("GET %s%s between cache hits: status %d, %v", s.overhead.base, s.healthPath(), status, err))
			}
			out["consensus.http_floor"] = append(out["consensus.http_floor"], ms(d))
		}
	}
	return nil
}

// burst releases cfg.Concurrent runs at once and records each one's
// overhead, and hive serve's CPU per run over the burst, records included
// (each run is answered once its record is committed).
func (s *consensusSession) burst(ctx context.Context, over asker, rc *rawConn, out map[string][]float64, fail func(*server, error) error) error {
	first := s.q.reserve(s.cfg.Concurrent)
	cpu0, err := proc.ReadCPU(s.overhead.p.Pid())
	if err != nil {
		return fail(s.overhead, err)
	}
	answers, err := over.concurrently(ctx, s.cfg.Concurrent, func(i int) string { return s.q.at(first + i) })
	if err != nil {
		return fail(s.overhead, fmt.Errorf("%d simultaneous runs: %w", s.cfg.Concurrent, err))
	}
	var lastID int64
	for _, a := range answers {
		if has(s.metrics, "consensus.overhead_c100") {
			out["consensus.overhead_c100"] = append(out["consensus.overhead_c100"], a.OverheadMS)
		}
		lastID = max(lastID, a.ConversationID)
	}
	// The last run must read back: a burst whose records were lost does
	// not count.
	if err := s.readBack(ctx, rc, lastID, fmt.Sprintf("after %d simultaneous runs", s.cfg.Concurrent)); err != nil {
		return fail(s.overhead, err)
	}
	cpu1, err := proc.ReadCPU(s.overhead.p.Pid())
	if err != nil {
		return fail(s.overhead, err)
	}
	out["consensus.c100_serve_cpu"] = []float64{ms(cpu1-cpu0) / float64(len(answers))}
	return nil
}

// readBack reads conversation id from the overhead server on rc: an
// answered run must be in the database.
func (s *consensusSession) readBack(ctx context.Context, rc *rawConn, id int64, when string) error {
	get := fmt.Sprintf("/v1/conversations/%d", id)
	if s.sub != nil {
		if s.sub.Consensus.Conversation == "" {
			return nil // the subject gives no way to read a run back
		}
		get = strings.Replace(s.sub.Consensus.Conversation, "{id}", strconv.FormatInt(id, 10), 1)
	}
	if status, _, _, err := rc.roundTrip(ctx, rc.request(http.MethodGet, get, "", nil)); err != nil || status != http.StatusOK {
		return fmt.Errorf("GET %s%s %s: status %d, %v", s.overhead.base, get, when, status, err)
	}
	return nil
}

// Close stops both servers, then both mocks, then removes the scratch
// directory. A server that would not stop on SIGTERM is reported.
func (s *consensusSession) Close() error {
	var errs []error
	for _, srv := range []*server{s.overhead, s.e2e} {
		if srv != nil {
			errs = append(errs, srv.stop(context.Background(), s.base))
		}
	}
	errs = append(errs, stopMock(s.mockOverhead), stopMock(s.mockE2E))
	s.client.CloseIdleConnections()
	errs = append(errs, s.close())
	return errors.Join(errs...)
}

// healthPath is the path of the server's health check.
func (s *consensusSession) healthPath() string {
	if s.sub != nil {
		return s.sub.Serve.Health
	}
	return "/healthz"
}
