package targets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// bench is a benchmark whose summary says p50, p95, p99 and max, over 400
// samples all equal to p50 (so the confidence bounds of every percentile
// are p50: verdicts here are never marginal unless a test wants them so).
func bench(name string, unit string, p50, p95, p99, max float64) results.Benchmark {
	fam, _ := results.CheckName(name)
	return results.Benchmark{
		Name: name, Metric: fam, Unit: unit, Direction: results.LowerIsBetter,
		Samples: repeat(p50, 400),
		Summary: stats.Summary{N: 400, Min: p50, P50: p50, P90: p95, P95: p95, P99: p99, Max: max, Mean: p50},
	}
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// spread is n samples evenly from lo to hi, summarized.
func spread(name, unit string, d results.Direction, lo, hi float64, n int) results.Benchmark {
	fam, _ := results.CheckName(name)
	s := make([]float64, n)
	for i := range s {
		s[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return results.Benchmark{Name: name, Metric: fam, Unit: unit, Direction: d, Samples: s, Summary: stats.Summarize(s)}
}

func TestCheckMarksVerdictsTheSamplesDoNotSettle(t *testing.T) {
	// 300 samples spread evenly over 0.9–1.1: the one-sided 95% bounds of
	// the p50 are the 136th and 165th, about 0.990 and 1.010.
	cases := []struct {
		name     string
		b        results.Benchmark
		stat     Statistic
		bound    float64
		status   Status
		marginal bool
	}{
		{"p50 near the bound, 300 samples", spread("parsing.per_file", "ms/file", results.LowerIsBetter, 0.9, 1.1, 300), P50, 1.005, Pass, true},
		{"p50 near the bound, over it", spread("parsing.per_file", "ms/file", results.LowerIsBetter, 0.9, 1.1, 300), P50, 0.995, Fail, true},
		{"p50 far under the bound", spread("parsing.per_file", "ms/file", results.LowerIsBetter, 0.5, 0.7, 300), P50, 1, Pass, false},
		{"p50 far over the bound", spread("parsing.per_file", "ms/file", results.LowerIsBetter, 1.5, 1.7, 300), P50, 1, Fail, false},
		{"a tight p50 with many samples", spread("parsing.per_file", "ms/file", results.LowerIsBetter, 0.9, 1.06, 20000), P50, 1, Pass, false},
		{"p99 of 100 samples: nothing bounds it from above", spread("consensus.overhead", "ms", results.LowerIsBetter, 0.1, 0.5, 100), P99, 2, Pass, true},
		{"p99 of 300 samples: the maximum does", spread("consensus.overhead", "ms", results.LowerIsBetter, 0.1, 0.5, 300), P99, 2, Pass, false},
		{"higher is better, near the floor", spread("parsing.files_per_sec", "files/s", results.HigherIsBetter, 900, 1100, 300), P50, 995, Pass, true},
		{"higher is better, far over the floor", spread("parsing.files_per_sec", "files/s", results.HigherIsBetter, 1900, 2100, 300), P50, 990, Pass, false},
		{"max carries no bounds", spread("memory.idle_rss", "MB", results.LowerIsBetter, 10, 30, 300), Max, 25, Fail, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tier := Tier{Name: "t", Targets: []Target{{Metric: c.b.Name, Statistic: c.stat, Bound: c.bound, Unit: c.b.Unit}}}
			out := Check(tier, &results.File{Complete: true, Benchmarks: []results.Benchmark{c.b}})
			require.Len(t, out, 1)
			assert.Equal(t, c.status, out[0].Status)
			assert.Equal(t, c.marginal, out[0].Marginal, out[0].Detail)
			if c.marginal {
				assert.Contains(t, out[0].Detail, "marginal")
			} else {
				assert.NotContains(t, out[0].Detail, "marginal")
			}
			if q, ok := quantileOf(c.stat); ok {
				require.NotNil(t, out[0].Bounds)
				assert.Equal(t, q, out[0].Bounds.Q)
			} else {
				assert.Nil(t, out[0].Bounds)
			}
		})
	}
}

func TestBoundsAreInTheTargetsUnit(t *testing.T) {
	b := spread("database.cache_get", "ns", results.LowerIsBetter, 40e3, 60e3, 300)
	tier := Tier{Name: "t", Targets: []Target{{Metric: b.Name, Statistic: P50, Bound: 100, Unit: "µs"}}}
	out := Check(tier, &results.File{Complete: true, Benchmarks: []results.Benchmark{b}})
	require.NotNil(t, out[0].Bounds)
	assert.InDelta(t, 50, out[0].Bounds.Lo, 2, "µs, not ns")
	assert.InDelta(t, 50, out[0].Bounds.Hi, 2)
	assert.False(t, out[0].Marginal)
}

func TestCheck(t *testing.T) {
	f := &results.File{Source: "run.json", Complete: false, IncompleteReason: "interrupted by SIGINT", Benchmarks: []results.Benchmark{
		bench("startup.serve", "ns", 8e6, 19e6, 40e6, 50e6),            // p95 19 ms ≤ 20 ms: pass
		bench("startup.version", "ns", 6e6, 7e6, 8e6, 9e6),             // p50 8 ms ≤ 6 ms + 3 ms: pass
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
		{"startup.serve", P50, "startup.serve", Pass},
		{"startup.first_read", P50, "", Missing},
		{"memory.idle_rss", Peak, "memory.idle_rss", Fail},
		{"parsing.per_file", P50, "parsing.per_file", Pass},
		{"consensus.overhead", P50, "", Missing},
		{"consensus.overhead", P99, "", Missing},
		{"consensus.serve_cpu_per_run", P50, "", Missing},
		{"consensus.cache_hit", P99, "", Missing},
		{"database.insert_message", P50, "database.insert_message", Pass},
		{"database.cache_get", P50, "database.cache_get", Fail},
		{"database.cache_put", P50, "", Missing},
	}, gotList)

	assert.InDelta(t, 19.0, outcomes[0].Measured, 1e-9, "measured is in the target's unit (ms)")
	assert.InDelta(t, 21.0, outcomes[3].Measured, 1e-9, "peak is the largest sample, in MB")
	assert.Equal(t, "startup.serve p95 19 ms, target p95 ≤ 20 ms", outcomes[0].Detail)
	assert.Equal(t, "startup.serve p50 8 ms, target p50 ≤ startup.version p50 + 3 ms (startup.version p50 6 ms, so the bound is 9 ms)", outcomes[1].Detail)
	assert.Equal(t, "no consensus.overhead in run.json (the run is incomplete: interrupted by SIGINT)", outcomes[5].Detail)

	pass, fail, missing := Tally(outcomes)
	assert.Equal(t, []int{4, 2, 6}, []int{pass, fail, missing})
	assert.False(t, Met(outcomes))
}

func TestCheckFamilyPatternAndDirection(t *testing.T) {
	throughput := results.Benchmark{
		Name: "parsing.throughput", Metric: results.Parsing, Unit: "files/s", Direction: results.HigherIsBetter,
		Samples: repeat(900, 300), Summary: stats.Summary{N: 300, P50: 900, Max: 900, Min: 900},
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

func TestUnsettled(t *testing.T) {
	o := func(s Status, marginal bool) Outcome { return Outcome{Status: s, Marginal: marginal} }
	cases := []struct {
		name     string
		outcomes []Outcome
		want     int
	}{
		{"none", nil, 0},
		{"settled passes", []Outcome{o(Pass, false), o(Pass, false)}, 0},
		{"marginal passes only", []Outcome{o(Pass, true), o(Fail, true), o(Pass, true), o(Missing, false), o(Pass, false)}, 2},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Unsettled(c.outcomes), c.name)
	}
}

// A margin target (over:) is held to the same statistic of its floor in
// the same run plus the bound, and is missing, never passed, without the
// floor.
func TestCheckMarginOverAFloor(t *testing.T) {
	hit := bench("consensus.cache_hit", "ms", 0.3, 0.35, 0.40, 0.5)
	cases := []struct {
		name   string
		floor  *results.Benchmark
		status Status
		detail string
	}{
		{"within the margin", ptr(bench("consensus.http_floor", "ms", 0.25, 0.3, 0.36, 0.4)), Pass,
			"consensus.cache_hit p99 400 µs, target p99 ≤ consensus.http_floor p99 + 50 µs (consensus.http_floor p99 360 µs, so the bound is 410 µs)"},
		{"beyond the margin", ptr(bench("consensus.http_floor", "ms", 0.25, 0.3, 0.34, 0.4)), Fail, "so the bound is 390 µs"},
		{"the floor not measured", nil, Missing, "but its floor consensus.http_floor is not in run.json"},
		{"the floor without samples", ptr(results.Benchmark{Name: "consensus.http_floor", Unit: "ms"}), Missing, "its floor consensus.http_floor has no samples"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &results.File{Source: "run.json", Complete: true, Benchmarks: []results.Benchmark{hit}}
			if c.floor != nil {
				f.Benchmarks = append(f.Benchmarks, *c.floor)
			}
			tier := Tier{Name: "t", Targets: []Target{{Metric: "consensus.cache_hit", Statistic: P99, Bound: 50, Unit: "µs", Over: "consensus.http_floor"}}}
			out := Check(tier, f)
			require.Len(t, out, 1)
			assert.Equal(t, c.status, out[0].Status, out[0].Detail)
			assert.Contains(t, out[0].Detail, c.detail)
			assert.Nil(t, out[0].Bounds, "a margin target carries no confidence bounds")
		})
	}
}

func ptr[T any](v T) *T { return &v }
