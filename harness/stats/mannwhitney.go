package stats

import (
	"math"
	"slices"

	mfstats "github.com/montanaflynn/stats"
)

// exactMaxSmall is the largest size of the smaller sample for which the exact
// null distribution of U is used (when there are no ties). It matches SciPy's
// method="auto" (exact when a sample has at most 8 values and there are no
// ties), so hive's p-values can be checked against scipy.stats.mannwhitneyu.
const exactMaxSmall = 8

// exactMaxCount bounds C(na+nb, min(na,nb)) for the exact method: the
// distribution is counted in int64, and intermediate coefficients are at
// most this count in absolute value.
const exactMaxCount = 1 << 62

// MannWhitneyU is the two-sided Mann–Whitney U test (Wilcoxon rank-sum) of
// whether a and b come from the same distribution.
//
// u is the U statistic of a: the number of pairs (aᵢ, bⱼ) with aᵢ > bⱼ, ties
// counting ½ (SciPy's U1 for x=a). The p-value is:
//
//   - exact, when there are no ties and the smaller sample has at most 8
//     values: p = min(1, 2·P(U ≥ max(u, na·nb − u))) under the null, counted
//     from the Gaussian binomial coefficient [na+nb choose na]_q;
//   - otherwise the normal approximation with tie correction and continuity
//     correction: σ² = na·nb/12 · (N+1 − Σ(t³−t)/(N(N−1))) over tie groups of
//     size t, z = (|u − na·nb/2| − ½)/σ, p = min(1, 2·(1 − Φ(z))). When every
//     value is tied (σ = 0) there is no evidence of a difference and p = 1.
//
// These are SciPy's method="auto" choices, so results match
// scipy.stats.mannwhitneyu(a, b, alternative="two-sided"). Empty or
// non-finite input returns NaN, NaN (call Validate first).
func MannWhitneyU(a, b []float64) (u float64, p float64) {
	return mannWhitney(a, b, true)
}

// mannWhitney is MannWhitneyU; allowExact false forces the normal
// approximation, so tests can check it against published asymptotic values.
func mannWhitney(a, b []float64, allowExact bool) (u float64, p float64) {
	na, nb := len(a), len(b)
	if na == 0 || nb == 0 || Validate(a) != nil || Validate(b) != nil {
		return math.NaN(), math.NaN()
	}
	sa := slices.Clone(a)
	slices.Sort(sa)
	sb := slices.Clone(b)
	slices.Sort(sb)

	// Walk the two sorted samples together, one tie group at a time: the
	// group occupies ranks r+1..r+t and each member gets their mean.
	var rankSumA, tieTerm float64
	i, j, r := 0, 0, 0
	for i < na || j < nb {
		var v float64
		switch {
		case j >= nb || (i < na && sa[i] <= sb[j]):
			v = sa[i]
		default:
			v = sb[j]
		}
		ca, cb := 0, 0
		for i < na && sa[i] == v {
			i++
			ca++
		}
		for j < nb && sb[j] == v {
			j++
			cb++
		}
		t := ca + cb
		rankSumA += float64(ca) * (float64(r) + float64(t+1)/2)
		if t > 1 {
			ft := float64(t)
			tieTerm += ft*ft*ft - ft
		}
		r += t
	}

	fa, fb := float64(na), float64(nb)
	u = rankSumA - fa*(fa+1)/2
	uMax := math.Max(u, fa*fb-u)

	if allowExact && tieTerm == 0 && min(na, nb) <= exactMaxSmall {
		if sf, ok := exactUpperTail(na, nb, int(math.Round(uMax))); ok {
			return u, math.Min(1, 2*sf)
		}
	}

	nt := fa + fb
	sigma := math.Sqrt(fa * fb / 12 * ((nt + 1) - tieTerm/(nt*(nt-1))))
	if sigma == 0 || math.IsNaN(sigma) {
		return u, 1
	}
	z := (uMax - fa*fb/2 - 0.5) / sigma
	return u, math.Min(1, 2*mfstats.NormSf(z, 0, 1))
}

// exactUpperTail returns P(U ≥ k) under the null for sample sizes na, nb
// without ties. The number of orderings with U = k is the coefficient of q^k
// in [na+nb choose m]_q = ∏_{i=1..m} (1 − q^{n+i}) / (1 − q^i), with m the
// smaller and n the larger size; every intermediate product is itself a
// Gaussian binomial, so the int64 arithmetic is exact. ok is false when
// C(na+nb, m) is too large to count in int64.
func exactUpperTail(na, nb, k int) (sf float64, ok bool) {
	m, n := min(na, nb), max(na, nb)
	total := binomial(m+n, m)
	if total >= exactMaxCount {
		return 0, false
	}
	c := make([]int64, m*n+m+1)
	c[0] = 1
	deg := 0
	for i := 1; i <= m; i++ {
		// Multiply by (1 − q^{n+i}), from the top so each term is read
		// before it is overwritten.
		s := n + i
		for d := deg + s; d >= s; d-- {
			c[d] -= c[d-s]
		}
		deg += s
		// Divide by (1 − q^i): b[d] = a[d] + b[d−i].
		for d := i; d <= deg-i; d++ {
			c[d] += c[d-i]
		}
		for d := deg - i + 1; d <= deg; d++ {
			c[d] = 0
		}
		deg -= i
	}
	if k <= 0 {
		return 1, true
	}
	var tail int64
	for d := k; d <= deg; d++ {
		tail += c[d]
	}
	return float64(tail) / float64(total), true
}

// binomial is C(n, k) in float64, exact while it fits in 53 bits and close
// enough beyond that to compare against exactMaxCount.
func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
