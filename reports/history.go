package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/harness/history"
	"github.com/hiveperf/hive/harness/results"
)

// WriteHistoryRuns writes the recorded runs (harness/history), one line
// each: id, date, commit, suite, whether complete, benchmarks.
func WriteHistoryRuns(w io.Writer, runs []history.Run) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tCOMMIT\tSUITE\tCOMPLETE\tBENCHMARKS")
	for _, r := range runs {
		complete := "complete"
		if !r.Complete {
			complete = "incomplete"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.Date.Format("2006-01-02 15:04:05Z"),
			CommitLabel(r.Commit, r.Dirty), r.Suite, complete, r.Benchmarks)
	}
	return tw.Flush()
}

// WriteHistorySeries writes one metric's trend: a line per run with its
// p50 and sample count, and at each change point the step, its size and
// its p-value.
func WriteHistorySeries(w io.Writer, tr history.Trend) error {
	steps := map[int]history.ChangePoint{}
	for _, s := range tr.Steps {
		steps[s.Index] = s
	}
	fmt.Fprintf(w, "%s (%s), p50 per run, %d runs, change points found: %d\n", tr.Metric, tr.Unit, len(tr.Points), len(tr.Steps))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tDATE\tCOMMIT\tP50\tSAMPLES\t")
	for i, p := range tr.Points {
		mark := ""
		if s, ok := steps[i]; ok {
			mark = fmt.Sprintf("◆ change point: %s (%s → %s, p=%.3f)", pct(s.StepPct),
				FormatValue(s.Before, tr.Unit), FormatValue(s.After, tr.Unit), s.P)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", p.RunID, p.Date.Format("2006-01-02 15:04:05Z"), p.Commit, FormatValue(p.P50, p.Unit), p.N, mark)
	}
	return tw.Flush()
}

// WriteHistoryTrends writes a line per metric: its runs, a sparkline of
// the p50 per run, the last p50, the change from the first, and the change
// points as the commits either side and the size of the step.
func WriteHistoryTrends(w io.Writer, trends []history.Trend) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tRUNS\tTREND (p50)\tLAST\tVS FIRST\tCHANGE POINTS")
	for _, tr := range trends {
		pts := tr.Points
		xs := make([]float64, len(pts))
		for i, p := range pts {
			xs[i] = p.P50
		}
		var cps []string
		for _, s := range tr.Steps {
			cps = append(cps, fmt.Sprintf("%s→%s %s", results.ShortCommit(pts[s.Index-1].Commit), results.ShortCommit(pts[s.Index].Commit), pct(s.StepPct)))
		}
		flagged := "none"
		if len(cps) > 0 {
			flagged = strings.Join(cps, ", ")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", tr.Metric, len(pts), history.Sparkline(xs), FormatValue(tr.Last, tr.Unit), pct(tr.ChangePct), flagged)
	}
	return tw.Flush()
}

// CommitLabel is a commit as the history lists it: its first 12
// characters ("unknown" when empty), "+dirty" when built from a modified
// tree.
func CommitLabel(c string, dirty bool) string {
	c = results.ShortCommit(c)
	if dirty {
		c += "+dirty"
	}
	return c
}

func pct(x float64) string { return fmt.Sprintf("%+.1f%%", x) }
