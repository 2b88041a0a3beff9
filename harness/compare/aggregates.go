package compare

import (
	"fmt"
	"math"

	"github.com/hiveperf/hive/harness/stats"
)

// Aggregate is one side of a comparison known only by what a tool
// reported, without its raw samples (k6's --summary-export): the number of
// samples behind the figures (0 when the tool did not say), their range and
// median. The rule for aggregates (package doc) needs nothing else, and
// trusts nothing else: a mean or a standard deviation says nothing
// distribution-free about a change.
type Aggregate struct {
	N             int
	Min, P50, Max float64
}

// AggregateOf reduces raw samples to what the rule for aggregates uses, for
// the side of a comparison that has samples when the other has none.
func AggregateOf(samples []float64) Aggregate {
	s := stats.Summarize(samples, stats.Resamples(1))
	return Aggregate{N: s.N, Min: s.Min, P50: s.P50, Max: s.Max}
}

func (a Aggregate) validate() error {
	for _, v := range []float64{a.Min, a.P50, a.Max} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("a figure is %v; figures must be finite", v)
		}
	}
	if a.N < 0 {
		return fmt.Errorf("count %d is negative", a.N)
	}
	if a.Min > a.P50 || a.P50 > a.Max {
		return fmt.Errorf("min %g, median %g and max %g are not in order", a.Min, a.P50, a.Max)
	}
	return nil
}

func (a Aggregate) summary() stats.Summary {
	return stats.Summary{N: a.N, Min: a.Min, P50: a.P50, Max: a.Max}
}

// separationP is the two-sided p-value of complete separation: under no
// change (the m + n values exchangeable), the chance that all m values of
// one side lie above all n of the other is 1/C(m+n, m), either way twice
// that. It is the Mann–Whitney test's most extreme outcome, the only one
// that min and max can show. 1 when the ranges overlap or a count is
// unknown.
func separationP(base, head Aggregate) float64 {
	if base.N == 0 || head.N == 0 || (head.Min <= base.Max && head.Max >= base.Min) {
		return 1
	}
	m, n := float64(head.N), float64(base.N)
	lm, _ := math.Lgamma(m + n + 1)
	la, _ := math.Lgamma(m + 1)
	lb, _ := math.Lgamma(n + 1)
	return math.Min(1, 2*math.Exp(-(lm-la-lb)))
}

// analyzeAggregates is analyze for an input with a side known only by
// aggregates: the other side, if it has samples, is reduced to the same
// figures, so both are judged alike.
func analyzeAggregates(in Input, p Policy) (Result, analysis) {
	r := Result{Metric: in.Metric, Unit: in.Unit, Threshold: p.Threshold, PValue: 1, Aggregates: true, RatioCI: stats.Interval{Level: p.Level}}
	a := analysis{policy: p}
	side := func(agg *Aggregate, samples []float64, name string) Aggregate {
		if agg != nil {
			return *agg
		}
		if err := stats.Validate(samples); err != nil && a.invalid == nil {
			a.invalid = fmt.Errorf("metric %q: %s %w", in.Metric, name, err)
		}
		if len(samples) == 0 {
			if a.invalid == nil {
				a.invalid = fmt.Errorf("metric %q: %s has neither samples nor aggregates", in.Metric, name)
			}
			return Aggregate{}
		}
		return AggregateOf(samples)
	}
	base, head := side(in.BaseAgg, in.Base, "base"), side(in.HeadAgg, in.Head, "head")
	if err := in.Policy.Validate(); err != nil && a.invalid == nil {
		a.invalid = fmt.Errorf("metric %q: %w", in.Metric, err)
	}
	for _, s := range []struct {
		name string
		a    Aggregate
	}{{"base", base}, {"head", head}} {
		if err := s.a.validate(); err != nil && a.invalid == nil {
			a.invalid = fmt.Errorf("metric %q: %s aggregates: %w", in.Metric, s.name, err)
		}
	}
	if a.invalid != nil {
		return r, a
	}
	r.Base, r.Head = base.summary(), head.summary()
	if base.P50 > 0 {
		r.DeltaPct = (head.P50/base.P50 - 1) * 100
	}
	r.PValue = separationP(base, head)
	var without []string
	if in.BaseAgg != nil {
		without = append(without, "base")
	}
	if in.HeadAgg != nil {
		without = append(without, "head")
	}
	what := "base and head have"
	if len(without) == 1 {
		what = without[0] + " has"
	}
	r.Warnings = []string{fmt.Sprintf("%s no raw samples (aggregates only): the verdict rests on aggregates, by the range rule of harness/compare", what)}
	return r, a
}

// decideAggregates applies the rule for aggregates (package doc).
func decideAggregates(r *Result, a analysis) {
	p := a.policy
	r.Verdict = Inconclusive
	base, head := r.Base, r.Head
	median := fmt.Sprintf("median %+.1f%%", r.DeltaPct)
	switch {
	case a.invalid != nil:
		r.Note = "invalid input: " + a.invalid.Error()
		return
	case base.N == 0 || head.N == 0:
		r.Note = "aggregates only, and the number of samples behind them was not reported: no test is possible (" + median + ")"
		return
	case base.N < p.MinSamples || head.N < p.MinSamples:
		r.Note = fmt.Sprintf("aggregates only: too few samples: base %d, head %d, policy needs %d per side", base.N, head.N, p.MinSamples)
		return
	case base.Min <= 0:
		r.Note = "aggregates only: base's minimum is not positive, so no change can be stated as a ratio (" + median + ")"
		return
	}
	t := p.Threshold / 100
	up := head.Min > base.Max*(1+t)   // every head value above every base value by more than t
	down := head.Max < base.Min*(1-t) // every head value below every base value by more than t
	worse, better := up, down
	if p.Direction == HigherIsBetter {
		worse, better = down, up
	}
	significant := r.PAdjusted < p.Alpha
	ranges := fmt.Sprintf("base %s…%s, head %s…%s", fmtG(base.Min), fmtG(base.Max), fmtG(head.Min), fmtG(head.Max))
	switch {
	case significant && worse:
		r.Verdict = Regressed
		r.Note = fmt.Sprintf("aggregates only: every head value is beyond every base value by more than %g%% (%s; %s), p=%.2g after Holm", p.Threshold, ranges, median, r.PAdjusted)
	case significant && better:
		r.Verdict = Improved
		r.Note = fmt.Sprintf("aggregates only: every head value is better than every base value by more than %g%% (%s; %s), p=%.2g after Holm", p.Threshold, ranges, median, r.PAdjusted)
	case worse || better:
		r.Note = fmt.Sprintf("aggregates only: the ranges are apart by more than %g%% but that is not significant with these counts (p=%.2g after Holm, alpha %g; %s)", p.Threshold, r.PAdjusted, p.Alpha, ranges)
	default:
		r.Note = fmt.Sprintf("aggregates only: the ranges are not apart by more than %g%% (%s; %s); without samples nothing smaller can be shown", p.Threshold, ranges, median)
	}
}

func fmtG(v float64) string { return fmt.Sprintf("%.4g", v) }
