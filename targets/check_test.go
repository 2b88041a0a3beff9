package targets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

func bench(name string, unit string, p50, p95, p99, max float64) results.Benchmark {
	fam, _ := results.CheckName(name)
	return results.Benchmark{
		Name: name, Metric: fam, Unit: unit, Direction: results.LowerIsBetter,
		Samples: []float64{p50},
		Summary: stats.Summary{N: 1, Min: p50, P50: p50, P90: p95, P95: p95, P99: p99, Max: max, Mean: p50},
	}
}

func TestCheck(t *testing.T) {
	f := &results.File{Source: "run.json", Complete: false, IncompleteReason: "interrupted by SIGINT", Benchmarks: []results.Benchmark{
		bench("startup.serve", "ns", 8e6, 19e6, 40e6, 50e6),            // p95 19 ms ≤ 20 ms: pass
		bench("memory.idle_rss", "bytes", 15e6, 18e6, 19e6, 21e6),      // peak 21 MB > 20 MB: fail
		bench("parsing.per_file", "ms/file", 0.4, 0.9, 2, 5),           // p50 0.4 ms/file ≤ 1: pass
		bench("database.insert_message", "ns", 80e3, 90e3, 150e3, 1e6), // pass
		bench("database.cache_get", "ns", 101e3, 120e3, 150e3, 1e6),    // p50 101 µs > 100 µs: fail
	}}
	set, err := Builtin()
	require.NoError(t, err)
	hive, err := set.Tier("hive")
	require.NoError(t, err)

	outcomes := Check(hive, f)
	type got struct {
		metric    string
		stat      Statistic
		benchmark string
		status    Status
	}
	var gotList []got
	for _, o := range outcomes {
		gotList = append(gotList, got{o.Target.Metric, o.Target.Statistic, o.Benchmark, o.Status})
	}
	assert.Equal(t, []got{
		{"startup.serve", P95, "startup.serve", Pass},
		{"memory.idle_rss", Peak, "memory.idle_rss", Fail},
		{"parsing.per_file", P50, "parsing.per_file", Pass},
		{"consensus.overhead", P50, "", Missing},
		{"consensus.overhead", P99, "", Missing},
		{"consensus.overhead_c100", P99, "", Missing},
		{"consensus.cache_hit", P99, "", Missing},
		{"database.insert_message", P50, "database.insert_message", Pass},
		{"database.cache_get", P50, "database.cache_get", Fail},
		{"database.cache_put", P50, "", Missing},
	}, gotList)

	assert.InDelta(t, 19.0, outcomes[0].Measured, 1e-9, "measured is in the target's unit (ms)")
	assert.InDelta(t, 21.0, outcomes[1].Measured, 1e-9, "peak is the largest sample, in MB")
	assert.Equal(t, "startup.serve p95 19 ms, target p95 ≤ 20 ms", outcomes[0].Detail)
	assert.Equal(t, "no consensus.overhead in run.json (the run is incomplete: interrupted by SIGINT)", outcomes[3].Detail)

	pass, fail, missing := Tally(outcomes)
	assert.Equal(t, []int{3, 2, 5}, []int{pass, fail, missing})
	assert.False(t, Met(outcomes))
}

func TestCheckFamilyPatternAndDirection(t *testing.T) {
	throughput := results.Benchmark{
		Name: "parsing.throughput", Metric: results.Parsing, Unit: "files/s", Direction: results.HigherIsBetter,
		Samples: []float64{900}, Summary: stats.Summary{N: 1, P50: 900, Max: 900, Min: 900},
	}
	f := &results.File{Complete: true, Benchmarks: []results.Benchmark{
		bench("database.cache_get", "ns", 50e3, 0, 0, 0),
		bench("database.cache_put", "ns", 300e3, 0, 0, 0),
		throughput,
		bench("startup.serve", "bytes", 1, 1, 1, 1), // a producer bug: wrong unit
	}}
	tier := Tier{Name: "t", Targets: []Target{
		{Metric: "database.*", Statistic: P50, Bound: 100, Unit: "µs"},
		{Metric: "parsing.throughput", Statistic: P50, Bound: 1000, Unit: "files/s"},
		{Metric: "startup.serve", Statistic: P50, Bound: 1, Unit: "ms"},
		{Metric: "memory.*", Statistic: Peak, Bound: 1, Unit: "MB"},
	}}
	out := Check(tier, f)
	require.Len(t, out, 5)
	assert.Equal(t, "database.cache_get", out[0].Benchmark)
	assert.Equal(t, Pass, out[0].Status)
	assert.Equal(t, "database.cache_put", out[1].Benchmark)
	assert.Equal(t, Fail, out[1].Status, "each op of a family target is held to the bound")
	assert.Equal(t, Fail, out[2].Status, "higher is better: 900 files/s misses a floor of 1000")
	assert.Equal(t, "parsing.throughput p50 900 files/s, target p50 ≥ 1000 files/s", out[2].Detail)
	assert.Equal(t, Missing, out[3].Status, "a measurement in the wrong unit is not a pass")
	assert.Contains(t, out[3].Detail, "cannot convert bytes")
	assert.Equal(t, Missing, out[4].Status)
	assert.Equal(t, "no memory.* in results", out[4].Detail)
}

func TestValue(t *testing.T) {
	s := stats.Summary{Min: 1, P50: 2, P90: 3, P95: 4, P99: 5, Max: 6, Mean: 7}
	cases := map[Statistic]float64{Min: 1, P50: 2, P90: 3, P95: 4, P99: 5, Max: 6, Peak: 6, Mean: 7}
	for stat, want := range cases {
		assert.Equal(t, want, Value(s, stat), string(stat))
	}
}
