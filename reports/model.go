package reports

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/targets"
)

// Comparison is everything a comparison report shows: which two runs, the
// per-metric results of compare.CompareAll, and optionally how head fared
// against a tier of targets.
type Comparison struct {
	// Base and Head are the compared results files. They give the
	// identity lines, the raw samples for plots and the directions.
	Base, Head *results.File
	// BaseLabel and HeadLabel name the sides, e.g. "baseline main" and
	// "run.json"; empty means the files' own labels.
	BaseLabel, HeadLabel string
	Results              []compare.Result
	// Tier and Outcomes are head checked against a target tier (optional).
	// A missed or missing target fails the metric's JUnit test case.
	Tier     string
	Outcomes []targets.Outcome
	// Warnings are shown as given (benchstat style: values, not log lines),
	// e.g. from compare and results.EnvDiff.
	Warnings []string
	// Missing are the metrics a gate was asked to judge and did not
	// compare (gate.Verdict.Missing), listed under their own heading so a
	// metric that was never measured cannot pass unseen. MissingAllowed
	// says the gate let them through as warnings (--allow-missing) rather
	// than failing on them.
	Missing        []gate.Missing
	MissingAllowed bool
}

// missingNote says what the missing metrics did to the gate.
func (c Comparison) missingNote() string {
	if c.MissingAllowed {
		return fmt.Sprintf("%d not compared; allowed by --allow-missing: warnings, not failures.", len(c.Missing))
	}
	return fmt.Sprintf("%d not compared; the gate fails on them (a metric asked for and not compared never passes).", len(c.Missing))
}

// Run is a results file with its target outcomes: the input of the run
// table (`hivebench run`) and of every results-only report.
type Run struct {
	File *results.File
	// Tier names the tier of Outcomes, for the "target (TIER)" column.
	Tier     string
	Outcomes []targets.Outcome
	// Reference are the outcomes of the reference tier (targets.ReferenceTier,
	// "typescript") against File; they fill the "vs TypeScript" column.
	Reference []targets.Outcome
	// ReferenceName heads that column; empty means "TypeScript".
	ReferenceName string
	// Versus, when set, is a measured run of another implementation (a
	// subject's, `--vs FILE`): the "vs" column then divides its p50 by
	// ours instead of the reference tier's stated figures.
	Versus   *results.File
	Warnings []string
}

// Identity is one side of a report, as shown in its header.
type Identity struct {
	Label            string    `json:"label"`
	Commit           string    `json:"commit"`
	Dirty            bool      `json:"dirty"`
	Date             time.Time `json:"date"`
	Suite            string    `json:"suite"`
	Complete         bool      `json:"complete"`
	IncompleteReason string    `json:"incomplete_reason,omitempty"`
	CPU              string    `json:"cpu"`
	Cores            int       `json:"cores"`
	GoVersion        string    `json:"go_version"`
	HostHash         string    `json:"host_hash"`
	Workload         string    `json:"workload"`
}

// IdentityOf describes f under label (f's own label when empty).
func IdentityOf(label string, f *results.File) Identity {
	if f == nil {
		return Identity{Label: label}
	}
	if label == "" {
		label = f.Label()
	}
	return Identity{
		Label: label, Commit: f.Env.Commit, Dirty: f.Env.Dirty, Date: f.Env.Date, Suite: f.Suite,
		Complete: f.Complete, IncompleteReason: f.IncompleteReason, CPU: f.Env.CPUModel, Cores: f.Env.Cores,
		GoVersion: f.Env.GoVersion, HostHash: f.Env.HostHash, Workload: f.Workload.String(),
	}
}

