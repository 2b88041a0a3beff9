package reports

import (
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/targets"
)

// mdCell makes a string safe inside a Markdown table cell: pipes would end
// the cell, newlines the row, and GitHub renders raw HTML.
func mdCell(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "&", "&amp;")
	return r.Replace(s)
}

func mdRow(ew *errWriter, cells ...string) {
	for i := range cells {
		cells[i] = mdCell(cells[i])
	}
	ew.printf("| %s |\n", strings.Join(cells, " | "))
}

func mdHeader(ew *errWriter, aligns string, cells ...string) {
	mdRow(ew, cells...)
	seps := make([]string, len(cells))
	for i := range cells {
		seps[i] = "---"
		if i < len(aligns) && aligns[i] == 'r' {
			seps[i] = "--:"
		}
	}
	ew.printf("| %s |\n", strings.Join(seps, " | "))
}

// side is one labelled identity row of a Markdown header table.
type side struct {
	side string
	id   Identity
}

func mdIdentities(ew *errWriter, ids ...side) {
	mdHeader(ew, "", "", "label", "commit", "date", "suite", "complete", "CPU", "Go")
	for _, s := range ids {
		commit := results.ShortCommit(s.id.Commit)
		if s.id.Dirty {
			commit += "-dirty"
		}
		complete := "yes"
		if !s.id.Complete {
			complete = "no: " + s.id.IncompleteReason
		}
		date := ""
		if !s.id.Date.IsZero() {
			date = s.id.Date.UTC().Format("2006-01-02 15:04 UTC")
		}
		mdRow(ew, s.side, s.id.Label, commit, date, s.id.Suite, complete, s.id.CPU+" ×"+strconv.Itoa(s.id.Cores), s.id.GoVersion)
	}
}

func comparisonMarkdown(w io.Writer, c Comparison) error {
	ew := &errWriter{w: w}
	ew.printf("# hive benchmark comparison\n\n")
	mdIdentities(ew, side{"base", c.baseID()}, side{"head", c.headID()})
	ew.printf("\nWorkload: %s\n\n", mdCell(c.headID().Workload))

	reg, imp, same, inc := c.counts()
	ew.printf("**%d regressed**, %d improved, %d same, %d inconclusive.\n\n", reg, imp, same, inc)

	rows := c.rows()
	header := []string{"metric", "base p50", "head p50", "Δ p50", "ratio CI", "p (Holm)", "n base / head", "noise base / head", "verdict", "note"}
	table := func(rs []compRow) {
		mdHeader(ew, "lrrrrrrrll", header...)
		for _, r := range rs {
			mdRow(ew, r.Metric, r.BaseP50, r.HeadP50, r.Delta, r.RatioCI, r.P, r.N, r.Noise, string(r.Verdict), r.Note)
		}
	}
	var regressions, rest []compRow
	for _, r := range rows {
		if r.Verdict == compare.Regressed {
			regressions = append(regressions, r)
		} else {
			rest = append(rest, r)
		}
	}
	ew.printf("## Regressions\n\n")
	if len(regressions) == 0 {
		ew.printf("None.\n\n")
	} else {
		table(regressions)
		ew.printf("\n")
	}
	ew.printf("## Other metrics\n\n")
	if len(rest) == 0 {
		ew.printf("None.\n\n")
	} else {
		table(rest)
		ew.printf("\n")
	}

	ew.printf("## Samples and noise\n\n")
	writeSamplesAndNoise(ew, c.Results)

	if len(c.Outcomes) > 0 {
		ew.printf("## Targets (%s)\n\n", mdCell(c.Tier))
		writeOutcomeTable(ew, c.Outcomes)
	}
	if len(c.Missing) > 0 {
		ew.printf("## Missing metrics\n\n%s\n\n", c.missingNote())
		mdHeader(ew, "ll", "metric", "why")
		for _, m := range c.Missing {
			mdRow(ew, m.Name, m.Why)
		}
		ew.printf("\n")
	}
	if len(c.Warnings) > 0 {
		ew.printf("## Warnings\n\n")
		for _, wr := range c.Warnings {
			ew.printf("- %s\n", mdCell(wr))
		}
		ew.printf("\n")
	}
	return ew.err
}

