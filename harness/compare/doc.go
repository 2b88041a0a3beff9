// Package compare decides, metric by metric, whether a head run regressed
// against a base run, and drives the adaptive sampling the gate uses to get
// there. It fails CI on real regressions and, by construction and by
// simulation, not on noise.
//
// # Using it
//
//	r := compare.Compare("startup", "ms", base, head, compare.Policy{Threshold: 5})
//	rs := compare.CompareAll(inputs)             // many metrics: Holm across them
//	rs, err := compare.Sequential{}.Run(ctx, measure) // the gate: sample until decided
//	ok := compare.Pass(rs)                       // false iff some metric regressed
//
// Each Result carries both sides' summaries, the bootstrap CI of
// median(head)/median(base), the raw and Holm-adjusted Mann–Whitney p-values,
// the verdict, a Note saying why in words, and Warnings about the data
// (few samples, outliers, mismatched or high noise) that never change the
// verdict.
//
// # The decision rule
//
// With T the policy's threshold (default 5%), α its alpha (default 0.01),
// ratio = median(head)/median(base), [lo, hi] its bootstrap CI (default 95%)
// and p the Mann–Whitney p-value after Holm–Bonferroni across all metrics of
// the comparison, for a metric where lower is better:
//
//   - regressed when p < α, lo > 1 and ratio > 1 + T: the change is
//     statistically significant (the test and the CI both exclude no change)
//     and practically significant (the best estimate exceeds the threshold);
//   - improved, symmetrically, when p < α, hi < 1 and ratio < 1 − T;
//   - same when the whole CI lies within [1 − T, 1 + T]: any change is
//     smaller than the threshold, with 95% confidence;
//   - inconclusive otherwise, or with fewer than MinSamples (default 10)
//     samples per side, or invalid input. The gate then takes more samples.
//
// Higher-is-better metrics swap the two directions. Regressed is checked
// before same, so a significant change under the threshold is same and a
// significant change over it is regressed.
//
// This is asv's rule (a ratio beyond a factor and a significant test), not
// the stricter "the whole CI lies beyond 1 + T". Both meet the false-alarm
// bound; the strict rule needs two to three times the samples for the same
// detection (measured, 500 trials: it detects +10% 98%, 99.6% and 98.2% of
// the time only at n = 20, 80 and 240 per side at CV 3%, 5% and 10%, where
// this rule does at 10, 20 and 80), which a
// ten-minute gate cannot afford for its slower metrics. It also confirms less:
// "the change is at least T" where ours says "the change is real and
// probably about T or more".
//
// # The rule for aggregates
//
// A side without raw samples (an aggregate-only import such as k6's
// --summary-export: Input.BaseAgg or HeadAgg) cannot be re-tested, and a
// mean or a standard deviation says nothing distribution-free about a
// change. What min, max and the count can show honestly is complete
// separation, the Mann–Whitney test's most extreme outcome: under no change
// the chance that all m head values lie beyond all n base values is
// 1/C(m+n, m), twice that two-sided. So, with the other side reduced to the
// same figures when it has samples, for a metric where lower is better:
//
//   - regressed when min(head) > max(base)·(1 + T) and 2/C(m+n, m), after
//     Holm–Bonferroni with the other metrics, is below α: every head value
//     is worse than every base value by more than the threshold, and that
//     is unlikely to be chance for these counts;
//   - improved, symmetrically, when max(head) < min(base)·(1 − T);
//   - inconclusive otherwise: overlapping ranges hide any change smaller
//     than the spread, and aggregates cannot show one. Never same, because
//     no CI says the change is small. Inconclusive also when a count was not
//     reported (k6's summary has none unless --summary-trend-stats asks
//     for count): then no test is possible at all, and the result has
//     N = 0, which the gate counts as not compared. Fewer than MinSamples
//     per side is inconclusive too.
//
// The Result says so: Aggregates is true, a warning says the verdict rests
// on aggregates, the Note gives both ranges, there is no ratio CI, and
// PValue is that of complete separation (1 when the ranges overlap).
// This rule is far less sensitive than the one for samples (with 30 runs a
// side a 10% change in the median rarely separates the ranges); that is the
// price of not keeping samples, and it never calls noise a regression.
//
// # Sequential sampling and what inconclusive means for the gate
//
// Sequential.Run measures Initial (default 10) samples per side, compares,
// and doubles the samples of the inconclusive metrics until every metric is
// decided or Max (default 160) is reached: looks at 10, 20, 40, 80 and 160.
// Each look is another chance for noise to pass the test, so the procedure
// divides α evenly over its looks (0.01/5 per look by default). Measured at
// 10% CV: α 0.01 at every look gave 1.1% false alarms (α 0.05, 3.5%); split,
// 0.01 overall gives 0.1%. Even split, α 0.05 gave 0.8–1.4% false regressions
// or improvements across seeds, at or over the 1% bound, which is why the
// default α is 0.01 and not benchstat's 0.05.
//
// A metric still inconclusive at the cap passes, with a warning on its
// Result saying so. Inconclusive means "we could not tell within the
// budget", typically because the metric is noisier than its threshold; a
// gate that failed on it would fail on noise, which is exactly what it must
// not do. The warning keeps it visible; lowering the metric's noise or
// raising its threshold resolves it.
//
// # Measured rates
//
// From Simulate and SimulateSequential (log-normal noise, one metric, 1,000
// trials per cell; tests hold these to ≤ 1% and ≥ 95%):
//
//	single comparison      CV 3%, n=10   CV 5%, n=20   CV 10%, n=80
//	  false alarm          0.0%          0.1%          0.0%
//	  detects +10%         99.6%         98.9%         99.1%
//
//	sequential 10…160      CV 3%         CV 5%         CV 10%
//	  false alarm          0.0%          0.0%          0.1%
//	  detects +10%         100%          100%          100%
//	  mean n, identical    13            34            127
//	  mean n, +10%         10            15            41
//
// Other seeds move these by their binomial noise (single comparison at
// CV 10%: up to 0.4% false alarms, 98.8% detection). The 10% CV column is
// the expensive one: with 10% noise a 10% change needs ~40 samples per side
// on average and up to 160; at 3–5% CV, 10–15.
//
// With several metrics, Holm makes each one more conservative still (its
// false alarms can only fall; a real regression needs a smaller p).
package compare
