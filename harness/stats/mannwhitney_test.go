package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMannWhitneyUKnownValues(t *testing.T) {
	tests := []struct {
		name   string
		a, b   []float64
		exact  bool // let the function pick exact where it would
		wantU  float64
		wantP  float64
		deltaP float64
	}{
		{
			// scipy.stats.mannwhitneyu docs (Conover): males vs females.
			// Combined ranks: 11F 12F 16M 17F 19M 20F 22M 24M 29M → R_males =
			// 3+5+7+8+9 = 32, U = 32 − 15 = 17. Exact: U ≥ 17 ⇔ U_females ≤ 3;
			// orderings with U' = 0,1,2,3 number 1,1,2,3 = 7 of C(9,4) = 126,
			// so p = 2·7/126 = 1/9. SciPy documents U1=17.0, p=0.1111111111111111.
			name: "scipy docs, exact", a: []float64{19, 22, 16, 29, 24}, b: []float64{20, 11, 17, 12},
			exact: true, wantU: 17, wantP: 1.0 / 9, deltaP: 1e-12,
		},
		{
			// Same data, method="asymptotic": μ = 10, σ = √(5·4·10/12) = 4.0825,
			// z = (17 − 10 − 0.5)/σ = 1.59217, p = 2·(1 − Φ(z)) = 0.1113469.
			// SciPy documents p=0.11134688653314041.
			name: "scipy docs, asymptotic", a: []float64{19, 22, 16, 29, 24}, b: []float64{20, 11, 17, 12},
			wantU: 17, wantP: 0.11134688653314041, deltaP: 1e-12,
		},
		{
			// R's ?wilcox.test (Hollander & Wolfe, permeability constants):
			// W = 35 and one-sided p = 0.1272 = 382/3003 (enumerating the
			// C(15,5) = 3003 splits); two-sided p = 764/3003 = 0.2544123.
			name:  "R wilcox.test example, exact",
			a:     []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46},
			b:     []float64{1.15, 0.88, 0.90, 0.74, 1.21},
			exact: true, wantU: 35, wantP: 764.0 / 3003, deltaP: 1e-12,
		},
		{
			// With ties (12 vs 13 values), forced to the normal approximation
			// (exact up to 25 values with ties): U counted pair by pair = 46; tie
			// groups {2:2,3:2,4:3,5:2,6:2,7:2,8:2,9:3,10:2,12:2} give
			// Σ(t³−t) = 96; σ² = 12·13/12·(26 − 96/(25·24)) = 335.92, σ = 18.328;
			// z = (|46 − 78| − 0.5)/σ = 1.71867, p = 0.0856744 (computed
			// independently by brute force in Python with math.erfc).
			name:  "ties, normal approximation with tie correction",
			a:     []float64{1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9, 10},
			b:     []float64{3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 13},
			wantU: 46, wantP: 0.08567438625710108, deltaP: 1e-9,
		},
		{
			// No ties, 11 vs 10 values, forced to the normal approximation
			// (MannWhitneyU itself counts exactly up to 50 values).
			// U = 26, σ = √(11·10·22/12) = 14.201, z = (55 − 26 − 0.5)/σ = 2.00691,
			// p = 0.0447593.
			name:  "no ties, n > 8, normal approximation",
			a:     []float64{1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 10.1, 11.2},
			b:     []float64{5.05, 6.15, 7.25, 8.35, 9.45, 10.55, 11.65, 12.75, 13.85, 14.95},
			wantU: 26, wantP: 0.0447592945755723, deltaP: 1e-9,
		},
		{
			name: "all values tied: no evidence", a: []float64{3, 3, 3}, b: []float64{3, 3, 3, 3},
			exact: true, wantU: 6, wantP: 1, deltaP: 0,
		},
		{
			// Complete separation at 3 vs 3: only 1 of C(6,3) = 20 orderings
			// has U = 9, so p = 2/20.
			name: "complete separation, exact", a: []float64{4, 5, 6}, b: []float64{1, 2, 3},
			exact: true, wantU: 9, wantP: 0.1, deltaP: 1e-12,
		},
		{
			name: "one against one", a: []float64{1}, b: []float64{2},
			exact: true, wantU: 0, wantP: 1, deltaP: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := mannWhitney(tt.a, tt.b, tt.exact)
			assert.Equal(t, tt.wantU, u)
			assert.InDelta(t, tt.wantP, p, tt.deltaP)
			if tt.exact {
				u2, p2 := MannWhitneyU(tt.a, tt.b)
				assert.Equal(t, u, u2)
				assert.Equal(t, p, p2)
			}
		})
	}
}