// writeSamplesAndNoise states how much was measured and how noisy it was,
// because a "same" verdict on 5 noisy samples means little.
func writeSamplesAndNoise(ew *errWriter, rs []compare.Result) {
	var nb, nh int
	worst, worstName := math.NaN(), ""
	for _, r := range rs {
		nb += r.Base.N
		nh += r.Head.N
		for _, s := range []float64{NoisePct(r.Base), NoisePct(r.Head)} {
			if !math.IsNaN(s) && (math.IsNaN(worst) || s > worst) {
				worst, worstName = s, r.Metric
			}
		}
	}
	ew.printf("- Samples taken: %d base, %d head, over %d metrics.\n", nb, nh, len(rs))
	if !math.IsNaN(worst) {
		ew.printf("- Noise seen: the noisiest metric is %s at %s robust CV (1.4826·MAD/median).\n", mdCell(worstName), sig3(worst)+"%")
	}
	if len(rs) > 0 {
		level := rs[0].RatioCI.Level
		if level > 0 {
			ew.printf("- Ratio CI: %s%% bootstrap interval of median(head)/median(base); p adjusted with Holm–Bonferroni across the metrics; threshold %s%%.\n",
				strconv.FormatFloat(level*100, 'f', -1, 64), strconv.FormatFloat(rs[0].Threshold, 'f', -1, 64))
		}
	}
	ew.printf("\n")
}

func writeOutcomeTable(ew *errWriter, outcomes []targets.Outcome) {
	mdHeader(ew, "llrll", "metric", "target", "measured", "status", "provenance")
	for _, o := range outcomes {
		name := o.Benchmark
		if name == "" {
			name = o.Target.Metric
		}
		measured := "—"
		if o.Status != targets.Missing {
			measured = FormatValue(o.Measured, o.Target.Unit)
		}
		status := strings.ToUpper(string(o.Status))
		if o.Status == targets.Missing {
			status += ": " + o.Detail
		}
		mdRow(ew, name, o.Target.Condition(o.Direction), measured, status, o.Target.Provenance)
	}
	ew.printf("\n")
}

func runMarkdown(w io.Writer, r Run) error {
	ew := &errWriter{w: w}
	ew.printf("# hive benchmark run\n\n")
	mdIdentities(ew, side{"run", IdentityOf("", r.File)})
	ew.printf("\nWorkload: %s\n\n", mdCell(r.File.Workload.String()))
	mdHeader(ew, "lrrrlrl", "metric", "p50", "p95", "p99", "target ("+r.tierName()+")", "vs "+r.refName(), "verdict")
	for _, row := range r.rows() {
		mdRow(ew, row.Metric, row.P50, row.P95, row.P99, row.Target, row.VsRef, row.Verdict)
	}
	ew.printf("\n")
	var n int
	for _, b := range r.File.Benchmarks {
		n += b.Summary.N
	}
	ew.printf("- Samples taken: %d over %d benchmarks.\n", n, len(r.File.Benchmarks))
	if legend := referenceLegend(r); legend != "" {
		ew.printf("- %s.\n", mdCell(legend))
	}
	if legend := marginalLegend(r.Outcomes); legend != "" {
		ew.printf("- %s.\n", mdCell(legend))
	}
	if len(r.Outcomes) > 0 {
		pass, fail, missing := targets.Tally(r.Outcomes)
		ew.printf("- Targets (%s): %d pass, %d fail, %d missing.\n", mdCell(r.tierName()), pass, fail, missing)
	}
	for _, wr := range runWarnings(r) {
		ew.printf("- Warning: %s\n", mdCell(wr))
	}
	return ew.err
}