// Line is the identity in one line for headers.
func (id Identity) Line() string {
	var b strings.Builder
	b.WriteString(id.Label)
	b.WriteString(": commit ")
	b.WriteString(results.ShortCommit(id.Commit))
	if id.Dirty {
		b.WriteString("-dirty")
	}
	if !id.Date.IsZero() {
		b.WriteString(", " + id.Date.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if id.Suite != "" {
		b.WriteString(", suite " + id.Suite)
	}
	if !id.Complete {
		b.WriteString(", INCOMPLETE (" + id.IncompleteReason + ")")
	}
	return b.String()
}

// NoisePct is the robust coefficient of variation of a summary in percent:
// 1.4826·MAD / median, the spread a normal distribution with the same MAD
// would have. Robust because one slow outlier must not make a metric look
// noisy. NaN when the median is 0 or there are no samples.
func NoisePct(s stats.Summary) float64 {
	if s.N == 0 || s.P50 == 0 {
		return math.NaN()
	}
	return 1.4826 * s.MAD / math.Abs(s.P50) * 100
}

func formatNoise(s stats.Summary) string {
	v := NoisePct(s)
	if math.IsNaN(v) {
		return "—"
	}
	return sig3(v) + "%"
}

// compRow is one metric of a comparison, formatted once for every renderer.
type compRow struct {
	Metric    string
	Unit      string
	Direction results.Direction
	BaseP50   string
	HeadP50   string
	Delta     string
	RatioCI   string
	P         string
	N         string
	Noise     string
	Verdict   compare.Verdict
	Note      string
	Result    compare.Result
}

// rows returns the comparison rows with regressions first (largest change
// first), then the rest in the order compare returned them.
func (c Comparison) rows() []compRow {
	out := make([]compRow, 0, len(c.Results))
	for _, r := range c.Results {
		out = append(out, compRow{
			Metric:    r.Metric,
			Unit:      r.Unit,
			Direction: direction(r.Metric, c.Head, c.Base),
			BaseP50:   FormatValue(r.Base.P50, r.Unit),
			HeadP50:   FormatValue(r.Head.P50, r.Unit),
			Delta:     formatPct(r.DeltaPct),
			RatioCI:   "[" + formatRatio(r.RatioCI.Lo) + ", " + formatRatio(r.RatioCI.Hi) + "]",
			P:         formatP(r.PAdjusted),
			N:         strconv.Itoa(r.Base.N) + " / " + strconv.Itoa(r.Head.N),
			Noise:     formatNoise(r.Base) + " / " + formatNoise(r.Head),
			Verdict:   r.Verdict,
			Note:      noteOf(r),
			Result:    r,
		})
		if r.Aggregates {
			// No ratio CI and no spread come from aggregates; a zero in
			// their place would read as a measurement.
			row := &out[len(out)-1]
			row.RatioCI, row.Noise = "—", "—"
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := out[i].Verdict == compare.Regressed, out[j].Verdict == compare.Regressed
		if ri != rj {
			return ri
		}
		if ri {
			return math.Abs(out[i].Result.DeltaPct) > math.Abs(out[j].Result.DeltaPct)
		}
		return false
	})
	return out
}

// noteOf joins compare's note (why the verdict) and its warnings (caveats
// about the data) into one cell.
func noteOf(r compare.Result) string {
	parts := make([]string, 0, 1+len(r.Warnings))
	if r.Note != "" {
		parts = append(parts, r.Note)
	}
	parts = append(parts, r.Warnings...)
	return strings.Join(parts, "; ")
}

// counts tallies verdicts in a fixed order for summary lines.
func (c Comparison) counts() (regressed, improved, same, inconclusive int) {
	for _, r := range c.Results {
		switch r.Verdict {
		case compare.Regressed:
			regressed++
		case compare.Improved:
			improved++
		case compare.Same:
			same++
		default:
			inconclusive++
		}
	}
	return
}

func (c Comparison) baseID() Identity { return IdentityOf(c.BaseLabel, c.Base) }
func (c Comparison) headID() Identity { return IdentityOf(c.HeadLabel, c.Head) }

// direction is the benchmark's direction in the first file that has it.
func direction(name string, files ...*results.File) results.Direction {
	for _, f := range files {
		if f == nil {
			continue
		}
		if b, ok := f.Benchmark(name); ok {
			return b.Direction
		}
	}
	return results.LowerIsBetter
}

// outcomesFor returns the outcomes that concern benchmark name, including
// missing ones of a target naming it.
func outcomesFor(outcomes []targets.Outcome, name string) []targets.Outcome {
	var out []targets.Outcome
	for _, o := range outcomes {
		if o.Benchmark == name || (o.Benchmark == "" && o.Target.Metric == name) {
			out = append(out, o)
		}
	}
	return out
}

// verdictOf folds several outcomes of one benchmark: any fail fails, else
// any missing is missing, else pass. No outcomes: no target.
func verdictOf(outcomes []targets.Outcome) string {
	if len(outcomes) == 0 {
		return "—"
	}
	v := "PASS"
	failed, sureFail, unsurePass := false, false, false
	for _, o := range outcomes {
		switch o.Status {
		case targets.Fail:
			failed = true
			sureFail = sureFail || !o.Marginal
		case targets.Missing:
			v = "MISSING"
		case targets.Pass:
			unsurePass = unsurePass || o.Marginal
		}
	}
	switch {
	case failed && sureFail:
		return "FAIL"
	case failed:
		return "FAIL" + marginalMark
	case v == "PASS" && unsurePass:
		return "PASS" + marginalMark
	}
	return v
}

// marginalMark follows a verdict the samples do not settle (see
// targets.Outcome.Marginal); marginalLegend explains it under a table.
const marginalMark = "?"

// marginalLegend explains marginalMark when some outcome is marginal.
func marginalLegend(outcomes []targets.Outcome) string {
	n := 0
	for _, o := range outcomes {
		if o.Marginal {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s: marginal (%d of %d targets): the bound lies within the 95%% confidence bounds of the percentile, given the samples, so a rerun may give the other verdict; more rounds narrow them",
		marginalMark, n, len(outcomes))
}

// runRow is one line of the run table.
type runRow struct {
	Metric  string
	P50     string
	P95     string
	P99     string
	Target  string
	VsRef   string
	Verdict string
	// Bench is nil for a target whose benchmark is missing.
	Bench *results.Benchmark
}

// runFigure is a run row's figure: from the summary of a benchmark with
// samples, from what the tool reported for an aggregate-only one, "—" when
// it reported nothing.
func runFigure(b *results.Benchmark, fromSummary float64, reported *float64) string {
	if !b.AggregateOnly() {
		return FormatValue(fromSummary, b.Unit)
	}
	if reported == nil {
		return "—"
	}
	return FormatValue(*reported, b.Unit)
}

// rows returns one row per benchmark in file order, then one per target
// that matched no benchmark, so a missing measurement is visible.
func (r Run) rows() []runRow {
	var out []runRow
	for i := range r.File.Benchmarks {
		b := &r.File.Benchmarks[i]
		own := outcomesFor(r.Outcomes, b.Name)
		out = append(out, runRow{
			Metric:  b.Name,
			P50:     runFigure(b, b.Summary.P50, b.Aggregates.P50Ptr()),
			P95:     runFigure(b, b.Summary.P95, b.Aggregates.P95Ptr()),
			P99:     runFigure(b, b.Summary.P99, b.Aggregates.P99Ptr()),
			Target:  conditions(own, b.Direction),
			VsRef:   r.vsCell(b),
			Verdict: verdictOf(own),
			Bench:   b,
		})
	}
	for _, o := range r.Outcomes {
		if o.Benchmark != "" {
			continue
		}
		out = append(out, runRow{
			Metric: o.Target.Metric, P50: "—", P95: "—", P99: "—",
			Target: o.Target.Condition(results.LowerIsBetter), VsRef: "—", Verdict: "MISSING",
		})
	}
	return out
}

func conditions(outcomes []targets.Outcome, d results.Direction) string {
	if len(outcomes) == 0 {
		return "—"
	}
	parts := make([]string, len(outcomes))
	for i, o := range outcomes {
		parts[i] = o.Target.Condition(d)
	}
	return strings.Join(parts, ", ")
}

// vsReference is the reference figure divided by ours on the reference
// target's own statistic: "175× better" means the reference number is 175
// times ours (for lower-is-better metrics).
func vsReference(outcomes []targets.Outcome) string {
	for _, o := range outcomes {
		if o.Status == targets.Missing || o.Measured <= 0 {
			continue
		}
		f := o.Target.Bound / o.Measured
		if o.Direction == results.HigherIsBetter {
			f = o.Measured / o.Target.Bound
		}
		return formatFactor(f)
	}
	return "—"
}

func (r Run) refName() string {
	switch {
	case r.Versus != nil:
		return r.Versus.SubjectName() + " (measured)"
	case r.ReferenceName != "":
		return r.ReferenceName
	case r.File != nil && r.File.Subject != nil:
		// A subject's run is set beside hive's, never beside the stated
		// TypeScript figures (NewRun leaves them out).
		return "hive"
	case stated(r.Reference):
		return "TypeScript (stated, unmeasured)"
	}
	return "TypeScript"
}

// stated reports whether the reference figures were never measured, as
// their provenance says.
func stated(outcomes []targets.Outcome) bool {
	return len(outcomes) > 0 && strings.Contains(outcomes[0].Target.Provenance, "never measured")
}

// vsCell is the "vs" column of benchmark b: the measured run's p50 over
// ours (ours over theirs where higher is better), or the reference tier's.
func (r Run) vsCell(b *results.Benchmark) string {
	if r.Versus == nil {
		return vsReference(outcomesFor(r.Reference, b.Name))
	}
	o, ok := r.Versus.Benchmark(b.Name)
	if !ok {
		return "—"
	}
	theirs, err := results.Convert(o.Summary.P50, o.Unit, b.Unit)
	if err != nil || b.Summary.P50 <= 0 {
		return "—"
	}
	f := theirs / b.Summary.P50
	if b.Direction == results.HigherIsBetter {
		f = b.Summary.P50 / theirs
	}
	return formatFactor(f)
}

func (r Run) tierName() string {
	if r.Tier != "" {
		return r.Tier
	}
	return "none"
}
