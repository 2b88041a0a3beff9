package replay

import (
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// The benchmark ids a replay writes. The cold ones are the ids
// harness/probe uses for the same measurements, so a replay's results
// compare with a probe run's on the same tree.
const (
	BenchWall        = "parsing.wall"
	BenchFilesPerSec = "parsing.files_per_sec"
	BenchMBPerSec    = "parsing.mb_per_sec"
	BenchPerFile     = "parsing.per_file"
	BenchPeakRSS     = "memory.analyze_peak_rss"
	BenchCPU         = "parsing.cpu"
	BenchWarmWall    = "parsing.warm_wall"
	BenchWarmPerFile = "parsing.warm_per_file"
	BenchWarmPeakRSS = "memory.analyze_warm_peak_rss"
	BenchParseOnly   = "parsing.parse_only_wall"
	BenchVsParseOnly = "parsing.vs_parse_only"
	// PeakRSSAtMostFigure is the figure of a shard's wall benchmark (cold
	// or warm) that bounds the peak RSS of its runs of that kind whose
	// peak was too small to measure (Run.PeakRSSAtMost): the number of
	// such runs is the runs less the peak benchmark's samples.
	PeakRSSAtMostFigure = "peak_rss_at_most"
	// SuitePrefix + the workload's name is a replay's suite.
	SuitePrefix = "workload-replay:"

	perFileUnit = "ms/file"
	wallUnit    = "s"
)

// Results returns the replay as a results file (harness/results), suite
// "workload-replay:NAME", with the tree's fingerprint and the measured
// binary's commit.
func (r *Report) Results() *results.File {
	suite := SuitePrefix + "unnamed"
	if r.Tree != nil && r.Tree.Manifest != nil {
		suite = SuitePrefix + r.Tree.Manifest.Name
	}
	var fp results.Fingerprint
	if r.Tree != nil {
		fp = r.Tree.Fingerprint
	}
	f := results.NewFile(suite, fp)
	f.Shard = r.Shard
	if r.Hive.Commit != "" {
		f.Env.Commit, f.Env.Dirty = r.Hive.Commit, r.Hive.Dirty
	}
	cold, warm := r.Cold(), r.Warm()
	add := func(name string, fam results.Family, unit string, dir results.Direction, samples []float64, extra ...results.Figure) {
		if len(samples) == 0 {
			return
		}
		f.Add(results.Benchmark{Name: name, Metric: fam, Unit: unit, Direction: dir, Samples: samples, Summary: stats.Summarize(samples), Extra: extra})
	}
	peaks := func(runs []Run) []float64 {
		var out []float64
		for _, x := range runs {
			if x.PeakRSS > 0 {
				out = append(out, float64(x.PeakRSS))
			}
		}
		return out
	}
	each := func(runs []Run, v func(Run) float64) []float64 {
		out := make([]float64, len(runs))
		for i, x := range runs {
			out[i] = v(x)
		}
		return out
	}
	perFile := func(runs []Run) []float64 {
		var out []float64
		for _, x := range runs {
			out = append(out, x.PerFileMS...)
		}
		return out
	}
	// A shard's peak RSS may be too small to measure in some runs (a warm
	// run over a small share of the tree): the runs only bounded leave no
	// sample, and the largest of their bounds rides on the wall benchmark
	// of their kind, so that hivebench merge can tell whether another
	// shard's measured peak is the whole run's (PeakRSSAtMostFigure).
	bounded := func(runs []Run) []results.Figure {
		var most int64
		for _, x := range runs {
			if x.PeakRSS == 0 {
				most = max(most, x.PeakRSSAtMost)
			}
		}
		if r.Shard == nil || most == 0 {
			return nil
		}
		return []results.Figure{{Name: PeakRSSAtMostFigure, Value: float64(most), Unit: "bytes"}}
	}
	if len(cold) > 0 {
		add(BenchWall, results.Parsing, wallUnit, results.LowerIsBetter, each(cold, func(x Run) float64 { return x.Wall.Seconds() }),
			append([]results.Figure{
				{Name: "files", Value: float64(cold[0].Files), Unit: "files"},
				{Name: "bytes", Value: float64(cold[0].Bytes), Unit: "B"},
				{Name: "skipped", Value: float64(cold[0].Skipped), Unit: "files"},
				{Name: "symbols", Value: float64(cold[0].Symbols), Unit: "items"},
				{Name: "functions", Value: float64(cold[0].Functions), Unit: "items"},
			}, bounded(cold)...)...)
		add(BenchCPU, results.Parsing, wallUnit, results.LowerIsBetter, each(cold, func(x Run) float64 { return x.CPU.Seconds() }))
		add(BenchFilesPerSec, results.Parsing, "files/s", results.HigherIsBetter, each(cold, Run.FilesPerSec))
		add(BenchMBPerSec, results.Parsing, "MB/s", results.HigherIsBetter, each(cold, Run.MBPerSec))
		add(BenchPerFile, results.Parsing, perFileUnit, results.LowerIsBetter, perFile(cold))
		add(BenchPeakRSS, results.Memory, "bytes", results.LowerIsBetter, peaks(cold))
	}
	if len(warm) > 0 {
		add(BenchWarmWall, results.Parsing, wallUnit, results.LowerIsBetter, each(warm, func(x Run) float64 { return x.Wall.Seconds() }),
			append([]results.Figure{{Name: "cached", Value: float64(warm[0].Cached), Unit: "files"}}, bounded(warm)...)...)
		add(BenchWarmPerFile, results.Parsing, perFileUnit, results.LowerIsBetter, perFile(warm))
		add(BenchWarmPeakRSS, results.Memory, "bytes", results.LowerIsBetter, peaks(warm))
	}
	if base := r.Baselines(); len(base) > 0 {
		add(BenchParseOnly, results.Parsing, wallUnit, results.LowerIsBetter, each(base, func(x Run) float64 { return x.Wall.Seconds() }),
			results.Figure{Name: "files", Value: float64(base[0].Files), Unit: "files"})
		add(BenchVsParseOnly, results.Parsing, "x", results.LowerIsBetter, r.Ratios())
	}
	if r.Complete {
		f.MarkComplete()
	} else {
		reason := r.Reason
		if reason == "" {
			reason = "replay stopped early"
		}
		f.MarkIncomplete(reason)
	}
	return f
}
