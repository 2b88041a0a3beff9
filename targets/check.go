package targets

import (
	"fmt"
	"strconv"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// Status is the outcome of one target against one benchmark.
type Status string

// A target passes, fails, or could not be checked because the measurement
// is missing. Missing is never a pass: a benchmark that did not run proves
// nothing.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Missing Status = "missing"
)

// Outcome is one target checked against one benchmark.
type Outcome struct {
	Tier   string `json:"tier"`
	Target Target `json:"target"`
	// Benchmark is the benchmark checked; empty when none matched.
	Benchmark string            `json:"benchmark,omitempty"`
	Direction results.Direction `json:"direction,omitempty"`
	// Measured is the target's statistic of the benchmark, in Target.Unit.
	Measured float64 `json:"measured"`
	// Floor is, for a margin target (Target.Over), the same statistic of
	// the Over benchmark in the same run, in Target.Unit: the bound that
	// was applied is Floor + Target.Bound.
	Floor  float64 `json:"floor,omitempty"`
	Status Status  `json:"status"`
	// Detail says it in words: "p95 18.2 ms ≤ 20 ms" or why it is missing.
	Detail string `json:"detail"`
	// Marginal is set on a pass or a fail that the samples do not settle:
	// the bound lies between the statistic's one-sided 95% confidence
	// bounds (Bounds), so a rerun on the same machine may well give the
	// other verdict. Only percentile targets carry bounds; the verdict
	// itself stays the measured statistic against the bound.
	Marginal bool `json:"marginal,omitempty"`
	// Bounds are the one-sided confidence bounds on the target's
	// percentile, in Target.Unit (stats.BoundQuantile over the samples).
	Bounds *stats.QuantileBounds `json:"bounds,omitempty"`
}

// confidenceLevel is the level of Outcome.Bounds.
const confidenceLevel = 0.95

// quantileOf is the fraction a percentile statistic names; ok is false
// for the others (mean, min, max, peak), which carry no bounds.
func quantileOf(s Statistic) (q float64, ok bool) {
	switch s {
	case P50:
		return 0.50, true
	case P90:
		return 0.90, true
	case P95:
		return 0.95, true
	case P99:
		return 0.99, true
	}
	return 0, false
}

// Check holds every target of the tier against the results file. A
// family target (FAMILY.*) yields one outcome per matching benchmark, so a
// report shows which operation missed. A target with nothing to check
// yields one Missing outcome.
func Check(t Tier, f *results.File) []Outcome {
	var out []Outcome
	for _, tg := range t.Targets {
		matched := false
		for _, b := range f.Benchmarks {
			if !tg.Matches(b.Name) {
				continue
			}
			matched = true
			out = append(out, checkOne(t.Name, tg, b, f))
		}
		if !matched {
			why := fmt.Sprintf("no %s in %s", tg.Metric, f.Label())
			if !f.Complete {
				why += " (the run is incomplete: " + f.IncompleteReason + ")"
			}
			out = append(out, Outcome{Tier: t.Name, Target: tg, Status: Missing, Detail: why})
		}
	}
	return out
}

func checkOne(tier string, tg Target, b results.Benchmark, f *results.File) Outcome {
	o := Outcome{Tier: tier, Target: tg, Benchmark: b.Name, Direction: b.Direction}
	if b.Summary.N == 0 {
		o.Status, o.Detail = Missing, fmt.Sprintf("%s has no samples", b.Name)
		return o
	}
	if !validStatistic(tg.Statistic) {
		o.Status, o.Detail = Missing, fmt.Sprintf("unknown statistic %q; use one of %s", tg.Statistic, statisticList())
		return o
	}
	raw := Value(b.Summary, tg.Statistic)
	v, err := results.Convert(raw, b.Unit, tg.Unit)
	if err != nil {
		o.Status, o.Detail = Missing, fmt.Sprintf("%s cannot be checked: %v", b.Name, err)
		return o
	}
	o.Measured = v
	bound := tg.Bound
	if tg.Over != "" {
		floor, why := floorOf(tg, f)
		if why != "" {
			o.Status, o.Detail = Missing, fmt.Sprintf("%s %s %s, but %s", b.Name, tg.Statistic, formatIn(v, tg.Unit), why)
			return o
		}
		o.Floor = floor
		bound += floor
	}
	ok := v <= bound
	if b.Direction == results.HigherIsBetter {
		ok = v >= bound
	}
	o.Status = Fail
	if ok {
		o.Status = Pass
	}
	o.Detail = fmt.Sprintf("%s %s %s, target %s", b.Name, tg.Statistic, formatIn(v, tg.Unit), tg.Condition(b.Direction))
	if tg.Over != "" {
		// A margin target carries no confidence bounds: the floor is a
		// statistic of other samples, and a bound on the difference is
		// not what BoundQuantile gives.
		o.Detail += fmt.Sprintf(" (%s %s %s, so the bound is %s)", tg.Over, tg.Statistic, formatIn(o.Floor, tg.Unit), formatIn(bound, tg.Unit))
		return o
	}
	if q, isQ := quantileOf(tg.Statistic); isQ && len(b.Samples) == b.Summary.N {
		markMarginal(&o, b, q)
	}
	return o
}

