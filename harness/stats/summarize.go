package stats

import (
	"fmt"
	"math"
	"slices"

	mfstats "github.com/montanaflynn/stats"
)

// Defaults used by Summarize when no Option overrides them.
const (
	DefaultLevel           = 0.95
	DefaultResamples       = 2000
	DefaultSeed      int64 = 0
	DefaultOutlierZ        = 3.5
)

// madToSigma scales the MAD to a consistent estimator of σ under normal noise
// (1/Φ⁻¹(3/4)); meanADToSigma does the same for the mean absolute deviation
// (√(π/2)). Both are the constants of Iglewicz & Hoaglin's modified z-score.
const (
	madToSigma    = 1.4826
	meanADToSigma = 1.253314
)

type config struct {
	level     float64
	resamples int
	seed      int64
	outlierZ  float64
}

// Option adjusts how Summarize computes a Summary. An option given an
// out-of-range value leaves the default in place, so a Summary is always
// computed the documented way; check user-supplied values before passing
// them (compare.Policy.Validate does for the gate).
type Option func(*config)

// Level sets the confidence level of the median CI, in (0, 1).
func Level(level float64) Option {
	return func(c *config) {
		if level > 0 && level < 1 {
			c.level = level
		}
	}
}

// Resamples sets the number of bootstrap resamples (at least 1).
func Resamples(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.resamples = n
		}
	}
}

// Seed sets the bootstrap RNG seed. The same samples and seed always give
// the same interval.
func Seed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// OutlierZ sets the modified z-score above which a sample is flagged as an
// outlier (must be > 0).
func OutlierZ(z float64) Option {
	return func(c *config) {
		if z > 0 && !math.IsInf(z, 0) {
			c.outlierZ = z
		}
	}
}

// SampleError reports the first sample that is not a finite number.
type SampleError struct {
	Index int
	Value float64
}

func (e *SampleError) Error() string {
	return fmt.Sprintf("sample %d is %v; samples must be finite numbers", e.Index, e.Value)
}

// Validate returns a *SampleError naming the first NaN or ±Inf sample, or nil
// when every sample is finite. An empty slice is valid (it summarizes to N=0).
func Validate(samples []float64) error {
	for i, v := range samples {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &SampleError{Index: i, Value: v}
		}
	}
	return nil
}

// Summarize computes the Summary of samples. It does not modify samples.
//
// n = 0 and input containing NaN or ±Inf give the zero Summary (see the
// package doc); n = 1 gives every location statistic equal to the sample,
// spread 0 and a degenerate CI. It allocates one sorted copy of the samples,
// one buffer of Resamples floats and the outlier index list (only when there
// are outliers).
func Summarize(samples []float64, opts ...Option) Summary {
	cfg := config{level: DefaultLevel, resamples: DefaultResamples, seed: DefaultSeed, outlierZ: DefaultOutlierZ}
	for _, o := range opts {
		o(&cfg)
	}
	if len(samples) == 0 || Validate(samples) != nil {
		return Summary{}
	}

	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	n := len(sorted)

	mean, _ := mfstats.Mean(samples)
	var sd float64
	if n > 1 {
		sd, _ = mfstats.StandardDeviationSample(samples)
	}
	med := QuantileSorted(sorted, 0.50)
	mad := madSorted(sorted, med)

	s := Summary{
		N:        n,
		Min:      sorted[0],
		P50:      med,
		P90:      QuantileSorted(sorted, 0.90),
		P95:      QuantileSorted(sorted, 0.95),
		P99:      QuantileSorted(sorted, 0.99),
		Max:      sorted[n-1],
		Mean:     mean,
		Stddev:   sd,
		MAD:      mad,
		MedianCI: medianCI(sorted, cfg.level, cfg.resamples, cfg.seed),
		Outliers: outliers(samples, med, mad, cfg.outlierZ),
	}
	return s
}

// outliers returns the indexes (into samples, in order) whose modified
// z-score exceeds z, or nil when there are none.
func outliers(samples []float64, med, mad, z float64) []int {
	scale := madToSigma * mad
	if scale == 0 {
		// More than half the samples sit on the median, so the MAD cannot
		// measure spread; the mean absolute deviation still can.
		var sum float64
		for _, v := range samples {
			sum += math.Abs(v - med)
		}
		scale = meanADToSigma * sum / float64(len(samples))
		if scale == 0 {
			return nil
		}
	}
	var idx []int
	for i, v := range samples {
		if math.Abs(v-med)/scale > z {
			idx = append(idx, i)
		}
	}
	return idx
}
