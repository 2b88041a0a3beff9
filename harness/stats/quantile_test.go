package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	mfstats "github.com/montanaflynn/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuantileSortedKnownValues(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		q      float64
		want   float64
	}{
		// h = q·(n−1); value = x[⌊h⌋] + frac(h)·(x[⌊h⌋+1] − x[⌊h⌋]).
		{"median of even n is the mean of the middle two", []float64{1, 2, 3, 4}, 0.5, 2.5},
		{"p90 of 1..4: h=2.7 → 3+0.7", []float64{1, 2, 3, 4}, 0.9, 3.7},
		{"p95 of 1..4: h=2.85", []float64{1, 2, 3, 4}, 0.95, 3.85},
		{"p99 of 1..4: h=2.97", []float64{1, 2, 3, 4}, 0.99, 3.97},
		{"p40 of the Wikipedia example: h=1.6 → 20+0.6·15", []float64{15, 20, 35, 40, 50}, 0.4, 29},
		{"median of odd n is the middle value", []float64{15, 20, 35, 40, 50}, 0.5, 35},
		{"q=0 is the minimum", []float64{15, 20, 35, 40, 50}, 0, 15},
		{"q=1 is the maximum", []float64{15, 20, 35, 40, 50}, 1, 50},
		{"one value is every quantile", []float64{7}, 0.99, 7},
		{"ties interpolate to the tied value", []float64{1, 3, 3, 3, 9}, 0.6, 3},
		{"no overflow between huge endpoints", []float64{-math.MaxFloat64, math.MaxFloat64}, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, QuantileSorted(tt.sorted, tt.q), 1e-12)
			assert.InDelta(t, tt.want, quantileUnsorted(slices.Clone(tt.sorted), tt.q), 1e-12)
		})
	}
	assert.True(t, math.IsNaN(QuantileSorted(nil, 0.5)))
	assert.True(t, math.IsNaN(quantileUnsorted(nil, 0.5)))
}

// The library's Percentile is the reference for the type-7 definition; ours
// differs only in working on data sorted once.
func TestQuantileAgreesWithMontanaflynnPercentile(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 300 {
		n := 1 + trial%40
		x := make([]float64, n)
		for i := range x {
			// Round to a coarse grid so ties are common.
			x[i] = math.Round(r.NormFloat64()*4) / 2
		}
		sorted := slices.Clone(x)
		slices.Sort(sorted)
		for _, pct := range []float64{1, 10, 25, 50, 75, 90, 95, 99, 100} {
			want, err := mfstats.Percentile(x, pct)
			require.NoError(t, err)
			assert.InDelta(t, want, QuantileSorted(sorted, pct/100), 1e-12, "n=%d p%v", n, pct)
			assert.InDelta(t, want, quantileUnsorted(slices.Clone(x), pct/100), 1e-12, "n=%d p%v", n, pct)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		{"odd n is the middle value", []float64{9, 1, 5}, 5},
		{"even n is the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"one value", []float64{7}, 7},
		{"ties", []float64{3, 1, 3, 3}, 3},
		// (a+b)/2 rounds to …234, the interpolation a+0.5·(b−a) to …235:
		// Median keeps the textbook formula its callers always used.
		{"textbook rounding", []float64{890.2654857552745, 163.87541502137225}, 527.0704503883234},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.x)
			assert.Equal(t, tt.want, Median(in))
			assert.Equal(t, tt.x, in, "Median must not modify its input")
		})
	}
	assert.True(t, math.IsNaN(Median(nil)))
	assert.Equal(t, 527.0704503883235, QuantileSorted([]float64{163.87541502137225, 890.2654857552745}, 0.5),
		"the package doc says the interpolation rounds differently; if this changes, change the doc")
}

func TestMADKnownValues(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		// median 2; |x−2| = 1,1,0,0,2,4,7 → sorted 0,0,1,1,2,4,7 → 1
		{"odd n", []float64{1, 1, 2, 2, 4, 6, 9}, 1},
		// median 3.5; |x−3.5| = 3.5,1.5,1.5,2.5 → sorted 1.5,1.5,2.5,3.5 → 2
		{"even n", []float64{0, 2, 5, 6}, 2},
		{"one value", []float64{4}, 0},
		{"all equal", []float64{3, 3, 3, 3}, 0},
		// median 5; |x−5| = 4,3,0,1,95 → sorted 0,1,3,4,95 → 3: robust to the 100
		{"outlier does not move it", []float64{1, 2, 5, 6, 100}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sorted := slices.Clone(tt.x)
			slices.Sort(sorted)
			assert.InDelta(t, tt.want, madSorted(sorted, QuantileSorted(sorted, 0.5)), 1e-12)
		})
	}
}

func TestMADAgreesWithMontanaflynn(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for trial := range 300 {
		n := 1 + trial%50
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Round(math.Exp(r.NormFloat64())*8) / 4
		}
		want, err := mfstats.MedianAbsoluteDeviation(x)
		require.NoError(t, err)
		sorted := slices.Clone(x)
		slices.Sort(sorted)
		assert.InDelta(t, want, madSorted(sorted, QuantileSorted(sorted, 0.5)), 1e-12, "x=%v", x)
	}
}

func TestSelectKPlacesTheKthValue(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	inputs := map[string]func(n int) []float64{
		"random": func(n int) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = r.Float64()
			}
			return x
		},
		"sorted": func(n int) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(i)
			}
			return x
		},
		"reversed": func(n int) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(n - i)
			}
			return x
		},
		"few distinct": func(n int) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(r.IntN(3))
			}
			return x
		},
	}
	for name, gen := range inputs {
		t.Run(name, func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 10, 101, 1000} {
				x := gen(n)
				sorted := slices.Clone(x)
				slices.Sort(sorted)
				for _, k := range []int{0, n / 3, n / 2, n - 1} {
					a := slices.Clone(x)
					selectK(a, k)
					require.Equal(t, sorted[k], a[k], "n=%d k=%d", n, k)
					for i := range k {
						assert.LessOrEqual(t, a[i], a[k])
					}
					for i := k + 1; i < n; i++ {
						assert.GreaterOrEqual(t, a[i], a[k])
					}
				}
			}
		})
	}
}
