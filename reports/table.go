package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/hiveperf/hive/targets"
)

// writeTable draws one box table. Headers are kept as written (tablewriter
// upper-cases them by default) and numeric columns are right-aligned.
func writeTable(w io.Writer, header []string, rows [][]string, aligns []tw.Align) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: aligns}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return err
	}
	return t.Render()
}

func comparisonTable(w io.Writer, c Comparison) error {
	ew := &errWriter{w: w}
	ew.printf("base  %s\nhead  %s\n\n", c.baseID().Line(), c.headID().Line())
	rows := c.rows()
	if len(rows) == 0 {
		ew.printf("no metrics in common to compare\n")
	} else {
		body := make([][]string, len(rows))
		for i, r := range rows {
			body[i] = []string{r.Metric, r.BaseP50, r.HeadP50, r.Delta, r.RatioCI, r.P, r.N, r.Noise, string(r.Verdict)}
		}
		if ew.err == nil {
			ew.err = writeTable(ew, []string{"metric", "base p50", "head p50", "Δ p50", "ratio CI", "p (Holm)", "n base / head", "noise base / head", "verdict"},
				body, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft})
		}
	}
	reg, imp, same, inc := c.counts()
	ew.printf("%d regressed, %d improved, %d same, %d inconclusive\n", reg, imp, same, inc)
	for _, r := range rows {
		if r.Note != "" {
			ew.printf("  %s: %s\n", r.Metric, r.Note)
		}
	}
	ew.printf("noise is the robust CV, 1.4826·MAD/median; ratio CI is head/base of the median\n")
	writeOutcomeLines(ew, c.Tier, c.Outcomes)
	if len(c.Missing) > 0 {
		ew.printf("missing metrics: %s\n", c.missingNote())
		for _, m := range c.Missing {
			ew.printf("  %s: %s\n", m.Name, m.Why)
		}
	}
	writeWarningLines(ew, c.Warnings)
	return ew.err
}

func runTable(w io.Writer, r Run) error {
	ew := &errWriter{w: w}
	ew.printf("%s\n\n", IdentityOf("", r.File).Line())
	rows := r.rows()
	body := make([][]string, len(rows))
	for i, row := range rows {
		body[i] = []string{row.Metric, row.P50, row.P95, row.P99, row.Target, row.VsRef, row.Verdict}
	}
	if ew.err == nil {
		ew.err = writeTable(ew, []string{"metric", "p50", "p95", "p99", "target (" + r.tierName() + ")", "vs " + r.refName(), "verdict"},
			body, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft, tw.AlignRight, tw.AlignLeft})
	}
	pass, fail, missing := targets.Tally(r.Outcomes)
	if len(r.Outcomes) > 0 {
		ew.printf("targets (%s): %d pass, %d fail, %d missing\n", r.tierName(), pass, fail, missing)
	}
	if legend := referenceLegend(r); legend != "" {
		ew.printf("%s\n", legend)
	}
	if legend := marginalLegend(r.Outcomes); legend != "" {
		ew.printf("%s\n", legend)
	}
	writeWarningLines(ew, runWarnings(r))
	return ew.err
}

// referenceLegend explains the "vs" column and where its numbers come from.
func referenceLegend(r Run) string {
	if r.Versus != nil {
		return fmt.Sprintf("vs %s: %s's p50 divided by ours (ours by theirs where higher is better), measured in %s; ratios with their CIs: hivebench report %s --vs %s",
			r.refName(), r.Versus.SubjectName(), r.Versus.Label(), r.File.Label(), r.Versus.Label())
	}
	if len(r.Reference) == 0 {
		if r.File != nil && r.File.Subject != nil {
			return fmt.Sprintf("vs hive: empty; run again with --vs HIVE.json (a hive run of the same suite), or hivebench report HIVE.json --vs %s for the ratios with their CIs", r.File.Label())
		}
		return ""
	}
	prov := r.Reference[0].Target.Provenance
	name := r.ReferenceName
	if name == "" {
		name = "TypeScript"
	}
	s := "vs " + r.refName() + ": the " + name + " figure on the same statistic divided by ours"
	if prov != "" {
		s += " (" + prov + ")"
	}
	return s
}

func writeOutcomeLines(ew *errWriter, tier string, outcomes []targets.Outcome) {
	if len(outcomes) == 0 {
		return
	}
	pass, fail, missing := targets.Tally(outcomes)
	ew.printf("targets (%s): %d pass, %d fail, %d missing\n", tier, pass, fail, missing)
	for _, o := range outcomes {
		mark := ""
		if o.Marginal {
			mark = marginalMark
		}
		if o.Status != targets.Pass || o.Marginal {
			ew.printf("  %s%s %s\n", strings.ToUpper(string(o.Status)), mark, o.Detail)
		}
	}
}

func writeWarningLines(ew *errWriter, warnings []string) {
	for _, w := range warnings {
		ew.printf("warning: %s\n", w)
	}
}
