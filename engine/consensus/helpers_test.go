package consensus

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/mockllm"
)

// upstream is the real mock LLM on a loopback port, with a recorder of the
// request bodies it received (so tests can read the prompts the engine
// sent).
type upstream struct {
	mock *mockllm.Server
	url  string // base URL, ending in /v1

	mu     sync.Mutex
	bodies []chatBody
}

type chatBody struct {
	Model       string        `json:"model"`
	Messages    []llm.Message `json:"messages"`
	Temperature *float64      `json:"temperature"`
	MaxTokens   int           `json:"max_tokens"`
	Stop        []string      `json:"stop"`
}

// zeroLatency is a mock that answers at once with short replies and
// reports cost (1 µUSD per prompt token, 2 per completion token).
func zeroLatency() mockllm.Config {
	return mockllm.Config{Seed: 7, Latency: mockllm.Latency{Tokens: 12},
		Prices: mockllm.Prices{Prompt: 1e-6, Completion: 2e-6}}
}

func startUpstream(t testing.TB, cfg mockllm.Config) *upstream {
	t.Helper()
	u := &upstream{mock: mockllm.New(cfg)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/chat/completions" {
			b, _ := io.ReadAll(r.Body)
			var cb chatBody
			if json.Unmarshal(b, &cb) == nil {
				u.mu.Lock()
				u.bodies = append(u.bodies, cb)
				u.mu.Unlock()
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		u.mock.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	u.url = ts.URL + "/v1"
	return u
}

func (u *upstream) requests() []chatBody {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]chatBody(nil), u.bodies...)
}

// client is the real LLM client with short backoffs, so retry tests do not
// sleep for seconds (Retry-After is still honoured).
func (u *upstream) client() *llm.Client {
	return llm.New(llm.WithBaseURL(u.url), llm.WithRetry(2, time.Millisecond, 5*time.Millisecond))
}

// testProfiles are profiles whose model names select the mock's scripted
// behaviour per stage.
const testProfiles = `
default_profile: plain
profiles:
  plain:
    generator: {model: test/gen, temperature: 0.7, max_tokens: 64}
    refiner:   {model: test/ref, max_tokens: 64}
    validator: {model: test/val}
    curator:   {model: test/cur}
  one:
    direct: {model: test/direct}
`

// loadConfig writes yaml (testProfiles plus extra profiles) to a file and
// loads it the way hive does, over the embedded defaults.
func loadConfig(t testing.TB, extra string) *Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(testProfiles+extra), 0o644))
	cfg, err := LoadConfig(func(string) string { return "" }, path)
	require.NoError(t, err)
	return cfg
}

type harness struct {
	up    *upstream
	eng   *Engine
	store *store.Store
	reg   *prometheus.Registry
}

func newHarness(t testing.TB, mcfg mockllm.Config, extraProfiles string, opts ...Option) *harness {
	t.Helper()
	h := &harness{up: startUpstream(t, mcfg), reg: prometheus.NewRegistry()}
	st, err := store.Open(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	h.store = st
	eng, err := New(loadConfig(t, extraProfiles), h.up.client(),
		append([]Option{WithStore(st), WithRegisterer(h.reg)}, opts...)...)
	require.NoError(t, err)
	h.eng = eng
	t.Cleanup(func() {
		eng.Close()
		st.Close()
	})
	return h
}

// eventLog collects a run's events.
type eventLog struct {
	events []Event
}

func (l *eventLog) handle(ev Event) { l.events = append(l.events, ev) }

func (l *eventLog) kinds() []EventKind {
	out := make([]EventKind, len(l.events))
	for i, e := range l.events {
		out[i] = e.Kind
	}
	return out
}

// streamed returns the concatenated token deltas of stage index i.
func (l *eventLog) streamed(i int) string {
	var b strings.Builder
	for _, e := range l.events {
		if e.Kind == EventToken && e.Index == i {
			b.WriteString(e.Delta)
		}
	}
	return b.String()
}

// metricValue reads a counter or gauge (or a histogram's sample count).
func metricValue(t testing.TB, m prometheus.Metric) float64 {
	t.Helper()
	var d dto.Metric
	require.NoError(t, m.Write(&d))
	switch {
	case d.Counter != nil:
		return d.Counter.GetValue()
	case d.Gauge != nil:
		return d.Gauge.GetValue()
	case d.Histogram != nil:
		return float64(d.Histogram.GetSampleCount())
	}
	t.Fatalf("metric %v is not a counter, gauge or histogram", m.Desc())
	return 0
}
