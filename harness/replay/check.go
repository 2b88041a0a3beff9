package replay

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/workloads"
)

// Outcome is one manifest target checked against a replay.
type Outcome struct {
	Target   string // e.g. "cold_wall_max"
	Bound    string // "≤ 5m0s"
	Measured string // "3m12s (p50 of 1 cold run)"
	OK       bool
	// Missing is true when the replay has no data for the target (it
	// stopped before that run); such a target is neither met nor missed.
	Missing bool
}

// Check holds the replay to the manifest's targets. Wall times and
// throughput use the median over runs (one run: that run); peak RSS uses
// the largest of all runs, cold and warm, because a memory ceiling is a
// ceiling; per-file latency uses the pooled per-file samples of the cold
// runs.
func (r *Report) Check(t workloads.Targets) []Outcome {
	var f figures
	cold, warm := r.Cold(), r.Warm()
	for _, x := range cold {
		f.coldWalls = append(f.coldWalls, x.Wall.Seconds())
		f.rates = append(f.rates, x.FilesPerSec())
		f.perFile = append(f.perFile, x.PerFileMS...)
	}
	for _, x := range warm {
		f.warmWalls = append(f.warmWalls, x.Wall.Seconds())
	}
	f.runs = len(r.Runs)
	for _, x := range r.Runs {
		if v := max(x.PeakRSS, x.PeakRSSAtMost); v > f.peak {
			f.peak, f.peakBound = v, x.PeakRSS == 0
		}
	}
	f.ratios = r.Ratios()
	return f.check(t)
}

// CheckResults holds a replay's results file to the manifest's targets
// as Check does the replay itself: what `hivebench merge` does with the
// merged shards of a replay, whose figures exist only in the file. A peak
// RSS that was only bounded (PeakRSSAtMost) is not in a file, so it is
// not checked from one.
func CheckResults(f *results.File, t workloads.Targets) []Outcome {
	var g figures
	samples := func(name string) []float64 {
		if b, ok := f.Benchmark(name); ok {
			return b.Samples
		}
		return nil
	}
	g.coldWalls, g.warmWalls = samples(BenchWall), samples(BenchWarmWall)
	g.rates, g.perFile, g.ratios = samples(BenchFilesPerSec), samples(BenchPerFile), samples(BenchVsParseOnly)
	for _, name := range []string{BenchPeakRSS, BenchWarmPeakRSS} {
		for _, v := range samples(name) {
			g.runs++
			g.peak = max(g.peak, int64(v))
		}
	}
	return g.check(t)
}

// figures are what the targets are checked on, from a replay or from its
// results file.
type figures struct {
	coldWalls, warmWalls []float64 // seconds, one per run
	rates                []float64 // cold files/s, one per run
	perFile              []float64 // ms, every cold run's files
	ratios               []float64 // cold / parse-only, one per pair
	peak                 int64     // largest peak RSS of any run
	peakBound            bool      // peak is only an upper bound
	runs                 int       // runs the peak is the largest of
}

func (f figures) check(t workloads.Targets) []Outcome {
	var out []Outcome
	durTarget := func(name string, bound time.Duration, v float64, n int, what string) {
		if bound <= 0 {
			return
		}
		o := Outcome{Target: name, Bound: "≤ " + bound.String()}
		if n == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			d := time.Duration(v * float64(time.Second))
			o.OK = d <= bound
			o.Measured = fmt.Sprintf("%s (%s)", roundDur(d), what)
		}
		out = append(out, o)
	}
	durTarget("cold_wall_max", t.ColdWallMax, stats.Median(f.coldWalls), len(f.coldWalls), fmt.Sprintf("median of %d cold run(s)", len(f.coldWalls)))
	durTarget("warm_wall_max", t.WarmWallMax, stats.Median(f.warmWalls), len(f.warmWalls), fmt.Sprintf("median of %d warm run(s)", len(f.warmWalls)))
	if t.PeakRSSMax > 0 {
		o := Outcome{Target: "peak_rss_max", Bound: "≤ " + workloads.FormatBytes(t.PeakRSSMax)}
		// An upper bound (PeakRSSAtMost) at or under the ceiling proves
		// the ceiling is met; above it, the target counts as missed, since
		// nothing shows it was met.
		if f.runs == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			o.OK = f.peak <= t.PeakRSSMax
			at := ""
			if f.peakBound {
				at = "at most "
			}
			o.Measured = fmt.Sprintf("%s%s (largest of %d run(s))", at, workloads.FormatBytes(f.peak), f.runs)
		}
		out = append(out, o)
	}
	var sum stats.Summary
	if len(f.perFile) > 0 {
		sum = stats.Summarize(f.perFile)
	}
	durTarget("per_file_p50_max", t.PerFileP50Max, sum.P50/1000, len(f.perFile), fmt.Sprintf("p50 of %d files", len(f.perFile)))
	durTarget("per_file_p99_max", t.PerFileP99Max, sum.P99/1000, len(f.perFile), fmt.Sprintf("p99 of %d files", len(f.perFile)))
	if t.ParseOnlyRatioMax > 0 {
		o := Outcome{Target: "parse_only_ratio_max", Bound: "≤ " + strconv.FormatFloat(t.ParseOnlyRatioMax, 'g', -1, 64) + "× the parse-only wall time"}
		if len(f.ratios) == 0 {
			o.Missing, o.Measured = true, "not measured (no parse-only baseline run)"
		} else {
			v := stats.Median(f.ratios)
			o.OK = v <= t.ParseOnlyRatioMax
			o.Measured = fmt.Sprintf("%.2f× (median of %d cold/parse-only pair(s))", v, len(f.ratios))
		}
		out = append(out, o)
	}
	if t.FilesPerSecMin > 0 {
		o := Outcome{Target: "files_per_sec_min", Bound: "≥ " + strconv.FormatFloat(t.FilesPerSecMin, 'g', -1, 64) + " files/s"}
		if len(f.rates) == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			v := stats.Median(f.rates)
			o.OK = v >= t.FilesPerSecMin
			o.Measured = fmt.Sprintf("%.0f files/s (median of %d cold run(s))", v, len(f.rates))
		}
		out = append(out, o)
	}
	return out
}

// Missed returns the targets the replay did not meet.
func Missed(outcomes []Outcome) []Outcome {
	var out []Outcome
	for _, o := range outcomes {
		if !o.OK && !o.Missing {
			out = append(out, o)
		}
	}
	return out
}

func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d
}
