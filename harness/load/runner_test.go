package load

import (
	"context"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The open model issues exactly one request per scheduled arrival: at
// 200/s for 500 ms the schedule has arrivals at 0, 5, …, 495 ms, so 100,
// however fast or slow the machine is.
func TestOpenModelHonoursTheRate(t *testing.T) {
	cases := []struct {
		name     string
		rate     Rate
		duration time.Duration
		want     int64
	}{
		{"200/s for 500ms", 200, 500 * time.Millisecond, 100},
		{"1000/min for 600ms", mustRate(t, "1000/min"), 600 * time.Millisecond, 10},
		{"50/s for 1s", 50, time.Second, 50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &fakeHive{}
			sc := scenario(func(s *Scenario) { s.Rate, s.Duration = c.rate, c.duration })
			rep := run(t, context.Background(), sc, serve(t, h), Options{})
			assert.True(t, rep.Complete, rep.IncompleteReason)
			assert.Equal(t, c.want, rep.Arrivals, "arrivals")
			assert.Zero(t, rep.Dropped)
			assert.Equal(t, c.want, rep.All.Requests, "requests issued")
			assert.Equal(t, c.want, h.requests.Load(), "requests the server saw")
			assert.Equal(t, c.want, rep.All.OK)
			// Every request is timed from its slot on the schedule, i/rate,
			// whatever time it was actually sent.
			for _, s := range rep.samples {
				i := int64(math.Round(s.at.Seconds() * float64(c.rate)))
				assert.Equal(t, c.rate.offset(i), s.at, "sample at %v is not on the schedule (interval %v)", s.at, c.rate.Interval())
			}
		})
	}
}

func mustRate(t testing.TB, s string) Rate {
	r, err := ParseRate(s)
	require.NoError(t, err)
	return r
}

// Coordinated omission: the server stalls every request for 200 ms once.
// The generator must keep issuing on schedule during the stall, and every
// request scheduled during it must be charged the wait: its latency is at
// least (end of stall − scheduled time). Both are causal facts, not speeds:
// no machine can answer a request before the stall that holds it ends, and
// a generator that waited for answers before sending (the omission) would
// have no requests scheduled inside the stall to show.
func TestOpenModelChargesTheStallToEveryRequestScheduledDuringIt(t *testing.T) {
	const stall = 200 * time.Millisecond
	var gate sync.RWMutex
	var stalled atomic.Bool
	var started atomic.Int64
	var stallStart, stallEnd time.Time
	var mark sync.Mutex
	h := &fakeHive{}
	h.hook = func(w http.ResponseWriter, r *http.Request) bool {
		// The 20th request (≈190 ms in) stalls the server; every request
		// arriving while it holds the gate waits for it.
		if started.Add(1) == 20 && stalled.CompareAndSwap(false, true) {
			gate.Lock()
			mark.Lock()
			stallStart = time.Now()
			mark.Unlock()
			time.Sleep(stall)
			mark.Lock()
			stallEnd = time.Now()
			mark.Unlock()
			gate.Unlock()
			return false
		}
		gate.RLock()
		gate.RUnlock() //nolint:staticcheck // an empty critical section is the point: wait out the stall
		return false
	}
	sc := scenario(func(s *Scenario) { s.Rate, s.Duration, s.MaxInFlight = 100, 700*time.Millisecond, 200 })
	rep := run(t, context.Background(), sc, serve(t, h), Options{})
	require.True(t, stalled.Load(), "the stall happened")
	require.True(t, rep.Complete)
	assert.Zero(t, rep.Dropped)
	assert.Equal(t, int64(70), rep.All.OK)

	mark.Lock()
	from, to := stallStart.Sub(rep.t0), stallEnd.Sub(rep.t0)
	mark.Unlock()
	var during int
	for _, s := range rep.samples {
		if s.at < from || s.at >= to {
			continue
		}
		during++
		// at is the scheduled time; the answer cannot precede the stall's end.
		assert.GreaterOrEqual(t, s.latency, to-s.at, "request scheduled at %v (stall %v–%v) has latency %v", s.at, from, to, s.latency)
	}
	// Every arrival the schedule put inside the stall (one each 10 ms at
	// 100/s) was issued and measured. The stall is counted from the clock,
	// not assumed to last 200 ms: on a loaded machine (or under -race) the
	// sleep stretches, once to 3 s, and more arrivals fall inside it.
	want := 0
	for k := range 70 {
		if at := time.Duration(k) * 10 * time.Millisecond; at >= from && at < to {
			want++
		}
	}
	require.Positive(t, want, "the stall (%v–%v) covered no scheduled arrival: the test tested nothing", from, to)
	assert.Equal(t, want, during, "requests scheduled during the stall (%v–%v) that were measured", from, to)
}

