package load

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenReport is a fixed report: 40 consensus runs at 10…49 ms (overhead
// 1 % of each), 20 cache hits at 2 ms, three 502s and one refused
// connection, 5 dropped arrivals, an RSS series and three thresholds.
func goldenReport(t *testing.T) *Report {
	var samples []sample
	for i := 0; i < 40; i++ {
		d := time.Duration(10+i) * time.Millisecond
		samples = append(samples, sample{kind: KindConsensus, at: time.Duration(i) * 25 * time.Millisecond, latency: d, overhead: d / 100})
	}
	for i := 0; i < 20; i++ {
		samples = append(samples, sample{kind: KindCacheHit, at: time.Duration(i) * 50 * time.Millisecond, latency: 2 * time.Millisecond, overhead: -1})
	}
	for i := 0; i < 3; i++ {
		samples = append(samples, sample{kind: KindConsensus, class: "http_502", latency: time.Millisecond, overhead: -1})
	}
	samples = append(samples, sample{kind: KindCacheHit, class: ClassRefused, latency: time.Millisecond, overhead: -1})
	rep := syntheticReport(Open, samples, map[string]string{"http_502": `{"error":"generator: upstream 500"}`, ClassRefused: "dial tcp 127.0.0.1:1: connect: connection refused"}, 69, 5)
	rep.Target, rep.ServerPID, rep.DeclaredMS = "http://127.0.0.1:8765", 4242, 40
	rep.Scenario.Mock = MockLatency{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, Tokens: 5}
	rep.Warmup = "ok: conversation 1 created, its question answered from the cache"
	rep.Memory = MemoryReport{RSSSource: "/proc/4242/status VmRSS", PeakRSS: 33e6, Samples: []MemSample{
		{T: 0, RSS: 20e6, HeapAlloc: 3e6, Goroutines: 10},
		{T: 0.5, RSS: 31e6, HeapAlloc: 6e6, Goroutines: 60},
		{T: 1, RSS: 30e6, HeapAlloc: 5e6, Goroutines: 12},
	}}
	for _, e := range []string{"consensus.p(99)<declared+5ms", "rate(errors)<0.01", "count(dropped)==0"} {
		th, err := ParseThreshold(e)
		require.NoError(t, err)
		rep.Thresholds = append(rep.Thresholds, th.Evaluate(rep, 40*time.Millisecond))
	}
	return rep
}

func TestWriteTextGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteText(&buf, goldenReport(t)))
	golden := filepath.Join("testdata", "report.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), buf.String())
}

// The results file of a run is valid for harness/results (Encode refuses
// anything Read would refuse) and keeps the raw samples.
func TestToResults(t *testing.T) {
	rep := goldenReport(t)
	f := ToResults(rep)
	data, err := results.Encode(f)
	require.NoError(t, err)
	back, err := results.Decode("load.json", data)
	require.NoError(t, err)
	assert.True(t, back.Complete)
	assert.Equal(t, "load/test", back.Suite)
	b, ok := back.Benchmark(BenchConsensus)
	require.True(t, ok)
	assert.Len(t, b.Samples, 40)
	assert.Equal(t, "ns", b.Unit)
	assert.InDelta(t, 10e6, b.Summary.Min, 0)
	_, ok = back.Benchmark(BenchCacheHit)
	assert.True(t, ok)
	_, ok = back.Benchmark(BenchConversationRead)
	assert.False(t, ok, "a kind without samples is left out")
	o, ok := back.Benchmark(BenchOverhead)
	require.True(t, ok)
	assert.Len(t, o.Samples, 40)
	m, ok := back.Benchmark(BenchRSS)
	require.True(t, ok)
	assert.Equal(t, []float64{20e6, 31e6, 30e6}, m.Samples)

	rep.Complete, rep.IncompleteReason = false, "interrupted after 0.4s of 1s; partial results"
	back, err = results.Decode("partial.json", mustEncode(t, ToResults(rep)))
	require.NoError(t, err)
	assert.False(t, back.Complete)
	assert.Equal(t, rep.IncompleteReason, back.IncompleteReason)

	// No success at all: an incomplete file that says why, not an invalid one.
	empty := syntheticReport(Open, []sample{{kind: KindConsensus, class: ClassRefused, overhead: -1}}, nil, 1, 0)
	back, err = results.Decode("empty.json", mustEncode(t, ToResults(empty)))
	require.NoError(t, err)
	assert.False(t, back.Complete)
	assert.Contains(t, back.IncompleteReason, "no request succeeded")
}

func mustEncode(t *testing.T, f *results.File) []byte {
	data, err := results.Encode(f)
	require.NoError(t, err)
	return data
}

// The JSON report carries the scenario as its file spells it.
func TestReportJSON(t *testing.T) {
	data, err := goldenReport(t).MarshalIndent()
	require.NoError(t, err)
	s := string(data)
	assert.Contains(t, s, `"duration": "300ms"`)
	assert.Contains(t, s, `"rate": "6000/min"`)
	assert.Contains(t, s, `"class": "http_502"`)
	assert.Contains(t, s, `"expr": "count(dropped)==0"`)
}
