// Package stats turns raw benchmark samples into the numbers hive stores and
// decides on: descriptive summaries, bootstrap confidence intervals,
// distribution-free confidence bounds on percentiles, the Mann–Whitney U
// test and Holm–Bonferroni adjustment.
//
// It builds on github.com/montanaflynn/stats (mean, standard deviation, the
// normal distribution) and adds what that library lacks: percentiles on data
// that is already sorted (so a summary sorts once), the bootstrap, the
// Mann–Whitney test and multiple-comparison adjustment.
//
// # Using it
//
//	if err := stats.Validate(samples); err != nil { ... } // NaN or ±Inf: reject the input
//	s := stats.Summarize(samples)                           // N, percentiles, MAD, median CI, outliers
//	ci := stats.BootstrapRatioCI(base, head, 0.95, 2000, 1) // CI of median(head)/median(base)
//	u, p := stats.MannWhitneyU(base, head)
//	adj := stats.HolmBonferroni([]float64{p1, p2, p3})
//	b := stats.BoundQuantile(samples, 0.99, 0.95)           // one-sided bounds on the true p99
//
// Every function is deterministic: randomness comes from a PCG generator
// seeded by the caller (Summarize defaults to DefaultSeed), so the same input
// and seed give the same interval on every machine, and a stored result can
// be recomputed exactly from its raw samples.
//
// # Definitions (what a reader of a results file needs to know)
//
// Percentiles use linear interpolation between closest ranks (Hyndman & Fan
// type 7, the default of R, NumPy and Excel PERCENTILE.INC): for sorted x of
// length n and fraction q, h = q·(n−1); the percentile is
// x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). P50 is therefore the usual median
// (the mean of the two middle values when n is even). This is the same
// definition as montanaflynn/stats.Percentile; the tests check they agree.
// QuantileSorted exposes it for percentiles a Summary does not hold.
//
// Median, for callers that need the middle value alone (a change point's
// level, the noise of a suite, a plot's marker), is x[(n−1)/2] for odd n and
// (x[n/2−1] + x[n/2])/2 for even n, the textbook formula. That is P50 in exact
// arithmetic, but the interpolation above computes x[k] + 0.5·(x[k+1] − x[k])
// and the two round differently in the last bit for about one pair in ten, so
// a Summary's P50 and Median of the same samples may differ by one ulp. The
// MAD below takes the median of the deviations with the textbook formula.
//
// Stddev is the sample standard deviation (n−1 denominator); it is 0 for n=1.
// MAD is the median of |x − median|, unscaled; multiply by 1.4826 for a
// consistent estimate of σ under normal noise.
//
// Outliers are flagged, never dropped: a sample is an outlier when its
// modified z-score |x − median| / (1.4826·MAD) exceeds 3.5 (Iglewicz and
// Hoaglin). When MAD is 0 (more than half the samples are equal) the scale
// falls back to 1.2533·(mean absolute deviation from the median); when that is
// 0 too, every sample equals the median and none is an outlier.
//
// The median CI is a percentile bootstrap: the median is recomputed on
// resamples (default 2,000) drawn with replacement, and the interval is the
// (1−level)/2 and (1+level)/2 type-7 percentiles of those medians. The
// resample median is drawn from its exact distribution instead of by
// materialising each resample (see bootstrap.go): the interval has the same
// distribution as the textbook algorithm but costs O(resamples) rather than
// O(resamples·n), which is what lets Summarize on 10,000 samples stay fast.
//
// # Bad input
//
// Samples must be finite. Summarize on input containing NaN or ±Inf returns
// the zero Summary (N = 0) rather than numbers computed from garbage (and NaN
// cannot be written to JSON anyway); Validate says which sample is wrong.
// MannWhitneyU returns NaN, NaN for empty or non-finite input;
// BootstrapRatioCI returns an interval with Lo = Hi = 0 when the ratio is
// undefined. Callers that accept outside data call Validate first.
package stats
