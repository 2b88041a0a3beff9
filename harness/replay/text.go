package replay

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/workloads"
)

// WriteText writes the replay for people: the tree and the binary, then
// one line per run (wall time, throughput, per-file p50 and p99, peak RSS)
// and, with a parse-only baseline, the cold / parse-only ratios. A
// parse-only run writes no per-file records, so its per-file columns are
// "-".
func WriteText(w io.Writer, r *Report) {
	fp := r.Tree.Fingerprint
	fmt.Fprintf(w, "workload %s: %s (%d files, %s, %s)\n", r.Tree.Manifest.Name, r.Tree.Root, fp.Files, workloads.FormatBytes(fp.Bytes), fp.Hash)
	if s := r.Shard; s != nil {
		fmt.Fprintf(w, "shard %s: %d files, %s of the tree\n", s, s.Files, workloads.FormatBytes(s.Bytes))
	}
	fmt.Fprintf(w, "hive %s (commit %s%s)\n", r.Hive.Version, r.Hive.Commit, dirtyMark(r.Hive.Dirty))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tkind\twall\tfiles\tcached\tfiles/s\tMB/s\tper-file p50\tp99\tpeak RSS\t")
	pair := 0
	for _, x := range r.Runs {
		kind := "cold"
		switch {
		case x.Warm:
			kind = "warm"
		case x.ParseOnly:
			kind = "parse-only"
		default:
			pair++
		}
		if x.ParseOnly { // no per-file output in the baseline
			fmt.Fprintf(tw, "%d\t%s\t%.3f s\t%d\t-\t%.0f\t%.1f\t-\t-\t%s\t\n", pair, kind, x.Wall.Seconds(), x.Files, x.FilesPerSec(), x.MBPerSec(), x.PeakRSSString())
			continue
		}
		p50, p99 := quantiles(x.PerFileMS)
		fmt.Fprintf(tw, "%d\t%s\t%.3f s\t%d\t%d\t%.0f\t%.1f\t%.3f ms\t%.3f ms\t%s\t\n", pair, kind, x.Wall.Seconds(), x.Files, x.Cached, x.FilesPerSec(), x.MBPerSec(), p50, p99, x.PeakRSSString())
	}
	tw.Flush()
	if ratios := r.Ratios(); len(ratios) > 0 {
		fmt.Fprintf(w, "cold / parse-only wall time: %s\n", formatRatios(ratios))
	}
}

// WriteOutcomes writes the manifest's targets as checked (Check): ok,
// MISSED, or n/a for a target the replay has no data for.
func WriteOutcomes(w io.Writer, m *workloads.Manifest, outcomes []Outcome) {
	if len(outcomes) == 0 {
		fmt.Fprintf(w, "targets: none in %s\n", m.File)
		return
	}
	fmt.Fprintf(w, "targets (%s):\n", m.File)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, o := range outcomes {
		mark := "ok"
		switch {
		case o.Missing:
			mark = "n/a"
		case !o.OK:
			mark = "MISSED"
		}
		fmt.Fprintf(tw, "  %s\t%s %s\tmeasured %s\n", mark, o.Target, o.Bound, o.Measured)
	}
	tw.Flush()
}

func quantiles(ms []float64) (p50, p99 float64) {
	s := stats.Summarize(ms)
	return s.P50, s.P99
}

func dirtyMark(d bool) string {
	if d {
		return ", dirty"
	}
	return ""
}

func formatRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, v := range rs {
		parts[i] = fmt.Sprintf("%.3f×", v)
	}
	return strings.Join(parts, ", ")
}
