package reports

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// The fixtures are built in code from a seeded PCG generator (a specified
// algorithm, so the same on every platform) and summarised with a local
// type-7 percentile, so the golden files depend on this package alone.

func quantile(sorted []float64, p float64) float64 {
	h := (float64(len(sorted)) - 1) * p
	lo := math.Floor(h)
	if int(lo)+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[int(lo)] + (h-lo)*(sorted[int(lo)+1]-sorted[int(lo)])
}

func summarize(samples []float64) stats.Summary {
	x := append([]float64(nil), samples...)
	sort.Float64s(x)
	var sum float64
	for _, v := range x {
		sum += v
	}
	mean := sum / float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	med := quantile(x, 0.5)
	dev := make([]float64, len(x))
	for i, v := range x {
		dev[i] = math.Abs(v - med)
	}
	sort.Float64s(dev)
	mad := quantile(dev, 0.5)
	return stats.Summary{
		N: len(x), Min: x[0], P50: med, P90: quantile(x, 0.9), P95: quantile(x, 0.95), P99: quantile(x, 0.99), Max: x[len(x)-1],
		Mean: mean, Stddev: math.Sqrt(ss / float64(len(x)-1)), MAD: mad,
		MedianCI: stats.Interval{Lo: quantile(x, 0.35), Hi: quantile(x, 0.65), Level: 0.95},
	}
}

// lognormal draws n samples around median m with spread cv, rounded to
// whole units like a real clock or RSS reading.
func lognormal(r *rand.Rand, n int, m, cv float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Round(m * math.Exp(cv*r.NormFloat64()))
	}
	return out
}

func benchmark(name, unit string, samples []float64, extra ...results.Figure) results.Benchmark {
	fam, err := results.CheckName(name)
	if err != nil {
		panic(err)
	}
	return results.Benchmark{Name: name, Metric: fam, Unit: unit, Direction: results.LowerIsBetter,
		Samples: samples, Summary: summarize(samples), Extra: extra}
}

func fixtureFile(commit string, day int, seed uint64, startup, parse float64) *results.File {
	r := rand.New(rand.NewPCG(seed, 7))
	tail := lognormal(r, 24, 310e3, 0.08)
	tail[5] = 4.2e6 // one GC pause: exercises the clipped axis
	return &results.File{
		Schema: results.Schema,
		Tool:   results.Tool{Name: "hivebench", Version: "v0.1.0", Commit: commit},
		Env: results.Env{CPUModel: "Test CPU @ 3.00GHz", Cores: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64",
			Kernel: "6.1.0", GoVersion: "go1.26.8", Commit: commit,
			Date: time.Date(2025, 11, day, 6, 30, 0, 0, time.UTC), HostHash: "0123456789ab"},
		Workload: results.Fingerprint{Name: "hive-src", Files: 412, Bytes: 3_145_728, Hash: "sha256:" + strings.Repeat("5e", 32)},
		Suite:    "quick",
		Complete: true,
		Source:   commit + ".json",
		Benchmarks: []results.Benchmark{
			benchmark("startup.serve", "ns", lognormal(r, 20, startup, 0.05)),
			benchmark("memory.idle_rss", "bytes", lognormal(r, 10, 16.2e6, 0.01)),
			benchmark("parsing.per_file", "ns", lognormal(r, 40, parse, 0.3),
				results.Figure{Name: "throughput", Value: math.Round(1e9 / parse), Unit: "files/s"},
				results.Figure{Name: "bandwidth", Value: 16.9, Unit: "MB/s"}),
			benchmark("consensus.overhead", "ns", tail),
			benchmark("database.insert_message", "ns", lognormal(r, 30, 41e3, 0.06)),
		},
	}
}

func fixtureBase() *results.File { return fixtureFile("1111111aaaaaaa", 20, 1, 12e6, 450e3) }
func fixtureHead() *results.File { return fixtureFile("2222222bbbbbbb", 26, 2, 14e6, 400e3) }

// fixtureResults are what compare.CompareAll would say about the fixtures;
// written by hand because reports only renders them.
func fixtureResults(base, head *results.File) []compare.Result {
	mk := func(name string, lo, hi, p, padj float64, v compare.Verdict, note string) compare.Result {
		b, _ := base.Benchmark(name)
		h, _ := head.Benchmark(name)
		return compare.Result{Metric: name, Unit: b.Unit, Base: b.Summary, Head: h.Summary,
			DeltaPct: (h.Summary.P50/b.Summary.P50 - 1) * 100,
			RatioCI:  stats.Interval{Lo: lo, Hi: hi, Level: 0.95}, PValue: p, PAdjusted: padj,
			Threshold: 5, Verdict: v, Note: note}
	}
	rs := []compare.Result{
		mk("startup.serve", 1.15, 1.28, 0.00001, 0.00005, compare.Regressed, "whole CI of the ratio above 1.05"),
		mk("memory.idle_rss", 0.99, 1.01, 0.61, 1, compare.Same, ""),
		mk("parsing.per_file", 0.80, 0.95, 0.002, 0.008, compare.Improved, ""),
		mk("consensus.overhead", 0.97, 1.09, 0.21, 0.63, compare.Inconclusive, "CI of the ratio straddles 1.05 | take more samples"),
		mk("database.insert_message", 0.98, 1.03, 0.48, 1, compare.Same, ""),
	}
	rs[3].Warnings = []string{"outliers flagged: 1 in base, 1 in head"}
	return rs
}