// With two in-flight slots held by requests that do not answer until after
// the run, every later arrival finds no slot within its own slot time and
// is dropped — and counted, never silently skipped.
func TestOpenModelCountsDroppedArrivals(t *testing.T) {
	release := make(chan struct{})
	h := &fakeHive{}
	h.hook = func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return false
	}
	sc := scenario(func(s *Scenario) {
		s.Rate, s.Duration, s.MaxInFlight = 100, 600*time.Millisecond, 2
		s.Thresholds = []string{"count(dropped)==0", "rate(dropped)<0.5"}
	})
	url := serve(t, h)
	go func() { time.Sleep(sc.Duration + 400*time.Millisecond); close(release) }()
	rep := run(t, context.Background(), sc, url, Options{})
	assert.Equal(t, int64(60), rep.Arrivals)
	assert.Equal(t, int64(58), rep.Dropped)
	assert.Equal(t, int64(2), rep.All.Requests)
	assert.Equal(t, int64(2), rep.All.OK)
	require.Len(t, rep.Thresholds, 2)
	assert.False(t, rep.Thresholds[0].OK, "count(dropped)==0 fails")
	assert.Equal(t, "58", rep.Thresholds[0].MeasuredText)
	assert.False(t, rep.Thresholds[1].OK, "rate(dropped)<0.5 fails at 58/60")
	assert.InDelta(t, 58.0/60, rep.Thresholds[1].Measured, 1e-12)
	assert.False(t, rep.Passed())
}

// A target that refuses connections: every request is an error of class
// connection_refused, the run still ends when its duration is over, and the
// thresholds fail.
func TestRefusedTargetCountsErrorsAndFailsThresholds(t *testing.T) {
	for _, model := range []Model{Open, Closed} {
		t.Run(string(model), func(t *testing.T) {
			sc := scenario(func(s *Scenario) {
				s.Model = model
				if model == Closed {
					s.Rate, s.Users = 0, 2
					s.Think, s.ThinkJitter = 10*time.Millisecond, 0
				}
				s.Thresholds = []string{"rate(errors)<0.01", "p(99)<1s"}
			})
			rep := run(t, context.Background(), sc, refusedURL(t), Options{})
			assert.True(t, rep.Complete)
			require.Positive(t, rep.All.Requests)
			assert.Equal(t, rep.All.Requests, rep.All.Errors)
			require.Len(t, rep.Errors, 1)
			assert.Equal(t, ClassRefused, rep.Errors[0].Class)
			assert.Equal(t, rep.All.Requests, rep.Errors[0].ByKind["consensus"])
			assert.NotEmpty(t, rep.Errors[0].Example)
			assert.Zero(t, rep.All.OK)
			require.Len(t, rep.Thresholds, 2)
			assert.False(t, rep.Thresholds[0].OK)
			assert.InDelta(t, 1.0, rep.Thresholds[0].Measured, 0)
			assert.False(t, rep.Thresholds[1].OK, "no successful request: a latency bound cannot hold")
			assert.Equal(t, "no successful requests to measure", rep.Thresholds[1].Note)
			assert.False(t, rep.Passed())
			assert.NotEmpty(t, rep.Memory.LastFailure, "the /metrics scrape failed and says so")
		})
	}
}

