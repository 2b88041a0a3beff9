package reports

import (
	"fmt"
	"io"
	"math"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Versus is two implementations measured with the same probes on the same
// workload (hive and a subject, `hivebench report A --vs B`): per shared
// metric the ratio of their medians with its confidence interval. It gives
// no verdict: "regressed" means nothing between two implementations, and
// the threshold of a gate is not a question anyone asked here.
type Versus struct {
	// A is the file the ratios are taken against (usually hive's), B the
	// other one. Results are compare's with A as base and B as head, so
	// RatioCI is the CI of median(B) / median(A).
	A, B     *results.File
	Results  []compare.Result
	Warnings []string
}

// versusRow is one metric, formatted once for every renderer.
type versusRow struct {
	Metric, Unit string
	A, B         string
	Ratio, CI    string
	Reading      string
	N            string
	r            compare.Result
	d            results.Direction
}

func (v Versus) names() (string, string) {
	a, b := v.A.SubjectName(), v.B.SubjectName()
	if a == b {
		a, b = v.A.Label(), v.B.Label()
	}
	return a, b
}

func (v Versus) rows() []versusRow {
	an, bn := v.names()
	out := make([]versusRow, 0, len(v.Results))
	for _, r := range v.Results {
		d := direction(r.Metric, v.A, v.B)
		out = append(out, versusRow{
			Metric: r.Metric, Unit: r.Unit,
			A: FormatValue(r.Base.P50, r.Unit), B: FormatValue(r.Head.P50, r.Unit),
			Ratio:   formatRatio(r.Head.P50 / r.Base.P50),
			CI:      "[" + formatRatio(r.RatioCI.Lo) + ", " + formatRatio(r.RatioCI.Hi) + "]",
			Reading: versusReading(r, d, an, bn),
			N:       fmt.Sprintf("%d / %d", r.Base.N, r.Head.N),
			r:       r, d: d,
		})
	}
	return out
}

// versusReading says which side the interval favours, in words: "hive
// 3.2× better" when the whole CI lies on one side of 1, else that the data
// do not tell them apart.
func versusReading(r compare.Result, d results.Direction, an, bn string) string {
	lo, hi := r.RatioCI.Lo, r.RatioCI.Hi
	ratio := r.Head.P50 / r.Base.P50
	if math.IsNaN(lo) || math.IsNaN(hi) || lo <= 0 || math.IsNaN(ratio) || ratio <= 0 || math.IsInf(ratio, 0) {
		return "no ratio (" + r.Note + ")"
	}
	// For lower-is-better metrics a ratio B/A above 1 favours A.
	aBetter, bBetter := lo > 1, hi < 1
	if d == results.HigherIsBetter {
		aBetter, bBetter = bBetter, aBetter
	}
	f := ratio
	if f < 1 {
		f = 1 / f
	}
	switch {
	case aBetter:
		return an + " " + factor(f) + " better"
	case bBetter:
		return bn + " " + factor(f) + " better"
	}
	return "no clear difference (the CI includes 1)"
}

func factor(f float64) string {
	if f >= 10 {
		return fmt.Sprintf("%.0f×", math.Round(f))
	}
	return fmt.Sprintf("%.2f×", f)
}

// WriteVersus renders v in format f: table, md or json.
func WriteVersus(w io.Writer, f Format, v Versus) error {
	if v.A == nil || v.B == nil {
		return exitcode.UsageError("report --vs: two results files are needed")
	}
	switch f {
	case Table:
		return versusTable(w, v)
	case Markdown:
		return versusMarkdown(w, v)
	case JSON:
		return versusJSON(w, v)
	}
	return exitcode.UsageError("report --vs: format %q is not available for a comparison of two implementations; use table, md or json", f)
}

func (v Versus) legend() string {
	an, bn := v.names()
	return fmt.Sprintf("%s ÷ %s: ratio of the medians (of round values where a round has many samples), with its 95%% bootstrap CI; the reading names the side the whole CI favours", bn, an)
}

func versusTable(w io.Writer, v Versus) error {
	ew := &errWriter{w: w}
	an, bn := v.names()
	ew.printf("%s vs %s\n%s  %s\n%s  %s\n\n", an, bn, an, IdentityOf("", v.A).Line(), bn, IdentityOf("", v.B).Line())
	rows := v.rows()
	body := make([][]string, len(rows))
	for i, r := range rows {
		body[i] = []string{r.Metric, r.A, r.B, r.Ratio, r.CI, r.Reading, r.N}
	}
	if ew.err == nil {
		ew.err = writeTable(ew, []string{"metric", an + " p50", bn + " p50", bn + " ÷ " + an, "95% CI", "reading", "n " + an + " / " + bn},
			body, []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft, tw.AlignRight})
	}
	ew.printf("%s\n", v.legend())
	writeWarningLines(ew, v.Warnings)
	return ew.err
}

func versusMarkdown(w io.Writer, v Versus) error {
	ew := &errWriter{w: w}
	an, bn := v.names()
	ew.printf("### %s vs %s\n\n- %s: %s\n- %s: %s\n\n", an, bn, an, IdentityOf("", v.A).Line(), bn, IdentityOf("", v.B).Line())
	mdHeader(ew, "lrrrrlr", "metric", an+" p50", bn+" p50", bn+" ÷ "+an, "95% CI", "reading", "n "+an+" / "+bn)
	for _, r := range v.rows() {
		mdRow(ew, r.Metric, r.A, r.B, r.Ratio, r.CI, r.Reading, r.N)
	}
	ew.printf("\n%s\n", v.legend())
	for _, x := range v.Warnings {
		ew.printf("\n> warning: %s\n", x)
	}
	return ew.err
}

type versusRowJSON struct {
	Metric  string       `json:"metric"`
	Unit    string       `json:"unit"`
	AP50    jsonFloat    `json:"a_p50"`
	BP50    jsonFloat    `json:"b_p50"`
	Ratio   jsonFloat    `json:"ratio"`
	CI      [2]jsonFloat `json:"ratio_ci"`
	Reading string       `json:"reading"`
	NA      int          `json:"n_a"`
	NB      int          `json:"n_b"`
}

type versusJSONDoc struct {
	A        string          `json:"a"`
	B        string          `json:"b"`
	Ratio    string          `json:"ratio_is"`
	Metrics  []versusRowJSON `json:"metrics"`
	Warnings []string        `json:"warnings,omitempty"`
}

func versusJSON(w io.Writer, v Versus) error {
	an, bn := v.names()
	doc := versusJSONDoc{A: an, B: bn, Ratio: "median(b) / median(a)", Warnings: v.Warnings}
	for _, r := range v.rows() {
		doc.Metrics = append(doc.Metrics, versusRowJSON{Metric: r.Metric, Unit: r.Unit, AP50: jsonFloat(r.r.Base.P50), BP50: jsonFloat(r.r.Head.P50),
			Ratio: jsonFloat(r.r.Head.P50 / r.r.Base.P50), CI: [2]jsonFloat{jsonFloat(r.r.RatioCI.Lo), jsonFloat(r.r.RatioCI.Hi)}, Reading: r.Reading,
			NA: r.r.Base.N, NB: r.r.Head.N})
	}
	return writeJSON(w, doc)
}
