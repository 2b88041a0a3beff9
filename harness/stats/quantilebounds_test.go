package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seq(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[n-1-i] = float64(i + 1) // descending: BoundQuantile must sort
	}
	return out
}

func TestBoundQuantileOrderStatistics(t *testing.T) {
	cases := []struct {
		name       string
		n          int
		q          float64
		lo, hi     float64 // the order statistics (1-based values of seq)
		loOK, hiOK bool
	}{
		// Binomial(10, 0.5): P(≤ 8) = 0.989 ≥ 0.95 > P(≤ 7) = 0.945; P(≥ 2) = 0.989.
		{"median of 10", 10, 0.5, 2, 9, true, true},
		// 1 − 0.99^300 = 0.951: the maximum is an upper 95% bound on the p99.
		// Below: at most 6 of 300 samples above it, P = 0.967 (5: 0.916).
		{"p99 of 300", 300, 0.99, 294, 300, true, true},
		// 1 − 0.99^100 = 0.634: no sample bounds the p99 from above.
		// Below: at most 3 of 100 above it, P = 0.981 (2: 0.920).
		{"p99 of 100", 100, 0.99, 97, 0, true, false},
		// P(Binomial(10, 0.01) ≥ 1) = 0.096: nothing bounds the p01 from
		// below; P(≤ 1) = 0.996 ≥ 0.95 > P(0) = 0.904: the 2nd from above.
		{"p01 of 10", 10, 0.01, 0, 2, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := seq(c.n)
			b := BoundQuantile(in, c.q, 0.95)
			assert.Equal(t, c.loOK, b.LoOK, "lo known")
			assert.Equal(t, c.hiOK, b.HiOK, "hi known")
			if c.loOK {
				assert.Equal(t, c.lo, b.Lo)
			}
			if c.hiOK {
				assert.Equal(t, c.hi, b.Hi)
			}
			assert.Equal(t, float64(c.n), in[0], "the input is not sorted in place")
		})
	}
}

// Over many samples of a known distribution, each bound holds at least as
// often as its level says (and not so much more often that it is useless).
func TestBoundQuantileCoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n int
		q float64
	}{{50, 0.5}, {301, 0.5}, {300, 0.9}, {600, 0.99}} {
		const trials = 2000
		loHeld, hiHeld := 0, 0
		for range trials {
			s := make([]float64, c.n)
			for i := range s {
				s[i] = r.Float64() // uniform: the true q-quantile is q
			}
			b := BoundQuantile(s, c.q, 0.95)
			require.True(t, b.LoOK && b.HiOK)
			if b.Lo <= c.q {
				loHeld++
			}
			if b.Hi >= c.q {
				hiHeld++
			}
		}
		for name, held := range map[string]int{"lo": loHeld, "hi": hiHeld} {
			rate := float64(held) / trials
			assert.GreaterOrEqual(t, rate, 0.93, "n=%d q=%v: the %s bound held in %.3f of trials", c.n, c.q, name, rate)
			assert.LessOrEqual(t, rate, 0.995, "n=%d q=%v: the %s bound is far looser than 95%% (%.3f)", c.n, c.q, name, rate)
		}
	}
}

func TestBinomialCDF(t *testing.T) {
	cdf := binomialCDF(10, 0.5)
	assert.InDelta(t, 1.0/1024, cdf[0], 1e-12)
	assert.InDelta(t, 0.9453125, cdf[7], 1e-12)
	assert.InDelta(t, 1, cdf[10], 1e-12)
	big := binomialCDF(200000, 0.5)
	assert.InDelta(t, 0.5, big[100000], 0.01, "large n keeps its mass")
	assert.InDelta(t, 1, big[200000], 1e-9)
	for i, v := range big {
		if math.IsNaN(v) {
			t.Fatalf("cdf[%d] is NaN", i)
		}
	}
}

func TestBoundQuantileDegenerate(t *testing.T) {
	for _, c := range []struct {
		name    string
		samples []float64
		q, lvl  float64
	}{
		{"no samples", nil, 0.5, 0.95},
		{"q 0", seq(10), 0, 0.95},
		{"q 1", seq(10), 1, 0.95},
		{"level 1", seq(10), 0.5, 1},
		{"NaN q", seq(10), math.NaN(), 0.95},
	} {
		b := BoundQuantile(c.samples, c.q, c.lvl)
		assert.False(t, b.LoOK || b.HiOK, c.name)
	}
}