// Canceling the context (Ctrl-C) stops issuing, gives in-flight requests
// StopGrace, cuts the rest, and returns a partial report marked incomplete.
func TestCancelWritesAPartialReport(t *testing.T) {
	h := &fakeHive{}
	var hung atomic.Int64
	h.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/v1/conversations/1" {
			hung.Add(1)
			hang(r) // does not answer: in flight at the cancel
			return true
		}
		return false
	}
	sc := scenario(func(s *Scenario) {
		s.Model, s.Rate, s.Users = Closed, 0, 3
		s.Duration = time.Minute
		s.Mix = map[string]float64{"conversation_read": 1}
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for i := 0; i < 1000 && hung.Load() < 3; i++ {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	rep := run(t, ctx, sc, serve(t, h), Options{StopGrace: 50 * time.Millisecond})
	assert.False(t, rep.Complete)
	assert.Contains(t, rep.IncompleteReason, "interrupted after")
	assert.Equal(t, int64(3), rep.Interrupted, "the three hung reads were cut, not counted as errors")
	assert.Zero(t, rep.All.Errors)
	assert.Contains(t, rep.Warmup, "ok", "the warm-up created conversation 1")
	assert.Less(t, rep.Window, sc.Duration)
}

// Closed model: each user waits for its answer and then thinks, so with a
// 100 ms think and no jitter a user makes at most one request per 100 ms.
func TestClosedModelThinks(t *testing.T) {
	h := &fakeHive{}
	sc := scenario(func(s *Scenario) {
		s.Model, s.Rate, s.Users = Closed, 0, 3
		s.Think, s.ThinkJitter = 100*time.Millisecond, 0
		s.Duration = 450 * time.Millisecond
	})
	rep := run(t, context.Background(), sc, serve(t, h), Options{})
	assert.True(t, rep.Complete)
	assert.GreaterOrEqual(t, rep.All.OK, int64(3), "every user sent at least its first request")
	assert.LessOrEqual(t, rep.All.Requests, int64(3*5), "at most ⌈450/100⌉ requests per user")
	assert.Zero(t, rep.Arrivals, "a closed model has no arrivals to drop")
}

// Every kind of the mix is issued and read the way the real server answers
// it: overhead from consensus replies, cache hits verified, conversations
// read back by an id the run created.
func TestMixIssuesEveryKind(t *testing.T) {
	h := &fakeHive{}
	sc := scenario(func(s *Scenario) {
		s.Rate, s.Duration = 200, 500*time.Millisecond
		s.Mix = map[string]float64{"consensus": 2, "cache_hit": 1, "conversation_read": 1}
		s.Thresholds = []string{"overhead.max<=250us", "consensus.count(requests)>0", "cache_hit.rate(errors)==0", "throughput>=1/s"}
	})
	rep := run(t, context.Background(), sc, serve(t, h), Options{})
	require.True(t, rep.Complete)
	assert.Equal(t, int64(100), rep.All.OK)
	assert.Empty(t, rep.Errors)
	require.Len(t, rep.Kinds, 3)
	for _, k := range rep.Kinds {
		assert.Positive(t, k.OK, k.Kind)
		require.NotNil(t, k.Latency, k.Kind)
	}
	require.NotNil(t, rep.Overhead)
	assert.Equal(t, int(rep.Kind(KindConsensus).OK), rep.Overhead.N, "one overhead sample per consensus reply")
	assert.InDelta(t, 0.25, rep.Overhead.P50MS, 1e-9, "overhead_ms as the server reported it")
	for _, th := range rep.Thresholds {
		assert.True(t, th.OK, "%s measured %s %s", th.Expr, th.MeasuredText, th.Note)
	}
	require.NotEmpty(t, rep.Memory.Samples)
	m := rep.Memory.Samples[0]
	assert.Equal(t, int64(21e6), m.RSS, "RSS from /metrics when the harness did not start the server")
	assert.Equal(t, int64(4.5e6), m.HeapAlloc)
	assert.Equal(t, int64(12), m.Goroutines)
}

// Answers that are not what the endpoint promises are errors of their own
// class, with the server's words as the example.
func TestErrorClasses(t *testing.T) {
	var warm atomic.Int64
	cases := []struct {
		name  string
		kind  string
		hook  func(w http.ResponseWriter, r *http.Request) bool
		class string
	}{
		{"502 from a failed stage", "consensus", func(w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(`{"error":"generator: upstream 500"}`))
			return true
		}, "http_502"},
		{"cache miss", "cache_hit", func(w http.ResponseWriter, r *http.Request) bool {
			// The warm-up's two requests (ask, then see it cached) are
			// answered normally; the cache then "forgets".
			if warm.Add(1) <= 2 {
				return false
			}
			w.Write([]byte(`{"conversation_id":1,"status":"ok","overhead_ms":1,"cached":false}`))
			return true
		}, ClassCacheMiss},
		{"budget stop", "consensus", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"conversation_id":1,"status":"budget","overhead_ms":1,"cached":false}`))
			return true
		}, ClassRunStatus},
		{"not JSON", "consensus", func(w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`<html>`))
			return true
		}, ClassBadResponse},
		{"timeout", "consensus", func(w http.ResponseWriter, r *http.Request) bool {
			hang(r)
			return true
		}, ClassTimeout},
		{"connection closed mid-answer", "consensus", func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Length", "100")
			w.Write([]byte(`{"conv`))
			panic(http.ErrAbortHandler)
		}, ClassEOF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &fakeHive{hook: c.hook}
			sc := scenario(func(s *Scenario) {
				s.Rate, s.Duration, s.Timeout = 20, 100*time.Millisecond, 200*time.Millisecond
				s.Mix = map[string]float64{c.kind: 1}
			})
			rep := run(t, context.Background(), sc, serve(t, h), Options{})
			require.NotEmpty(t, rep.Errors)
			assert.Equal(t, c.class, rep.Errors[0].Class)
			assert.Equal(t, rep.All.Requests, rep.Errors[0].Count, "%+v", rep.Errors)
			assert.Equal(t, int64(2), rep.All.Requests)
		})
	}
}

