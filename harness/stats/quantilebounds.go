package stats

import (
	"math"
	"slices"
)

// QuantileBounds are one-sided confidence bounds on a population quantile,
// from order statistics of the samples: with probability at least Level the
// true quantile is at least Lo, and, separately, at most Hi. They assume
// nothing about the distribution, only independent samples (Hahn & Meeker,
// "Statistical Intervals", §5.2).
//
// A bound that so few samples cannot give is unknown: 300 samples give an
// upper 95% bound on the p99 (their maximum) and nothing tighter, 100 give
// none (the p99 could lie above every sample with probability 0.37).
type QuantileBounds struct {
	Q     float64 `json:"q"`
	Level float64 `json:"level"`
	Lo    float64 `json:"lo"`
	LoOK  bool    `json:"lo_known"`
	Hi    float64 `json:"hi"`
	HiOK  bool    `json:"hi_known"`
}

// BoundQuantile returns the one-sided bounds at level (e.g. 0.95) on the
// q-quantile (0 < q < 1) of the population that samples came from. samples
// is not modified.
//
// Hi is the k-th smallest sample for the smallest k with
// P(Binomial(n, q) ≤ k−1) ≥ level: the k-th order statistic lies at or
// above the quantile exactly when at most k−1 samples fall below it. Lo is
// the j-th smallest for the largest j with P(Binomial(n, q) ≥ j) ≥ level.
func BoundQuantile(samples []float64, q, level float64) QuantileBounds {
	b := QuantileBounds{Q: q, Level: level}
	n := len(samples)
	if n == 0 || !(q > 0 && q < 1) || !(level > 0 && level < 1) {
		return b
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	cdf := binomialCDF(n, q)
	// cdf[i] = P(Binomial(n, q) ≤ i), i = 0..n.
	for k := 1; k <= n; k++ {
		if cdf[k-1] >= level {
			b.Hi, b.HiOK = sorted[k-1], true
			break
		}
	}
	for j := n; j >= 1; j-- {
		// P(Binomial ≥ j) = 1 − P(Binomial ≤ j−1).
		if 1-cdf[j-1] >= level {
			b.Lo, b.LoOK = sorted[j-1], true
			break
		}
	}
	return b
}

// binomialCDF returns P(Binomial(n, p) ≤ i) for i = 0..n, summing the
// probabilities in log space (lgamma), so that large n does not underflow
// the first terms to zero and lose the rest with them.
func binomialCDF(n int, p float64) []float64 {
	out := make([]float64, n+1)
	lnN1, _ := math.Lgamma(float64(n + 1))
	lp, lq := math.Log(p), math.Log1p(-p)
	sum := 0.0
	for i := 0; i <= n; i++ {
		li, _ := math.Lgamma(float64(i + 1))
		lni, _ := math.Lgamma(float64(n - i + 1))
		sum += math.Exp(lnN1 - li - lni + float64(i)*lp + float64(n-i)*lq)
		out[i] = min(sum, 1)
	}
	return out
}
