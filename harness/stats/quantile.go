package stats

import (
	"math"
	"slices"
)

// QuantileSorted is the type-7 quantile (see the package doc) of sorted,
// which must be in ascending order, at fraction q in [0, 1]; NaN when sorted
// is empty. montanaflynn/stats.Percentile computes the same value but copies
// and sorts its input on every call; a Summary needs five quantiles of one
// sorted slice, so it sorts once and uses this, and so can any caller that
// needs a percentile the Summary does not hold (p99.9, say).
func QuantileSorted(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	k := int(h)
	if k >= n-1 {
		return sorted[n-1]
	}
	f := h - float64(k)
	lo, hi := sorted[k], sorted[k+1]
	if f == 0 || lo == hi {
		return lo
	}
	// Weighting the endpoints separately keeps the result finite when hi-lo
	// would overflow.
	if d := hi - lo; !math.IsInf(d, 0) {
		return lo + f*d
	}
	return (1-f)*lo + f*hi
}

// Median is the middle value of xs, or the mean of the two middle values
// (a+b)/2 when len(xs) is even; NaN when xs is empty. It does not modify xs.
// It is P50 in exact arithmetic, but rounds differently from QuantileSorted's
// interpolation in the last bit (see the package doc), so it is for callers
// that want the median alone, not for recomputing a Summary's P50.
func Median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// madSorted is the median of |x − med| for sorted x whose median is med.
// The deviations of a sorted slice are two sorted runs meeting at the median
// (falling to its left, rising to its right), so the k-th smallest deviation
// is found by walking outwards from the middle, taking the smaller side each
// step: O(n), no allocation, input untouched.
func madSorted(sorted []float64, med float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	// r is the first index with sorted[r] >= med; l walks left from r-1.
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if sorted[m] < med {
			lo = m + 1
		} else {
			hi = m
		}
	}
	r := lo
	l := r - 1

	next := func() float64 {
		var d float64
		switch {
		case l < 0:
			d = sorted[r] - med
			r++
		case r >= n:
			d = med - sorted[l]
			l--
		case med-sorted[l] <= sorted[r]-med:
			d = med - sorted[l]
			l--
		default:
			d = sorted[r] - med
			r++
		}
		return d
	}

	// The median of n deviations is the ((n+1)/2)-th smallest for odd n and
	// the mean of the (n/2)-th and (n/2+1)-th for even n.
	var d float64
	for range (n + 1) / 2 {
		d = next()
	}
	if n%2 == 1 {
		return d
	}
	return (d + next()) / 2
}

// selectK partially orders a so that a[k] holds the value it would hold if
// a were sorted, everything before it is <= a[k] and everything after is >=.
// Three-way partitioning keeps it linear on the heavily repeated values that
// bootstrap medians of small samples produce.
func selectK(a []float64, k int) {
	lo, hi := 0, len(a)-1
	for lo < hi {
		// Median of three as the pivot avoids quadratic behaviour on the
		// sorted and reverse-sorted runs bootstrap output often contains.
		mid := int(uint(lo+hi) >> 1)
		x, y, z := a[lo], a[mid], a[hi]
		pivot := y
		if (x <= y) == (y <= z) {
			pivot = y
		} else if (y <= x) == (x <= z) {
			pivot = x
		} else {
			pivot = z
		}
		// Dutch national flag: [lo,lt) < pivot, [lt,i) == pivot, (gt,hi] > pivot.
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch v := a[i]; {
			case v < pivot:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case v > pivot:
				a[i], a[gt] = a[gt], a[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
}

// quantileUnsorted is QuantileSorted on unsorted a, reordering a in place
// with two selections instead of a full sort.
func quantileUnsorted(a []float64, q float64) float64 {
	n := len(a)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	k := int(h)
	if k >= n-1 {
		selectK(a, n-1)
		return a[n-1]
	}
	selectK(a, k)
	f := h - float64(k)
	lo := a[k]
	if f == 0 {
		return lo
	}
	// After selectK, a[k+1:] holds the values above rank k; the smallest of
	// them is the value of rank k+1.
	hi := a[k+1]
	for _, v := range a[k+2:] {
		if v < hi {
			hi = v
		}
	}
	if lo == hi {
		return lo
	}
	if d := hi - lo; !math.IsInf(d, 0) {
		return lo + f*d
	}
	return (1-f)*lo + f*hi
}