// floorOf is the statistic of tg.Over in f, in tg.Unit; why says what is
// missing when there is none: a margin over a floor that was not measured
// is not met.
func floorOf(tg Target, f *results.File) (v float64, why string) {
	for _, fb := range f.Benchmarks {
		if fb.Name != tg.Over {
			continue
		}
		if fb.Summary.N == 0 {
			return 0, fmt.Sprintf("its floor %s has no samples", tg.Over)
		}
		c, err := results.Convert(Value(fb.Summary, tg.Statistic), fb.Unit, tg.Unit)
		if err != nil {
			return 0, fmt.Sprintf("its floor %s cannot be read: %v", tg.Over, err)
		}
		return c, ""
	}
	return 0, fmt.Sprintf("its floor %s is not in %s", tg.Over, f.Label())
}

// markMarginal sets o.Bounds from b's samples and o.Marginal when they do
// not settle o's verdict, and says so in o.Detail.
func markMarginal(o *Outcome, b results.Benchmark, q float64) {
	tg := o.Target
	qb := stats.BoundQuantile(b.Samples, q, confidenceLevel)
	for _, v := range []*float64{&qb.Lo, &qb.Hi} {
		c, err := results.Convert(*v, b.Unit, tg.Unit)
		if err != nil {
			return
		}
		*v = c
	}
	o.Bounds = &qb
	// better: the statistic is surely on the good side of the bound; worse:
	// surely on the bad side. For lower-is-better the upper bound must be
	// under the target to be sure of a pass, the lower bound over it to be
	// sure of a fail.
	sureBetter := qb.HiOK && qb.Hi <= tg.Bound
	sureWorse := qb.LoOK && qb.Lo > tg.Bound
	if b.Direction == results.HigherIsBetter {
		sureBetter = qb.LoOK && qb.Lo >= tg.Bound
		sureWorse = qb.HiOK && qb.Hi < tg.Bound
	}
	switch {
	case o.Status == Pass && !sureBetter, o.Status == Fail && !sureWorse:
		o.Marginal = true
	default:
		return
	}
	var where string
	switch {
	case qb.LoOK && qb.HiOK:
		where = fmt.Sprintf("is between %s and %s", formatIn(qb.Lo, tg.Unit), formatIn(qb.Hi, tg.Unit))
	case qb.LoOK:
		where = fmt.Sprintf("is at least %s, and so few samples do not bound it from above", formatIn(qb.Lo, tg.Unit))
	case qb.HiOK:
		where = fmt.Sprintf("is at most %s, and so few samples do not bound it from below", formatIn(qb.Hi, tg.Unit))
	default:
		where = "is bounded from neither side by so few samples"
	}
	o.Detail += fmt.Sprintf(" (marginal: at 95%% confidence, with %d samples, the true %s %s; the bound is not ruled out, so a rerun may give the other verdict)",
		b.Summary.N, tg.Statistic, where)
}

func formatIn(v float64, unit string) string {
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

// Value returns the statistic s of a summary (Max for Max and Peak; s must
// be one of the Statistic constants).
func Value(sum stats.Summary, s Statistic) float64 {
	switch s {
	case P50:
		return sum.P50
	case P90:
		return sum.P90
	case P95:
		return sum.P95
	case P99:
		return sum.P99
	case Mean:
		return sum.Mean
	case Min:
		return sum.Min
	default: // Max, Peak
		return sum.Max
	}
}

// Tally counts outcomes by status.
func Tally(outcomes []Outcome) (pass, fail, missing int) {
	for _, o := range outcomes {
		switch o.Status {
		case Pass:
			pass++
		case Fail:
			fail++
		default:
			missing++
		}
	}
	return pass, fail, missing
}

// Unsettled counts the passes the samples do not settle (Marginal): a
// rerun may well miss them, so a strict check does not count them as met.
func Unsettled(outcomes []Outcome) int {
	n := 0
	for _, o := range outcomes {
		if o.Status == Pass && o.Marginal {
			n++
		}
	}
	return n
}

// Met reports whether every target passed: a missing measurement is not met.
func Met(outcomes []Outcome) bool {
	_, fail, missing := Tally(outcomes)
	return fail == 0 && missing == 0
}