func TestMannWhitneyUSymmetry(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for trial := range 200 {
		na, nb := 1+trial%15, 1+(trial/15)%20
		a := lognormal(r, na, 10, 0.3)
		b := lognormal(r, nb, 11, 0.3)
		if trial%2 == 0 {
			for i := range a {
				a[i] = math.Round(a[i])
			}
			for i := range b {
				b[i] = math.Round(b[i])
			}
		}
		u1, p1 := MannWhitneyU(a, b)
		u2, p2 := MannWhitneyU(b, a)
		assert.InDelta(t, float64(na*nb), u1+u2, 1e-9, "U_a + U_b = na·nb")
		assert.InDelta(t, p1, p2, 1e-12, "two-sided p does not depend on the order")
		assert.True(t, p1 > 0 && p1 <= 1, "p=%v", p1)
	}
}

// At n = 8 both methods are available; they should agree to within the
// known accuracy of the continuity-corrected normal approximation.
func TestMannWhitneyUExactAndNormalAgreeAtTheBoundary(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for range 50 {
		a := lognormal(r, 8, 10, 0.2)
		b := lognormal(r, 8, 11, 0.2)
		_, exact := mannWhitney(a, b, true)
		_, normal := mannWhitney(a, b, false)
		assert.InDelta(t, exact, normal, 0.02)
	}
}

// The exact distribution is a distribution: P(U ≤ na·nb) is 1, only one
// ordering gives U = 0, and the tie-aware walk agrees with the no-ties
// recurrence when every group has one value.
func TestExactCDF(t *testing.T) {
	ones := func(n int) []int {
		g := make([]int, n)
		for i := range g {
			g[i] = 1
		}
		return g
	}
	for _, sizes := range [][2]int{{1, 1}, {3, 4}, {5, 4}, {8, 8}, {20, 3}, {50, 50}} {
		na, nb := sizes[0], sizes[1]
		cdf := noTiesCDF(na, nb)
		require.Len(t, cdf, na*nb+1)
		assert.InDelta(t, 1, cdf[na*nb], 1e-12, "%v", sizes)
		assert.InDelta(t, 1/binomial(na+nb, na), cdf[0], 1e-15, "only one ordering gives U = 0")
		for _, u := range []int{0, na * nb / 3, na * nb / 2} {
			// Skipping the cache: the walk over groups of one value each.
			ways := exactCDFGroups(na, nb, ones(na+nb), 2*u)
			assert.InDelta(t, cdf[u], ways, 1e-12, "%v u=%d", sizes, u)
		}
	}
	// (5,4): P(U ≤ 3) = 7/126 (see the scipy example above).
	assert.InDelta(t, 7.0/126, exactCDF(4, 5, ones(9), 6), 1e-15)
	// Ties: the pooled values 1, 2, 2, 3 (groups 1, 2, 1), two of them a's.
	// The C(4,2) = 6 choices give U(a) = ½ ({1,2} twice), 2 ({1,3} and
	// {2,2}), 3½ ({2,3} twice): 2U = 1, 1, 4, 4, 7, 7.
	for _, c := range []struct {
		twoU int
		want float64
	}{{0, 0}, {1, 2.0 / 6}, {3, 2.0 / 6}, {4, 4.0 / 6}, {6, 4.0 / 6}, {7, 1}} {
		assert.InDelta(t, c.want, exactCDF(2, 2, []int{1, 2, 1}, c.twoU), 1e-15, "2U ≤ %d", c.twoU)
	}
}

func TestMannWhitneyUBadInput(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
	}{
		{"empty a", nil, []float64{1}},
		{"empty b", []float64{1}, nil},
		{"NaN", []float64{1, math.NaN()}, []float64{1}},
		{"Inf", []float64{1}, []float64{math.Inf(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := MannWhitneyU(tt.a, tt.b)
			assert.True(t, math.IsNaN(u))
			assert.True(t, math.IsNaN(p))
		})
	}
}

// Under the null the test rejects at about its nominal rate: it is the
// false-alarm floor of the whole gate.
func TestMannWhitneyUNullRejectionRate(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	const trials = 2000
	rejected := 0
	for range trials {
		_, p := MannWhitneyU(lognormal(r, 20, 10, 0.1), lognormal(r, 20, 10, 0.1))
		if p < 0.05 {
			rejected++
		}
	}
	rate := float64(rejected) / trials
	// Nominal 5%; binomial sd at 2000 trials is 0.49%.
	assert.InDelta(t, 0.05, rate, 0.015, "rate %.4f", rate)
}

func BenchmarkMannWhitneyU100(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := lognormal(r, 100, 1e6, 0.05)
	y := lognormal(r, 100, 1e6, 0.05)
	b.ReportAllocs()
	for b.Loop() {
		MannWhitneyU(x, y)
	}
}
