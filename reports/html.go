package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/targets"
)

// The HTML report is one file with no external assets (no scripts, fonts or
// stylesheets to fetch), so it can be attached to a CI run and opened
// offline years later. Every value goes through html/template.

//go:embed report.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

type htmlCell struct {
	Text string
	Num  bool
}

type htmlRow struct {
	Class string
	Cells []htmlCell
}

type htmlID struct {
	Side string
	Line string
}

type htmlTarget struct {
	Class, Metric, Condition, Measured, Status, Provenance string
}

type htmlStats struct {
	Side  string
	Cells []string
}

type htmlMetric struct {
	Name  string
	Plot  *plot
	Stats []htmlStats
	Extra []string
}

type htmlPage struct {
	Title    string
	IDs      []htmlID
	Workload string
	Summary  string
	Header   []string
	Rows     []htmlRow
	Notes    []string
	Tier     string
	Targets  []htmlTarget
	Warnings []string
	// MissingNote and Missing are the gate's missing metrics (see
	// Comparison.Missing).
	MissingNote string
	Missing     []gate.Missing
	Metrics     []htmlMetric
}

func cells(num []bool, texts ...string) []htmlCell {
	out := make([]htmlCell, len(texts))
	for i, t := range texts {
		out[i] = htmlCell{Text: t, Num: i < len(num) && num[i]}
	}
	return out
}

func statsRow(side string, b *results.Benchmark) htmlStats {
	s := b.Summary
	f := func(v float64) string { return FormatValue(v, b.Unit) }
	return htmlStats{Side: side, Cells: []string{
		strconv.Itoa(s.N), f(s.Min), f(s.P50), f(s.P90), f(s.P95), f(s.P99), f(s.Max), f(s.Mean),
		formatNoise(s), strconv.Itoa(len(s.Outliers)),
	}}
}

func extraLines(side string, b *results.Benchmark) []string {
	var out []string
	for _, x := range b.Extra {
		line := x.Name + ": " + FormatValue(x.Value, x.Unit)
		if side != "" {
			line = side + " " + line
		}
		out = append(out, line)
	}
	return out
}

func htmlTargets(outcomes []targets.Outcome) []htmlTarget {
	out := make([]htmlTarget, 0, len(outcomes))
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
		out = append(out, htmlTarget{Class: string(o.Status), Metric: name, Condition: o.Target.Condition(o.Direction),
			Measured: measured, Status: status, Provenance: o.Target.Provenance})
	}
	return out
}

func comparisonHTML(w io.Writer, c Comparison) error {
	base, head := c.baseID(), c.headID()
	reg, imp, same, inc := c.counts()
	page := htmlPage{
		Title:    "hive benchmark comparison",
		IDs:      []htmlID{{"base", base.Line()}, {"head", head.Line()}},
		Workload: head.Workload,
		Summary:  fmt.Sprintf("%d regressed, %d improved, %d same, %d inconclusive.", reg, imp, same, inc),
		Header:   []string{"metric", "base p50", "head p50", "Δ p50", "ratio CI", "p (Holm)", "n base / head", "noise base / head", "verdict"},
		Tier:     c.Tier,
		Targets:  htmlTargets(c.Outcomes),
		Warnings: c.Warnings,
		Missing:  c.Missing,
	}
	if len(c.Missing) > 0 {
		page.MissingNote = c.missingNote()
	}
	num := []bool{false, true, true, true, true, true, true, true, false}
	for _, r := range c.rows() {
		page.Rows = append(page.Rows, htmlRow{Class: string(r.Verdict), Cells: cells(num, r.Metric, r.BaseP50, r.HeadP50, r.Delta, r.RatioCI, r.P, r.N, r.Noise, string(r.Verdict))})
		if r.Note != "" {
			page.Notes = append(page.Notes, r.Metric+": "+r.Note)
		}
		m := htmlMetric{Name: r.Metric}
		var series []namedSamples
		for _, side := range []struct {
			name string
			f    *results.File
		}{{"base", c.Base}, {"head", c.Head}} {
			if side.f == nil {
				continue
			}
			if b, ok := side.f.Benchmark(r.Metric); ok {
				series = append(series, namedSamples{side.name, side.name, b.Samples})
				m.Stats = append(m.Stats, statsRow(side.name, b))
				m.Extra = append(m.Extra, extraLines(side.name, b)...)
			}
		}
		m.Plot = ecdfPlot(r.Unit, series...)
		page.Metrics = append(page.Metrics, m)
	}
	page.Notes = append(page.Notes, noiseNote(c.Results))
	return htmlTemplate.Execute(w, page)
}

func noiseNote(rs []compare.Result) string {
	var nb, nh int
	for _, r := range rs {
		nb += r.Base.N
		nh += r.Head.N
	}
	return fmt.Sprintf("Samples taken: %d base, %d head, over %d metrics.", nb, nh, len(rs))
}

func runHTML(w io.Writer, r Run) error {
	id := IdentityOf("", r.File)
	page := htmlPage{
		Title:    "hive benchmark run",
		IDs:      []htmlID{{"run", id.Line()}},
		Workload: id.Workload,
		Header:   []string{"metric", "p50", "p95", "p99", "target (" + r.tierName() + ")", "vs " + r.refName(), "verdict"},
		Tier:     r.tierName(),
		Targets:  htmlTargets(r.Outcomes),
		Warnings: runWarnings(r),
	}
	if len(r.Outcomes) > 0 {
		pass, fail, missing := targets.Tally(r.Outcomes)
		page.Summary = fmt.Sprintf("Targets (%s): %d pass, %d fail, %d missing.", r.tierName(), pass, fail, missing)
	}
	if legend := referenceLegend(r); legend != "" {
		page.Notes = append(page.Notes, legend+".")
	}
	if legend := marginalLegend(r.Outcomes); legend != "" {
		page.Notes = append(page.Notes, legend+".")
	}
	num := []bool{false, true, true, true, false, true, false}
	for _, row := range r.rows() {
		page.Rows = append(page.Rows, htmlRow{Class: strings.ToLower(strings.TrimSuffix(row.Verdict, marginalMark)), Cells: cells(num, row.Metric, row.P50, row.P95, row.P99, row.Target, row.VsRef, row.Verdict)})
		if row.Bench == nil {
			continue
		}
		page.Metrics = append(page.Metrics, htmlMetric{
			Name:  row.Metric,
			Plot:  ecdfPlot(row.Bench.Unit, namedSamples{"run", "run", row.Bench.Samples}),
			Stats: []htmlStats{statsRow("run", row.Bench)},
			Extra: extraLines("", row.Bench),
		})
	}
	return htmlTemplate.Execute(w, page)
}
