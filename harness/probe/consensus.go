package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/mockllm"
)

type consensusProbe struct{ cfg Config }

func (p *consensusProbe) Family() string { return Consensus }

func (p *consensusProbe) Metrics() []Metric {
	l := p.cfg.E2ELatency
	return []Metric{
		{Name: "consensus.e2e", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("one POST /v1/consensus through `hive serve`, end to end, against the mock LLM with TTFT %v, ITL %v, %d tokens per stage", l.TTFT, l.ITL, l.Tokens),
			Sample:      "one sequential request with a new question (no_cache), timed by the harness from send to the last byte of the answer"},
		{Name: "consensus.overhead", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "engine overhead of one consensus run: the engine's wall time minus its time waiting on the upstream LLM (overhead_ms of the answer), zero-latency mock",
			Sample:      "overhead_ms of one sequential request with a new question (no_cache)"},
		{Name: "consensus.cache_hit", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: "a consensus request answered from the response cache, end to end over loopback HTTP/1.1, timed as wrk times requests: a minimal client on one kept-alive connection writes the request built beforehand and reads the status, headers and whole body on one goroutine (net/http's client adds its own goroutine handoffs to every request)",
			Sample:      "a later request for a question answered earlier in the round (all fills first, then the last fill's record read back, one untimed hit, then the timed hits), from writing the request to reading the last byte of the answer; the answer must be a 200 that says cached"},
		{Name: "consensus.overhead_c100", Family: Consensus, Unit: "ms", Direction: compare.LowerIsBetter,
			Description: fmt.Sprintf("engine overhead of one run among %d simultaneous runs (targets look at its p99), zero-latency mock", p.cfg.Concurrent),
			Sample:      fmt.Sprintf("overhead_ms of one of %d requests released at once", p.cfg.Concurrent)},
	}
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
			return nil, failure(ctx, srv.p, fmt.Errorf("%s: hive serve exited between rounds (%v)", s.label(), srv.p.Err()))
		}
	}
	over := asker{client: s.client, base: s.overhead.base, profile: s.cfg.Profile}
	e2e := asker{client: s.client, base: s.e2e.base, profile: s.cfg.Profile}
	n := s.cfg.Samples
	out := map[string][]float64{}
	// A failing request is the server's doing; report it with its stderr.
	fail := func(srv *server, err error) error { return failure(ctx, srv.p, fmt.Errorf("%s: %w", s.label(), err)) }

	for i := 0; i < n; i++ {
		_, d, err := e2e.fresh(ctx, s.q.next())
		if err != nil {
			return nil, fail(s.e2e, err)
		}
		out["consensus.e2e"] = append(out["consensus.e2e"], ms(d))
	}
	for i := 0; i < n; i++ {
		ans, _, err := over.fresh(ctx, s.q.next())
		if err != nil {
			return nil, fail(s.overhead, err)
		}
		out["consensus.overhead"] = append(out["consensus.overhead"], ans.OverheadMS)
	}
	// Fill n cache entries, then time n hits on them: a hit is timed on
	// its own, not while the store is still committing the run that was
	// answered a moment before (hive serve records runs after answering).
	hits := make([]string, n)
	var last answer
	for i := range hits {
		hits[i] = s.q.next()
		var err error
		if last, _, err = over.fresh(ctx, hits[i]); err != nil {
			return nil, fail(s.overhead, err)
		}
	}
	// Hits are timed on a connection of their own with rawConn, as wrk
	// would time them. Before the first: the last fill's record is read
	// back, which waits until the server has committed it, and one hit
	// goes untimed, so that the first timed hit pays neither for the
	// connection's setup nor for a commit still under way.
	rc, err := dialRaw(ctx, s.overhead.base, s.cfg.RequestTimeout)
	if err != nil {
		return nil, fail(s.overhead, err)
	}
	defer rc.Close()
	get := fmt.Sprintf("/v1/conversations/%d", last.ConversationID)
	if status, _, _, err := rc.roundTrip(ctx, rc.request(http.MethodGet, get, "", nil)); err != nil || status != http.StatusOK {
		return nil, fail(s.overhead, fmt.Errorf("GET %s%s before the cache hits: status %d, %v", s.overhead.base, get, status, err))
	}
	if _, _, err := over.cached(ctx, rc, hits[0]); err != nil {
		return nil, fail(s.overhead, err)
	}
	for _, q := range hits {
		// Not no_cache: this one should come from the cache the first
		// request filled.
		_, d, err := over.cached(ctx, rc, q)
		if err != nil {
			return nil, fail(s.overhead, err)
		}
		out["consensus.cache_hit"] = append(out["consensus.cache_hit"], ms(d))
	}
	first := s.q.reserve(s.cfg.Concurrent)
	answers, err := over.concurrently(ctx, s.cfg.Concurrent, func(i int) string { return s.q.at(first + i) })
	if err != nil {
		return nil, fail(s.overhead, fmt.Errorf("%d simultaneous runs: %w", s.cfg.Concurrent, err))
	}
	for _, a := range answers {
		out["consensus.overhead_c100"] = append(out["consensus.overhead_c100"], a.OverheadMS)
	}
	if err := checkRound(Consensus, s.metrics, out); err != nil {
		return nil, err
	}
	return out, nil
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