// The hard cap on requests stops a run early and says so.
func TestRequestCapStopsTheRun(t *testing.T) {
	for _, model := range []Model{Open, Closed} {
		t.Run(string(model), func(t *testing.T) {
			h := &fakeHive{}
			sc := scenario(func(s *Scenario) {
				s.MaxRequests = 7
				s.Duration = 5 * time.Second
				s.Rate = 1000
				if model == Closed {
					s.Model, s.Rate, s.Users = Closed, 0, 2
				}
			})
			rep := run(t, context.Background(), sc, serve(t, h), Options{})
			assert.False(t, rep.Complete)
			assert.Contains(t, rep.IncompleteReason, "request cap (7)")
			assert.Equal(t, int64(7), rep.All.Requests)
			assert.Equal(t, int64(7), h.requests.Load())
		})
	}
}

func TestRunRefusesANonLoopbackTarget(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8765", "http://example.com:80", "https://127.0.0.1:8765", "http://127.0.0.1", "http://127.0.0.1:8765/v1", "ftp://127.0.0.1:21"} {
		_, err := Run(context.Background(), scenario(nil), Target{URL: u}, Options{})
		assert.Error(t, err, u)
	}
	for _, u := range []string{"http://127.0.0.1:8765", "http://localhost:1/", "http://[::1]:9"} {
		got, err := CheckTargetURL(u)
		assert.NoError(t, err, u)
		assert.NotContains(t, got[len("http://"):], "/", u)
	}
}
