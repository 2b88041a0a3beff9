package history

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/hiveperf/hive/harness/stats"
)

// Detector finds change points with E-Divisive with means (Matteson & James,
// "A Nonparametric Approach for Multiple Change Point Analysis of
// Multivariate Data", JASA 2014), the detector MongoDB's CI runs over its
// performance history. Its fields are the parameters every report states.
type Detector struct {
	// MinSize is the fewest points a segment may have on either side of a
	// change point. Two is the least the energy statistic is defined for;
	// three keeps one outlier run from being called a step.
	MinSize int
	// Permutations is the number of random permutations of a segment in
	// the significance test; the smallest attainable p-value is
	// 1/(Permutations+1).
	Permutations int
	// Alpha is the significance level: a candidate is kept when its
	// permutation p-value is at most Alpha. Each accepted point costs one
	// more test, so Alpha bounds the false-positive rate per series of the
	// first test, which is what a flat series ever reaches.
	Alpha float64
	// Seed makes the permutations, and so the output, reproducible.
	Seed uint64
}

// DefaultDetector is what hivebench history uses.
var DefaultDetector = Detector{MinSize: 3, Permutations: 199, Alpha: 0.05, Seed: 1}

// String states the parameters, for reports.
func (d Detector) String() string {
	return fmt.Sprintf("E-Divisive means (energy statistic, exponent 1), min segment %d, %d permutations, alpha %.2f, seed %d",
		d.MinSize, d.Permutations, d.Alpha, d.Seed)
}

// ChangePoint is a point where the series' distribution changed: values
// from Index on belong to a new segment.
type ChangePoint struct {
	Index int
	// Q is the energy statistic of the split (larger is a clearer step).
	Q float64
	// P is the permutation p-value of the split.
	P float64
	// Before and After are the medians of the segments either side (each
	// bounded by the neighbouring change points); StepPct is their change
	// in percent of Before (0 when Before is 0).
	Before, After, StepPct float64
}

// Detect returns the change points of xs in index order. The search is
// hierarchical: of all current segments the one with the strongest split
// is tested; a significant split is kept and the search goes on, the first
// insignificant one ends it.
func (d Detector) Detect(xs []float64) ([]ChangePoint, error) {
	if d.MinSize < 2 {
		return nil, fmt.Errorf("change points: MinSize %d must be at least 2", d.MinSize)
	}
	if d.Permutations < 1 {
		return nil, fmt.Errorf("change points: Permutations %d must be at least 1", d.Permutations)
	}
	if !(d.Alpha > 0 && d.Alpha < 1) {
		return nil, fmt.Errorf("change points: Alpha %v must be between 0 and 1", d.Alpha)
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("change points: value %d is %v; expected a finite number", i, x)
		}
	}
	// Segment boundaries: segment k is xs[bounds[k]:bounds[k+1]].
	bounds := []int{0, len(xs)}
	var found []ChangePoint
	for {
		best, bestQ, bestSeg := -1, math.Inf(-1), -1
		for k := 0; k+1 < len(bounds); k++ {
			tau, q := d.bestSplit(xs[bounds[k]:bounds[k+1]])
			if tau >= 0 && q > bestQ {
				best, bestQ, bestSeg = bounds[k]+tau, q, k
			}
		}
		if best < 0 {
			break
		}
		seg := xs[bounds[bestSeg]:bounds[bestSeg+1]]
		p := d.permutationP(seg, bestQ, uint64(bounds[bestSeg]))
		if p > d.Alpha {
			break
		}
		found = append(found, ChangePoint{Index: best, Q: bestQ, P: p})
		bounds = append(bounds, best)
		sort.Ints(bounds)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Index < found[j].Index })
	for i := range found {
		lo, hi := 0, len(xs)
		if i > 0 {
			lo = found[i-1].Index
		}
		if i+1 < len(found) {
			hi = found[i+1].Index
		}
		c := &found[i]
		c.Before, c.After = stats.Median(xs[lo:c.Index]), stats.Median(xs[c.Index:hi])
		if c.Before != 0 {
			c.StepPct = (c.After - c.Before) / math.Abs(c.Before) * 100
		}
	}
	return found, nil
}

// permutationP is the share of random permutations of seg whose best split
// is at least as strong as q, counting the observed order as one of them
// (so p is never 0). The generator is seeded from the detector's seed and
// the segment's offset, so every segment draws its own reproducible stream.
func (d Detector) permutationP(seg []float64, q float64, offset uint64) float64 {
	rng := rand.New(rand.NewPCG(d.Seed, offset))
	perm := append([]float64(nil), seg...)
	atLeast := 0
	for range d.Permutations {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		if _, pq := d.bestSplit(perm); pq >= q {
			atLeast++
		}
	}
	return float64(atLeast+1) / float64(d.Permutations+1)
}

// bestSplit returns the split tau (first index of the right part) that
// maximizes the scaled energy statistic
//
//	Q(tau) = tau(n-tau)/n * (2/(tau(n-tau)) Σ|x_i-y_j| - 1/C(tau,2) Σ|x_i-x_k| - 1/C(n-tau,2) Σ|y_j-y_k|)
//
// over tau in [MinSize, n-MinSize], or -1 when the segment is too short.
// The three sums are updated as tau moves, so a segment costs O(n²).
func (d Detector) bestSplit(seg []float64) (int, float64) {
	n := len(seg)
	if n < 2*d.MinSize {
		return -1, 0
	}
	// Sums for tau = 0: everything is on the right.
	var left, right, cross float64
	for j := 0; j < n; j++ {
		for k := j + 1; k < n; k++ {
			right += math.Abs(seg[j] - seg[k])
		}
	}
	bestTau, bestQ := -1, math.Inf(-1)
	for tau := 0; tau < n-d.MinSize; tau++ {
		// Move seg[tau] from the right part to the left part.
		var toLeft, toRight float64
		for i := 0; i < tau; i++ {
			toLeft += math.Abs(seg[i] - seg[tau])
		}
		for j := tau + 1; j < n; j++ {
			toRight += math.Abs(seg[tau] - seg[j])
		}
		left += toLeft
		right -= toRight
		cross += toRight - toLeft
		t := tau + 1 // size of the left part
		if t < d.MinSize {
			continue
		}
		m := n - t
		between := 2 * cross / float64(t*m)
		within := left/float64(t*(t-1)/2) + right/float64(m*(m-1)/2)
		q := float64(t*m) / float64(n) * (between - within)
		if q > bestQ {
			bestTau, bestQ = t, q
		}
	}
	return bestTau, bestQ
}
