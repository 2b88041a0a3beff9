package stats

import (
	"math"
	"slices"
	"sync"

	mfstats "github.com/montanaflynn/stats"
)

// exactMaxN and exactMaxNTies are the largest sizes of both samples for
// which the exact null distribution of U is used, without and with ties:
// go-moremath's MannWhitneyExactLimit and MannWhitneyTiesExactLimit, the
// test benchstat runs, so that hive's p-values are benchstat's.
const (
	exactMaxN     = 50
	exactMaxNTies = 25
)

// MannWhitneyU is the two-sided Mann–Whitney U test (Wilcoxon rank-sum) of
// whether a and b come from the same distribution.
//
// u is the U statistic of a: the number of pairs (aᵢ, bⱼ) with aᵢ > bⱼ, ties
// counting ½. The p-value is computed as benchstat computes it
// (github.com/aclements/go-moremath/stats.MannWhitneyUTest, LocationDiffers:
// the same choice of method, the same exact distribution; a test holds the
// two to 1e-9 and names the one case where hive departs):
//
//   - exact, when both samples have at most 50 values and there are no
//     ties, or at most 25 and there are ties: p = min(1, 2·min(P(U ≤ u),
//     P(U ≥ u))) under the null, the permutation distribution of U given
//     the tie groups (each of the C(na+nb, na) assignments of the ranks to
//     a equally likely); p = 1 when every value is tied. Without ties this
//     is benchstat's 2·P(U ≤ min(u, na·nb − u)). With ties the null
//     distribution need not be symmetric, and there benchstat's reflected
//     tail can differ: it changes when a and b swap, and can exceed 1
//     (a = {1,1,1,2}, b = {1,2,2,2,2}: 0.333, swapped 0.079); hive doubles
//     the smaller tail of the observed u, which does neither;
//   - otherwise the normal approximation with tie correction and continuity
//     correction: σ² = na·nb/12 · (N+1 − Σ(t³−t)/(N(N−1))) over tie groups of
//     size t, z = (|u − na·nb/2| − ½)/σ, p = 2·(1 − Φ(z)). When every value
//     is tied (σ = 0) there is no evidence of a difference and p = 1.
//
// Empty or non-finite input returns NaN, NaN (call Validate first).
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
	var groups []int // tie group sizes, in rank order
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
		groups = append(groups, t)
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

	limit := exactMaxN
	if tieTerm != 0 {
		limit = exactMaxNTies
	}
	if allowExact && na <= limit && nb <= limit {
		if len(groups) == 1 {
			return u, 1
		}
		// Twice the smaller tail at the observed U. Without ties the null
		// distribution is symmetric about na·nb/2 and this is benchstat's
		// 2·P(U ≤ min(U, na·nb − U)); with ties it need not be symmetric,
		// and reflecting U would give a p-value that changes when a and b
		// swap (or exceeds 1).
		twoU := int(math.Round(2 * u))
		lo := exactCDF(na, nb, groups, twoU)
		hi := 1 - exactCDF(na, nb, groups, twoU-1)
		return u, math.Min(1, 2*math.Min(lo, hi))
	}

	nt := fa + fb
	sigma := math.Sqrt(fa * fb / 12 * ((nt + 1) - tieTerm/(nt*(nt-1))))
	if sigma == 0 || math.IsNaN(sigma) {
		return u, 1
	}
	z := (uMax - fa*fb/2 - 0.5) / sigma
	return u, math.Min(1, 2*mfstats.NormSf(z, 0, 1))
}

// exactCDF returns P(2U ≤ twoU) under the null for samples of sizes na and
// nb whose pooled values fall into tie groups of the given sizes (in rank
// order; all 1 without ties). Walking the groups in order, a group of t
// values of which k are a's, after j2 b's, adds k·(2·j2 + t − k) to 2U (each
// of its a's beats the j2 b's below and ties the t − k b's beside it) in
// C(t, k) ways. Every term is a non-negative count, so float64 sums lose
// nothing to cancellation; states past twoU are dropped, as 2U only grows.
func exactCDF(na, nb int, groups []int, twoU int) float64 {
	if twoU < 0 {
		return 0
	}
	if twoU >= 2*na*nb {
		return 1
	}
	if len(groups) == na+nb {
		return noTiesCDF(na, nb)[twoU/2]
	}
	return exactCDFGroups(na, nb, groups, twoU)
}

// exactCDFGroups is exactCDF by the walk over the tie groups.
func exactCDFGroups(na, nb int, groups []int, twoU int) float64 {
	if twoU >= 2*na*nb {
		return 1
	}
	// ways[j1][s]: assignments of the groups so far with j1 a's and 2U = s.
	ways := make([][]float64, na+1)
	next := make([][]float64, na+1)
	for j := range ways {
		ways[j] = make([]float64, twoU+1)
		next[j] = make([]float64, twoU+1)
	}
	ways[0][0] = 1
	before := 0
	for _, t := range groups {
		for j := range next {
			clear(next[j])
		}
		for j1 := 0; j1 <= min(na, before); j1++ {
			j2 := before - j1
			if j2 > nb {
				continue
			}
			for k := max(0, t-(nb-j2)); k <= min(t, na-j1); k++ {
				add := k * (2*j2 + t - k)
				c := binomial(t, k)
				row, dst := ways[j1], next[j1+k]
				for s := 0; s+add <= twoU; s++ {
					if row[s] != 0 {
						dst[s+add] += c * row[s]
					}
				}
			}
		}
		ways, next = next, ways
		before += t
	}
	total := 0.0
	for _, w := range ways[na] {
		total += w
	}
	return total / binomial(na+nb, na)
}

// noTiesCache holds the null CDF of U without ties per (na, nb): it
// depends on the sizes alone, and a gate compares many benchmarks of the
// same count. At most exactMaxN² entries of at most exactMaxN²+1 values.
var noTiesCache sync.Map // [2]int → []float64

// noTiesCDF returns cdf with cdf[u] = P(U ≤ u) for u = 0..na·nb, from
// the recurrence over the largest value: it is an a (adding nb to U) or a
// b, f(m, n, u) = f(m−1, n, u−n) + f(m, n−1, u), counted in float64 (sums of
// non-negative terms only).
func noTiesCDF(na, nb int) []float64 {
	key := [2]int{na, nb}
	if c, ok := noTiesCache.Load(key); ok {
		return c.([]float64)
	}
	// f[m] is the count vector for (m, n) as n grows from 0 to nb.
	f := make([][]float64, na+1)
	for m := range f {
		f[m] = make([]float64, m*nb+1)
	}
	for m := range f {
		clear(f[m])
		f[m][0] = 1 // n = 0: U = 0 in the one ordering
	}
	for n := 1; n <= nb; n++ {
		// f(m, n) from f(m−1, n) (already updated: row m−1) and f(m, n−1)
		// (row m, not yet updated): in place, m ascending.
		for m := 1; m <= na; m++ {
			prev := f[m-1]
			row := f[m]
			for u := min(m*n, len(row)-1); u >= n; u-- {
				row[u] += prev[u-n]
			}
		}
	}
	counts := f[na]
	cdf := make([]float64, len(counts))
	total := binomial(na+nb, na)
	sum := 0.0
	for u, c := range counts {
		sum += c
		cdf[u] = min(sum/total, 1)
	}
	noTiesCache.Store(key, cdf)
	return cdf
}

// binomial is C(n, k) in float64: exact while it fits in 53 bits, and to
// within a few ulps beyond.
func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
