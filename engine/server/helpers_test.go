package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/engine/server"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/mockllm"
)

const testProfiles = `
default_profile: plain
profiles:
  plain:
    generator: {model: test/gen}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
  slow:
    generator: {model: "@itl-20ms+tokens-500/slow"}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
  broken:
    direct: {model: "@fail-400/broken"}
  long:
    direct: {model: "@tokens-2000/long"}
  hang:
    direct: {model: "@ttft-10m/hang"}
  stall:
    direct: {model: "@ttft-2s+keepalive-100ms+tokens-20/stall"}
  flood:
    direct: {model: "@itl-1ms+tokens-100000/flood"}
  waits:
    generator: {model: "@ttft-20s/waits"}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
  empty:
    direct: {model: test/empty}
`

type env struct {
	mock  *mockllm.Server
	store *store.Store
	eng   *consensus.Engine
	srv   *server.Server
	reg   *prometheus.Registry
	url   string // http://127.0.0.1:port
	// storeErrs collects what the engine reports of background store
	// writes (consensus.WithStoreErrorHandler).
	storeErrs *errorLog
	// closeStore closes the store once (also run at cleanup).
	closeStore func() error
	// stop cancels Serve's context and returns what Serve returned; it is
	// also run at cleanup.
	stop func() error
}

func zeroLatency() mockllm.Config {
	return mockllm.Config{Seed: 3, Latency: mockllm.Latency{Tokens: 10},
		Prices: mockllm.Prices{Prompt: 1e-6, Completion: 2e-6}}
}

// start runs the whole stack on loopback: the mock LLM, a file store, the
// engine and the server's Serve loop (stopped, like hive serve, by
// canceling its context).
func start(t testing.TB, mut func(*server.Config)) *env {
	t.Helper()
	return startWith(t, mut)
}

// startWith is start with engine options.
func startWith(t testing.TB, mut func(*server.Config), opts ...consensus.Option) *env {
	t.Helper()
	return startOn(t, net.ListenConfig{}, mut, opts...)
}

// startOn is startWith listening through lc (its Control can set socket
// options that accepted connections inherit).
func startOn(t testing.TB, lc net.ListenConfig, mut func(*server.Config), opts ...consensus.Option) *env {
	t.Helper()
	e := &env{mock: mockllm.New(zeroLatency()), storeErrs: &errorLog{}}
	up := httptest.NewServer(emptyAnswers(e.mock))
	t.Cleanup(up.Close)

	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(testProfiles), 0o644))
	cfg, err := consensus.LoadConfig(func(string) string { return "" }, path)
	require.NoError(t, err)

	st, err := store.Open(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	e.store = st
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	client := llm.New(llm.WithBaseURL(up.URL+"/v1"), llm.WithRetry(2, time.Millisecond, 5*time.Millisecond))
	e.reg = reg
	e.eng, err = consensus.New(cfg, client, append([]consensus.Option{consensus.WithStore(st), consensus.WithRegisterer(reg),
		consensus.WithStoreErrorHandler(e.storeErrs.add)}, opts...)...)
	require.NoError(t, err)

	scfg := server.Config{Addr: "127.0.0.1:0", Engine: e.eng, Conversations: st, Registry: reg,
		ShutdownGrace: 2 * time.Second}
	if mut != nil {
		mut(&scfg)
	}
	e.srv, err = server.New(scfg)
	require.NoError(t, err)
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	e.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-done
		})
		return serveErr
	}
	var closeOnce sync.Once
	var closeErr error
	e.closeStore = func() error {
		closeOnce.Do(func() { closeErr = st.Close() })
		return closeErr
	}
	t.Cleanup(func() {
		require.NoError(t, e.stop())
		e.eng.Close()
		e.closeStore()
	})
	return e
}

// emptyAnswers answers model test/empty with a finished stream that has no
// content (the mock's replies have at least one token) and passes every
// other request to next.
func emptyAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req struct {
			Model string `json:"model"`
		}
		if json.Unmarshal(body, &req) != nil || req.Model != "test/empty" {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		const chunk = `data: {"id":"e","object":"chat.completion.chunk","created":1,"model":"test/empty","choices":[`
		io.WriteString(w, chunk+`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`+"\n\n")
		io.WriteString(w, chunk+`{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n")
		io.WriteString(w, chunk+`],"usage":{"prompt_tokens":7,"completion_tokens":0,"total_tokens":7}}`+"\n\n")
		io.WriteString(w, "data: [DONE]\n\n")
	})
}

// errorLog collects errors from several goroutines.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) add(err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// metric reads one sample of a family from the registry (a counter or
// gauge; labels as name=value pairs), or fails.
func (e *env) metric(t testing.TB, family string, labels ...string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != family {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			}
		}
	}
	t.Fatalf("no sample of %s%v", family, labels)
	return 0
}

func (e *env) post(t testing.TB, path string, body any) *http.Response {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(e.url+path, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (e *env) get(t testing.TB, path string) *http.Response {
	t.Helper()
	resp, err := http.Get(e.url + path)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func decode[T any](t testing.TB, r io.Reader) T {
	t.Helper()
	var v T
	require.NoError(t, json.NewDecoder(r).Decode(&v))
	return v
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	name string
	data string
}

// readSSE parses a stream into events; comments are dropped.
func readSSE(t testing.TB, r io.Reader) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.data != "" || cur.name != "" {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			require.Empty(t, cur.data, "one data line per event")
			cur.data = strings.TrimPrefix(line, "data: ")
		default:
			t.Fatalf("unexpected SSE line %q", line)
		}
	}
	require.NoError(t, sc.Err())
	return out
}
