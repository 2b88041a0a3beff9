package load

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/engine/server"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/mockllm"
)

// realHive runs the real engine stack on loopback, in this process: the
// mock LLM with latency lat, a file store, the consensus engine with the
// built-in profiles and the HTTP server, as `hive serve` wires them.
func realHive(t *testing.T, lat mockllm.Latency) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	mock, err := mockllm.New(mockllm.Config{Seed: 1, Latency: lat}).Listen(ctx, "127.0.0.1:0")
	require.NoError(t, err)
	cfg, err := consensus.LoadConfig(func(string) string { return "" }, "")
	require.NoError(t, err)
	st, err := store.Open(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	eng, err := consensus.New(cfg, llm.New(llm.WithBaseURL(mock.BaseURL)), consensus.WithStore(st), consensus.WithRegisterer(reg))
	require.NoError(t, err)
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Engine: eng, Conversations: st, Registry: reg, ShutdownGrace: time.Second})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
		<-mock.Done()
		eng.Close()
		st.Close()
	})
	return "http://" + ln.Addr().String()
}

// Against the real server every kind works as the generator expects: no
// errors, the cache answers cache_hit, conversations read back, overhead
// from every consensus reply, memory from /metrics.
func TestAgainstTheRealServer(t *testing.T) {
	url := realHive(t, mockllm.Latency{Tokens: 8})
	sc := scenario(func(s *Scenario) {
		s.Rate, s.Duration = 40, time.Second
		s.Mix = map[string]float64{"consensus": 2, "cache_hit": 1, "conversation_read": 1}
		s.Thresholds = []string{"rate(errors)==0", "count(requests)==40"}
	})
	rep := run(t, context.Background(), sc, url, Options{SampleEvery: 200 * time.Millisecond})
	require.True(t, rep.Complete, rep.IncompleteReason)
	assert.Contains(t, rep.Warmup, "ok:")
	assert.Empty(t, rep.Errors)
	assert.Equal(t, int64(40), rep.All.OK)
	require.Len(t, rep.Kinds, 3)
	for _, k := range rep.Kinds {
		assert.Positive(t, k.OK, k.Kind)
	}
	require.NotNil(t, rep.Overhead)
	assert.Equal(t, int(rep.Kind(KindConsensus).OK), rep.Overhead.N)
	assert.True(t, rep.Passed(), "%+v", rep.Failed())
	require.NotEmpty(t, rep.Memory.Samples)
	last := rep.Memory.Samples[len(rep.Memory.Samples)-1]
	assert.Positive(t, last.RSS, "process_resident_memory_bytes from /metrics")
	assert.Positive(t, last.HeapAlloc)
	assert.Positive(t, last.Goroutines)
}

// With a paced mock, no consensus run can be faster than its four
// upstream replies: each reply takes TTFT + (tokens−1) × ITL by the mock's
// schedule, so every latency is at least 4 × (20ms + 4 × 2ms) = 112 ms, and
// below the declared 4 × (20ms + 5 × 2ms) = 120 ms only by the ITL slack.
func TestLatencyIncludesTheDeclaredUpstreamTime(t *testing.T) {
	lat := MockLatency{TTFT: 20 * time.Millisecond, ITL: 2 * time.Millisecond, Tokens: 5}
	url := realHive(t, mockllm.Latency{TTFT: lat.TTFT, ITL: lat.ITL, Tokens: lat.Tokens})
	sc := scenario(func(s *Scenario) { s.Rate, s.Duration, s.Mock = 20, 500*time.Millisecond, lat })
	rep := run(t, context.Background(), sc, url, Options{Declared: lat.Declared(4)})
	require.Equal(t, int64(10), rep.All.OK, "%+v", rep.Errors)
	for _, s := range rep.samples {
		assert.GreaterOrEqual(t, s.latency, 112*time.Millisecond)
	}
	assert.InDelta(t, 120, rep.DeclaredMS, 0)
}
