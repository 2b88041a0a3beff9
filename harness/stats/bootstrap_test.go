package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// naiveResampleMedian is the textbook bootstrap step: draw n values with
// replacement, sort, take the median. It is the reference for the O(1)
// order-statistic draw in bootstrap.go.
func naiveResampleMedian(r *rand.Rand, x []float64, buf []float64) float64 {
	for i := range buf {
		buf[i] = x[r.IntN(len(x))]
	}
	slices.Sort(buf)
	return QuantileSorted(buf, 0.5)
}

// ksDistance is the two-sample Kolmogorov–Smirnov statistic.
func ksDistance(a, b []float64) float64 {
	slices.Sort(a)
	slices.Sort(b)
	var d float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		v := min(a[i], b[j])
		for i < len(a) && a[i] == v {
			i++
		}
		for j < len(b) && b[j] == v {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

func TestBootstrapMatchesNaiveResampling(t *testing.T) {
	const draws = 100_000
	// Two-sample KS critical value at α = 0.001 is 1.95·√(2/draws) ≈ 0.0087:
	// a wrong distribution (say, an off-by-one in the order statistic) moves
	// the CDF by far more than that.
	const crit = 0.0087
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{2, 3, 4, 7, 12, 31, 200} {
		x := lognormal(r, n, 10, 0.2)
		slices.Sort(x)
		s := newMedianSampler(x)
		fast := make([]float64, draws)
		naive := make([]float64, draws)
		buf := make([]float64, n)
		for i := range fast {
			fast[i] = s.draw(r)
			naive[i] = naiveResampleMedian(r, x, buf)
		}
		assert.Less(t, ksDistance(fast, naive), crit, "n=%d", n)
	}
}

// For odd n the bootstrap median is x₍ₖ₎ or below exactly when at least m of
// n draws land at or below index k: P = P(Binomial(n, (k+1)/n) ≥ m).
func TestBootstrapMedianMatchesExactDistribution(t *testing.T) {
	const n, draws = 9, 200_000
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	m := (n + 1) / 2
	s := newMedianSampler(x)
	r := newRand(5)
	counts := make([]int, n)
	for range draws {
		counts[int(s.draw(r))-1]++
	}
	cum := 0
	for k := range n {
		cum += counts[k]
		pk := float64(k+1) / n
		var want float64
		for j := m; j <= n; j++ {
			want += binomial(n, j) * math.Pow(pk, float64(j)) * math.Pow(1-pk, float64(n-j))
		}
		got := float64(cum) / draws
		// binomial sd of an empirical CDF at 200k draws is ≤ 0.0011
		assert.InDelta(t, want, got, 0.005, "P(median* ≤ x[%d])", k)
	}
}

func TestBootstrapRatioCI(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	base := lognormal(r, 50, 100, 0.05)
	same := slices.Clone(base)
	slower := make([]float64, len(base))
	for i, v := range lognormal(r, 50, 100, 0.05) {
		slower[i] = v * 1.2
	}

	t.Run("identical samples contain 1", func(t *testing.T) {
		ci := BootstrapRatioCI(base, same, 0.95, 2000, 1)
		assert.Equal(t, 0.95, ci.Level)
		assert.Less(t, ci.Lo, 1.0)
		assert.Greater(t, ci.Hi, 1.0)
	})
	t.Run("a 20% slower head lies above 1 and contains the true ratio region", func(t *testing.T) {
		ci := BootstrapRatioCI(base, slower, 0.95, 2000, 1)
		assert.Greater(t, ci.Lo, 1.1)
		assert.Less(t, ci.Hi, 1.3)
	})
	t.Run("constant samples give a point interval", func(t *testing.T) {
		ci := BootstrapRatioCI([]float64{2, 2, 2}, []float64{3, 3}, 0.9, 100, 1)
		assert.Equal(t, Interval{Lo: 1.5, Hi: 1.5, Level: 0.9}, ci)
	})
	t.Run("deterministic for a seed", func(t *testing.T) {
		assert.Equal(t, BootstrapRatioCI(base, slower, 0.95, 2000, 7), BootstrapRatioCI(base, slower, 0.95, 2000, 7))
		assert.NotEqual(t, BootstrapRatioCI(base, slower, 0.95, 2000, 7), BootstrapRatioCI(base, slower, 0.95, 2000, 8))
	})
	t.Run("bad level and resamples take the defaults", func(t *testing.T) {
		assert.Equal(t, BootstrapRatioCI(base, slower, DefaultLevel, DefaultResamples, 1), BootstrapRatioCI(base, slower, 0, 0, 1))
	})
}

func TestRatioCIUndefined(t *testing.T) {
	tests := []struct {
		name       string
		base, head []float64
		want       error
	}{
		{"empty base", nil, []float64{1}, ErrEmpty},
		{"empty head", []float64{1}, nil, ErrEmpty},
		{"zero in base", []float64{0, 1, 2}, []float64{1, 2}, ErrNonPositiveRatio},
		{"negative base", []float64{-1, -2}, []float64{1, 2}, ErrNonPositiveRatio},
		{"overflow", []float64{1e-300}, []float64{1e300}, ErrRatioOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ci, err := RatioCI(tt.base, tt.head, 0.95, 100, 1)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, Interval{Level: 0.95}, ci)
			assert.Equal(t, ci, BootstrapRatioCI(tt.base, tt.head, 0.95, 100, 1))
		})
	}
	_, err := RatioCI([]float64{1, math.NaN()}, []float64{1}, 0.95, 100, 1)
	var se *SampleError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, 1, se.Index)
}

// Property: over many seeds and sample shapes, the ratio CI of a sample
// against itself always contains 1.
func TestRatioCIOfIdenticalSamplesContainsOne(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for trial := range 300 {
		x := lognormal(r, 1+trial%40, 50, 0.2)
		ci := BootstrapRatioCI(x, x, 0.95, 500, int64(trial))
		assert.LessOrEqual(t, ci.Lo, 1.0, "trial %d", trial)
		assert.GreaterOrEqual(t, ci.Hi, 1.0, "trial %d", trial)
	}
}

func BenchmarkBootstrapRatioCI100(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	base := lognormal(r, 100, 1e6, 0.05)
	head := lognormal(r, 100, 1e6, 0.05)
	b.ReportAllocs()
	for b.Loop() {
		BootstrapRatioCI(base, head, 0.95, 2000, 1)
	}
}
