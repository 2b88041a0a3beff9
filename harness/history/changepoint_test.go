package history

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noisy returns n draws of level + N(0, sd) from a seeded generator.
func noisy(rng *rand.Rand, n int, level, sd float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = level + rng.NormFloat64()*sd
	}
	return xs
}

func indexes(cps []ChangePoint) []int {
	out := []int{}
	for _, c := range cps {
		out = append(out, c.Index)
	}
	return out
}

func TestDetectSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	cases := []struct {
		name   string
		series []float64
		want   []int
	}{
		{"clean step up at 20", append(noisy(rng, 20, 100, 2), noisy(rng, 20, 120, 2)...), []int{20}},
		{"clean step down at 15", append(noisy(rng, 15, 50, 1), noisy(rng, 25, 40, 1)...), []int{15}},
		{"two steps", append(append(noisy(rng, 15, 100, 2), noisy(rng, 15, 130, 2)...), noisy(rng, 15, 100, 2)...), []int{15, 30}},
		{"exact step, no noise", []float64{1, 1, 1, 1, 1, 2, 2, 2, 2, 2}, []int{5}},
		{"constant", []float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, []int{}},
		{"too short to split", []float64{1, 1, 9, 9, 9}, []int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cps, err := DefaultDetector.Detect(c.series)
			require.NoError(t, err)
			assert.Equal(t, c.want, indexes(cps))
			for _, cp := range cps {
				assert.LessOrEqual(t, cp.P, DefaultDetector.Alpha)
			}
		})
	}
}

func TestDetectStepSize(t *testing.T) {
	xs := []float64{100, 100, 100, 100, 100, 120, 120, 120, 120, 120}
	cps, err := DefaultDetector.Detect(xs)
	require.NoError(t, err)
	require.Len(t, cps, 1)
	assert.Equal(t, 5, cps[0].Index)
	assert.InDelta(t, 100, cps[0].Before, 1e-9)
	assert.InDelta(t, 120, cps[0].After, 1e-9)
	assert.InDelta(t, 20, cps[0].StepPct, 1e-9)
}

// TestDetectFlatNoiseFalsePositives checks the stated false-positive rate:
// on flat Gaussian noise at most about Alpha of series may show a step.
// With 300 series at alpha 0.05 the expected count is 15 (sd ~3.8); the
// bound of 27 (9%) is three sd above it and fails for a detector that
// ignores its significance test.
func TestDetectFlatNoiseFalsePositives(t *testing.T) {
	const series = 300
	flagged := 0
	for s := range uint64(series) {
		rng := rand.New(rand.NewPCG(1000+s, s))
		cps, err := DefaultDetector.Detect(noisy(rng, 30, 100, 3))
		require.NoError(t, err)
		if len(cps) > 0 {
			flagged++
		}
	}
	t.Logf("flat series with a change point: %d of %d (%s)", flagged, series, DefaultDetector)
	assert.LessOrEqual(t, flagged, 27)
	// A test that never fires is no test either.
	assert.Greater(t, flagged, 0)
}

func TestDetectDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	xs := append(noisy(rng, 12, 10, 1), noisy(rng, 12, 11.2, 1)...)
	a, err := DefaultDetector.Detect(xs)
	require.NoError(t, err)
	b, err := DefaultDetector.Detect(xs)
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

func TestDetectBadInput(t *testing.T) {
	cases := []struct {
		name string
		d    Detector
		xs   []float64
		want string
	}{
		{"min size", Detector{MinSize: 1, Permutations: 9, Alpha: 0.05}, []float64{1}, "MinSize"},
		{"permutations", Detector{MinSize: 3, Permutations: 0, Alpha: 0.05}, []float64{1}, "Permutations"},
		{"alpha", Detector{MinSize: 3, Permutations: 9, Alpha: 1.5}, []float64{1}, "Alpha"},
		{"NaN", DefaultDetector, []float64{1, 2, nan()}, "value 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.d.Detect(c.xs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func nan() float64 { var z float64; return z / z }

func TestSparkline(t *testing.T) {
	assert.Equal(t, "▁▄█", Sparkline([]float64{0, 3, 7}))
	assert.Equal(t, "▁▁▁", Sparkline([]float64{3, 3, 3}))
	assert.Equal(t, "", Sparkline(nil))
}

func BenchmarkDetect100(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := append(noisy(rng, 50, 100, 2), noisy(rng, 50, 110, 2)...)
	for b.Loop() {
		if _, err := DefaultDetector.Detect(xs); err != nil {
			b.Fatal(err)
		}
	}
}
