package load

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeHive mimics the wire format of `hive serve` closely enough for the
// generator: POST /v1/consensus answers a ResultJSON-shaped body (cached
// once a question was seen without no_cache), GET /v1/conversations/{id}
// answers {"id": id}, GET /metrics the three gauges. hook, when set, runs
// first in every request and may answer it itself (returning true).
type fakeHive struct {
	requests atomic.Int64
	nextID   atomic.Int64
	seen     sync.Map // question → struct{}
	hook     func(w http.ResponseWriter, r *http.Request) bool
}

func (f *fakeHive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/metrics" {
		w.Write([]byte("# HELP go_goroutines x\n# TYPE go_goroutines gauge\ngo_goroutines 12\ngo_memstats_heap_alloc_bytes 4.5e+06\nprocess_resident_memory_bytes 2.1e+07\n"))
		return
	}
	f.requests.Add(1)
	if f.hook != nil && f.hook(w, r) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/consensus":
		var req struct {
			Question string `json:"question"`
			Profile  string `json:"profile"`
			NoCache  bool   `json:"no_cache"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Question == "" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid request body"}`))
			return
		}
		_, seen := f.seen.LoadOrStore(req.Question, struct{}{})
		cached := seen && !req.NoCache
		json.NewEncoder(w).Encode(map[string]any{
			"conversation_id": f.nextID.Add(1), "profile": req.Profile, "status": "ok", "final": "answer",
			"stages": []any{}, "wall_ms": 1.5, "upstream_ms": 1.25, "overhead_ms": 0.25, "cached": cached,
		})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/conversations/"):
		id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/v1/conversations/"), 10, 64)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": id, "status": "ok", "messages": []any{}})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// hang holds a request until the client goes away (bounded, so a broken
// test fails instead of hanging). It reads the body first: net/http only
// notices a closed connection once the handler has consumed the body.
func hang(r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// serve runs h on a loopback port for the test.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// refusedURL is a loopback URL nothing listens on: a port that was bound
// and released.
func refusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// scenario is a valid scenario for tests; mut adjusts it. The open model's
// in-flight cap is as large as the run's arrivals, so no test drops an
// arrival because the machine is slow, unless it sets a smaller cap to test
// exactly that.
func scenario(mut func(*Scenario)) Scenario {
	sc := NewScenario()
	sc.Name = "test"
	sc.Model = Open
	sc.Rate = 100
	sc.Duration = 300 * time.Millisecond
	sc.Timeout = 2 * time.Second
	sc.Mix = map[string]float64{"consensus": 1}
	if mut != nil {
		mut(&sc)
	}
	if sc.Model == Open && sc.MaxInFlight == 0 {
		sc.MaxInFlight = int(math.Ceil(float64(sc.Rate)*sc.Duration.Seconds())) + 1
	}
	return sc
}

func run(t testing.TB, ctx context.Context, sc Scenario, url string, opt Options) *Report {
	t.Helper()
	if opt.SampleEvery == 0 {
		opt.SampleEvery = 100 * time.Millisecond
	}
	rep, err := Run(ctx, sc, Target{URL: url}, opt)
	require.NoError(t, err)
	return rep
}
