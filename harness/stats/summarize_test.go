package stats

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lognormal(r *rand.Rand, n int, median, cv float64) []float64 {
	sigma := math.Sqrt(math.Log1p(cv * cv))
	x := make([]float64, n)
	for i := range x {
		x[i] = median * math.Exp(sigma*r.NormFloat64())
	}
	return x
}

func TestSummarizeKnownValues(t *testing.T) {
	// 1..10 with the 10 replaced by 100: an outlier at index 9.
	x := []float64{4, 1, 3, 2, 5, 7, 6, 9, 8, 100}
	s := Summarize(x)

	assert.Equal(t, 10, s.N)
	assert.Equal(t, 1.0, s.Min)
	assert.Equal(t, 100.0, s.Max)
	assert.InDelta(t, 5.5, s.P50, 1e-12)   // h=4.5 → 5 + .5
	assert.InDelta(t, 18.1, s.P90, 1e-12)  // h=8.1 → 9 + .1·91
	assert.InDelta(t, 59.05, s.P95, 1e-12) // h=8.55 → 9 + .55·91
	assert.InDelta(t, 91.81, s.P99, 1e-12) // h=8.91 → 9 + .91·91
	assert.InDelta(t, 14.5, s.Mean, 1e-12) // (45+100)/10
	// Sample variance: Σx² = 285 + 10000 = 10285; (10285 − 10·14.5²)/9
	assert.InDelta(t, math.Sqrt((10285-10*14.5*14.5)/9), s.Stddev, 1e-9)
	// |x − 5.5| = 4.5 … 0.5 … 94.5 → sorted .5,.5,1.5,1.5,2.5,2.5,3.5,3.5,4.5,94.5 → 2.5
	assert.InDelta(t, 2.5, s.MAD, 1e-12)
	// z(100) = 94.5 / (1.4826·2.5) ≈ 25.5 > 3.5; z(1) = 4.5/3.7065 ≈ 1.2.
	assert.Equal(t, []int{9}, s.Outliers)
	assert.Equal(t, DefaultLevel, s.MedianCI.Level)
	assert.LessOrEqual(t, s.MedianCI.Lo, s.P50)
	assert.GreaterOrEqual(t, s.MedianCI.Hi, s.P50)
}

func TestSummarizeEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"NaN gives the zero Summary", []float64{1, math.NaN(), 3}, Summary{}},
		{"+Inf gives the zero Summary", []float64{1, math.Inf(1)}, Summary{}},
		{"-Inf gives the zero Summary", []float64{math.Inf(-1)}, Summary{}},
		{"one sample", []float64{42}, Summary{
			N: 1, Min: 42, P50: 42, P90: 42, P95: 42, P99: 42, Max: 42, Mean: 42,
			MedianCI: Interval{Lo: 42, Hi: 42, Level: DefaultLevel},
		}},
		{"all equal", []float64{3, 3, 3, 3, 3}, Summary{
			N: 5, Min: 3, P50: 3, P90: 3, P95: 3, P99: 3, Max: 3, Mean: 3,
			MedianCI: Interval{Lo: 3, Hi: 3, Level: DefaultLevel},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.x)
			assert.Equal(t, tt.want, got)
			// Every Summary must be storable in a results file.
			_, err := json.Marshal(got)
			assert.NoError(t, err)
		})
	}
}

func TestValidate(t *testing.T) {
	require.NoError(t, Validate(nil))
	require.NoError(t, Validate([]float64{0, -1, 1e300}))

	err := Validate([]float64{1, 2, math.NaN(), math.Inf(1)})
	var se *SampleError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, 2, se.Index)
	assert.Contains(t, err.Error(), "sample 2 is NaN")

	err = Validate([]float64{math.Inf(-1)})
	require.True(t, errors.As(err, &se))
	assert.Equal(t, 0, se.Index)
	assert.Contains(t, err.Error(), "-Inf")
}

