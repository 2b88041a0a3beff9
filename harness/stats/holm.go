package stats

import (
	"cmp"
	"math"
	"slices"
)

// HolmBonferroni returns Holm's step-down adjusted p-values, in the order of
// pvalues. With the m p-values sorted ascending as p₍₁₎ ≤ … ≤ p₍ₘ₎,
// adj₍ᵢ₎ = min(1, max_{j≤i} (m−j+1)·p₍ⱼ₎): monotone in the raw p-value and
// capped at 1. Rejecting where adj < α controls the family-wise error rate
// at α for any dependence between the tests, which is why a gate comparing
// many metrics at once uses it: without it, ten metrics at α = 0.05 raise a
// false alarm on four comparisons in ten.
//
// A NaN p-value counts as a test that found nothing (p = 1): it still counts
// towards m, which keeps the adjustment conservative.
func HolmBonferroni(pvalues []float64) []float64 {
	m := len(pvalues)
	adj := make([]float64, m)
	if m == 0 {
		return adj
	}
	p := func(i int) float64 {
		if v := pvalues[i]; !math.IsNaN(v) {
			return v
		}
		return 1
	}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	// Stable, so equal p-values keep their input order and the result does
	// not depend on the sort's implementation.
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(p(x), p(y)) })
	running := 0.0
	for rank, i := range order {
		v := math.Min(1, float64(m-rank)*p(i))
		running = math.Max(running, v)
		adj[i] = running
	}
	return adj
}
