package compare

import (
	"fmt"
	"math"

	"github.com/hiveperf/hive/harness/stats"
)

// Input is one metric's raw samples from a base and a head run, with the
// policy that judges them.
type Input struct {
	Metric string
	Unit   string
	Base   []float64
	Head   []float64
	Policy Policy
	// BaseAgg and HeadAgg, when set, stand for a side that has no raw
	// samples, only what a tool reported; the rule for aggregates then
	// judges the metric (package doc), whatever the other side has.
	BaseAgg, HeadAgg *Aggregate
}

// Validate reports a policy out of range or a sample that is not a finite
// number, naming the metric, the side and the sample index.
func (in Input) Validate() error {
	if err := in.Policy.Validate(); err != nil {
		return fmt.Errorf("metric %q: %w", in.Metric, err)
	}
	if err := stats.Validate(in.Base); err != nil {
		return fmt.Errorf("metric %q: base %w", in.Metric, err)
	}
	if err := stats.Validate(in.Head); err != nil {
		return fmt.Errorf("metric %q: head %w", in.Metric, err)
	}
	return nil
}

// Compare judges one metric on its own (PAdjusted equals PValue). Use
// CompareAll when a comparison covers several metrics.
func Compare(metric, unit string, base, head []float64, p Policy) Result {
	return CompareAll([]Input{{Metric: metric, Unit: unit, Base: base, Head: head, Policy: p}})[0]
}

// CompareAll judges every metric of one comparison, adjusting the
// Mann–Whitney p-values across all of them with Holm–Bonferroni before any
// verdict is reached, so the chance of any false alarm in the comparison
// stays at most the policies' alpha. Results are in input order.
func CompareAll(inputs []Input) []Result {
	return compareAll(inputs, true)
}

// analysis is one metric's numbers before the Holm adjustment.
type analysis struct {
	policy   Policy
	invalid  error // policy or samples; no verdict possible
	ratioErr error // the ratio CI is undefined
}

// compareAll is CompareAll; summaryCI false skips the bootstrap CI of each
// side's median, which no verdict depends on, so the simulator can run
// thousands of trials quickly while reaching the same verdicts.
func compareAll(inputs []Input, summaryCI bool) []Result {
	results := make([]Result, len(inputs))
	an := make([]analysis, len(inputs))
	pvalues := make([]float64, len(inputs))
	for i, in := range inputs {
		results[i], an[i] = analyze(in, summaryCI)
		pvalues[i] = results[i].PValue
	}
	adjusted := stats.HolmBonferroni(pvalues)
	for i := range results {
		results[i].PAdjusted = adjusted[i]
		decide(&results[i], an[i])
	}
	return results
}

func analyze(in Input, summaryCI bool) (Result, analysis) {
	p := in.Policy.withDefaults()
	if in.BaseAgg != nil || in.HeadAgg != nil {
		return analyzeAggregates(in, p)
	}
	r := Result{Metric: in.Metric, Unit: in.Unit, Threshold: p.Threshold, PValue: 1}
	a := analysis{policy: p}
	if err := in.Validate(); err != nil {
		// Numbers computed from NaN would be garbage and could not be
		// written to JSON; the summaries stay zero.
		a.invalid = err
		r.RatioCI = stats.Interval{Level: p.Level}
		return r, a
	}

	resamples := p.Resamples
	if !summaryCI {
		resamples = 1
	}
	opts := []stats.Option{stats.Level(p.Level), stats.Resamples(resamples), stats.Seed(p.Seed)}
	// The same seed as a results file's Summarize (stats.DefaultSeed and
	// Policy's default agree), so with default settings a Result's
	// summaries equal the ones stored beside the raw samples.
	r.Base = stats.Summarize(in.Base, opts...)
	r.Head = stats.Summarize(in.Head, opts...)
	if !summaryCI {
		r.Base.MedianCI, r.Head.MedianCI = stats.Interval{}, stats.Interval{}
	}
	r.RatioCI, a.ratioErr = stats.RatioCI(in.Base, in.Head, p.Level, p.Resamples, p.Seed)
	if r.Base.P50 > 0 {
		r.DeltaPct = (r.Head.P50/r.Base.P50 - 1) * 100
	}
	if len(in.Base) > 0 && len(in.Head) > 0 {
		_, r.PValue = stats.MannWhitneyU(in.Base, in.Head)
	}
	r.Warnings = warnings(r, p)
	return r, a
}

// decide applies the decision rule in the package doc to a Result whose
// PAdjusted is set.
func decide(r *Result, a analysis) {
	if r.Aggregates {
		decideAggregates(r, a)
		return
	}
	p := a.policy
	r.Verdict = Inconclusive
	switch {
	case a.invalid != nil:
		r.Note = "invalid input: " + a.invalid.Error()
		return
	case r.Base.N < p.MinSamples || r.Head.N < p.MinSamples:
		r.Note = fmt.Sprintf("too few samples: base %d, head %d, policy needs %d per side", r.Base.N, r.Head.N, p.MinSamples)
		return
	case a.ratioErr != nil:
		if constantEqual(r.Base, r.Head) {
			r.Verdict, r.Note = Same, "every base and head sample is the same value"
			return
		}
		r.Note = "no ratio CI: " + a.ratioErr.Error()
		return
	}

	t := p.Threshold / 100
	ratio := r.Head.P50 / r.Base.P50
	ci := r.RatioCI
	up := ratio > 1+t && ci.Lo > 1   // clearly larger than base, by more than t
	down := ratio < 1-t && ci.Hi < 1 // clearly smaller than base, by more than t
	worse, better := up, down
	if p.Direction == HigherIsBetter {
		worse, better = down, up
	}
	significant := r.PAdjusted < p.Alpha
	change := fmt.Sprintf("median %+.1f%% (CI %+.1f%% … %+.1f%%), p=%.2g after Holm",
		r.DeltaPct, (ci.Lo-1)*100, (ci.Hi-1)*100, r.PAdjusted)

	switch {
	case significant && worse:
		r.Verdict, r.Note = Regressed, change
	case significant && better:
		r.Verdict, r.Note = Improved, change
	case ci.Lo >= 1-t && ci.Hi <= 1+t:
		r.Verdict, r.Note = Same, fmt.Sprintf("CI of ratio within ±%g%%: %s", p.Threshold, change)
	case (worse || better) && !significant:
		r.Note = fmt.Sprintf("change beyond ±%g%% but not significant (p=%.2g after Holm, alpha %g): %s",
			p.Threshold, r.PAdjusted, p.Alpha, change)
	case math.Abs(ratio-1) <= t:
		r.Note = fmt.Sprintf("change within ±%g%% but its CI reaches beyond: %s", p.Threshold, change)
	default:
		r.Note = fmt.Sprintf("CI of ratio straddles no-change or the threshold: %s", change)
	}
}

func constantEqual(a, b stats.Summary) bool {
	return a.N > 0 && b.N > 0 && a.Min == a.Max && b.Min == b.Max && a.Min == b.Min
}
