package replay

import (
	"fmt"
	"strconv"
	"time"

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
	var out []Outcome
	cold, warm := r.Cold(), r.Warm()
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
	coldWalls := make([]float64, len(cold))
	for i, x := range cold {
		coldWalls[i] = x.Wall.Seconds()
	}
	warmWalls := make([]float64, len(warm))
	for i, x := range warm {
		warmWalls[i] = x.Wall.Seconds()
	}
	durTarget("cold_wall_max", t.ColdWallMax, stats.Median(coldWalls), len(cold), fmt.Sprintf("median of %d cold run(s)", len(cold)))
	durTarget("warm_wall_max", t.WarmWallMax, stats.Median(warmWalls), len(warm), fmt.Sprintf("median of %d warm run(s)", len(warm)))
	if t.PeakRSSMax > 0 {
		o := Outcome{Target: "peak_rss_max", Bound: "≤ " + workloads.FormatBytes(t.PeakRSSMax)}
		// An upper bound (PeakRSSAtMost) at or under the ceiling proves
		// the ceiling is met; above it, the target counts as missed, since
		// nothing shows it was met.
		var peak int64
		bound := false
		for _, x := range r.Runs {
			if v := max(x.PeakRSS, x.PeakRSSAtMost); v > peak {
				peak, bound = v, x.PeakRSS == 0
			}
		}
		if len(r.Runs) == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			o.OK = peak <= t.PeakRSSMax
			at := ""
			if bound {
				at = "at most "
			}
			o.Measured = fmt.Sprintf("%s%s (largest of %d run(s))", at, workloads.FormatBytes(peak), len(r.Runs))
		}
		out = append(out, o)
	}
	var perFile []float64
	for _, x := range cold {
		perFile = append(perFile, x.PerFileMS...)
	}
	var sum stats.Summary
	if len(perFile) > 0 {
		sum = stats.Summarize(perFile)
	}
	durTarget("per_file_p50_max", t.PerFileP50Max, sum.P50/1000, len(perFile), fmt.Sprintf("p50 of %d files", len(perFile)))
	durTarget("per_file_p99_max", t.PerFileP99Max, sum.P99/1000, len(perFile), fmt.Sprintf("p99 of %d files", len(perFile)))
	if t.ParseOnlyRatioMax > 0 {
		o := Outcome{Target: "parse_only_ratio_max", Bound: "≤ " + strconv.FormatFloat(t.ParseOnlyRatioMax, 'g', -1, 64) + "× the parse-only wall time"}
		if ratios := r.Ratios(); len(ratios) == 0 {
			o.Missing, o.Measured = true, "not measured (no parse-only baseline run)"
		} else {
			v := stats.Median(ratios)
			o.OK = v <= t.ParseOnlyRatioMax
			o.Measured = fmt.Sprintf("%.2f× (median of %d cold/parse-only pair(s))", v, len(ratios))
		}
		out = append(out, o)
	}
	if t.FilesPerSecMin > 0 {
		o := Outcome{Target: "files_per_sec_min", Bound: "≥ " + strconv.FormatFloat(t.FilesPerSecMin, 'g', -1, 64) + " files/s"}
		if len(cold) == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			rates := make([]float64, len(cold))
			for i, x := range cold {
				rates[i] = x.FilesPerSec()
			}
			v := stats.Median(rates)
			o.OK = v >= t.FilesPerSecMin
			o.Measured = fmt.Sprintf("%.0f files/s (median of %d cold run(s))", v, len(cold))
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