func TestSummarizeOutliers(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		opts []Option
		want []int
	}{
		{"none in clean data", []float64{10, 11, 9, 10.5, 9.5, 10.2}, nil, nil},
		{"both tails", []float64{10, 11, 9, 10.5, 9.5, 10.2, 50, 0.1}, nil, []int{6, 7}},
		// MAD is 0 (four of six are 5): the scale falls back to the mean
		// absolute deviation, 1.2533·(0+0+0+0+1+20)/6 ≈ 4.386, so
		// z(25) = 20/4.386 ≈ 4.56 is flagged and z(6) ≈ 0.23 is not.
		{"MAD of zero falls back to the mean deviation", []float64{5, 5, 5, 5, 6, 25}, nil, []int{5}},
		{"threshold is adjustable", []float64{10, 11, 9, 10.5, 9.5, 10.2, 13}, []Option{OutlierZ(2)}, []int{6}},
		{"invalid threshold keeps the default", []float64{10, 11, 9, 10.5, 9.5, 10.2, 13}, []Option{OutlierZ(-1)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Summarize(tt.x, tt.opts...).Outliers)
		})
	}
}

func TestSummarizeDoesNotModifyInput(t *testing.T) {
	x := []float64{5, 3, 9, 1, 7}
	orig := slices.Clone(x)
	Summarize(x)
	assert.Equal(t, orig, x)
}

func TestSummarizeIsDeterministicForASeed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := lognormal(r, 200, 100, 0.1)
	a := Summarize(x, Seed(42))
	b := Summarize(x, Seed(42))
	assert.Equal(t, a, b)
	c := Summarize(x, Seed(43))
	assert.NotEqual(t, a.MedianCI, c.MedianCI, "a different seed should draw different resamples")
	assert.Equal(t, a.P50, c.P50)
}

func TestSummarizeOptions(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := lognormal(r, 100, 100, 0.1)
	narrow := Summarize(x, Level(0.5))
	wide := Summarize(x, Level(0.99))
	assert.Equal(t, 0.5, narrow.MedianCI.Level)
	assert.Equal(t, 0.99, wide.MedianCI.Level)
	assert.Less(t, narrow.MedianCI.Hi-narrow.MedianCI.Lo, wide.MedianCI.Hi-wide.MedianCI.Lo)

	assert.Equal(t, DefaultLevel, Summarize(x, Level(1.5)).MedianCI.Level, "out-of-range level keeps the default")
	assert.Equal(t, Summarize(x), Summarize(x, Resamples(0)), "resamples < 1 keeps the default")
	assert.NotEqual(t, Summarize(x).MedianCI, Summarize(x, Resamples(50)).MedianCI)
}

// Property: the CI of the median contains the sample median, for any data.
func TestMedianCIContainsTheMedian(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 500 {
		n := 1 + trial%60
		x := lognormal(r, n, 10, 0.3)
		if trial%3 == 0 {
			for i := range x {
				x[i] = math.Round(x[i]) // ties
			}
		}
		s := Summarize(x, Seed(int64(trial)), Resamples(500))
		require.Equal(t, n, s.N)
		assert.LessOrEqual(t, s.MedianCI.Lo, s.P50, "trial %d", trial)
		assert.GreaterOrEqual(t, s.MedianCI.Hi, s.P50, "trial %d", trial)
		assert.LessOrEqual(t, s.Min, s.MedianCI.Lo)
		assert.GreaterOrEqual(t, s.Max, s.MedianCI.Hi)
		assert.True(t, s.Min <= s.P50 && s.P50 <= s.P90 && s.P90 <= s.P95 && s.P95 <= s.P99 && s.P99 <= s.Max)
	}
}

// The median CI is a CI: over many samples from a known distribution it
// covers the true median about Level of the time. A percentile bootstrap of
// the median is slightly conservative at moderate n, so the check is a band.
func TestMedianCICoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const trials = 400
	covered := 0
	for trial := range trials {
		x := lognormal(r, 40, 100, 0.1) // true median 100
		ci := Summarize(x, Seed(int64(trial)), Resamples(1000)).MedianCI
		if ci.Lo <= 100 && 100 <= ci.Hi {
			covered++
		}
	}
	rate := float64(covered) / trials
	// 95% nominal; binomial sd at 400 trials is ~1.1%.
	assert.InDelta(t, 0.95, rate, 0.04, "coverage %.3f", rate)
}

func BenchmarkSummarize10k(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := lognormal(r, 10_000, 1e6, 0.05)
	b.ReportAllocs()
	for b.Loop() {
		Summarize(x)
	}
}

func BenchmarkSummarize100(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := lognormal(r, 100, 1e6, 0.05)
	b.ReportAllocs()
	for b.Loop() {
		Summarize(x)
	}
}
