package load

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hiveperf/hive/internal/exitcode"
)

// SoakConfig sets how a soak run's memory series are judged.
type SoakConfig struct {
	// Warmup: samples taken before it are left out of the fit, because a
	// server's heap, connection pools and SQLite page cache grow to their
	// working size in the first minutes, and that growth is not a leak.
	Warmup time.Duration
	// ByteBound is the largest growth of RSS and of the Go heap that is
	// not a leak, in bytes per minute (e.g. 1MB/min).
	ByteBound PerMinute
	// GoroutineBound is the same for the goroutine count, per minute.
	GoroutineBound PerMinute
	// Level is the two-sided confidence level of the slope's interval
	// (default 0.95).
	Level float64
}

// DefaultSoakLevel is the confidence level of soak slope intervals.
const DefaultSoakLevel = 0.95

// NewSoakConfig is the soak of a command line: a soak of the given
// duration whose fit leaves out warmup (a negative warmup takes the
// default, a fifth of the soak), with growth bounds as
// ParseBytesPerMinute and ParseCountPerMinute read them. Errors are usage
// errors naming the flags.
func NewSoakConfig(soak, warmup time.Duration, byteBound, goroutineBound string) (*SoakConfig, error) {
	cfg := SoakConfig{Level: DefaultSoakLevel, Warmup: soak / 5}
	if warmup >= 0 {
		cfg.Warmup = warmup
	}
	if cfg.Warmup >= soak {
		return nil, exitcode.UsageError("--soak-warmup %v leaves nothing of --soak %v to fit", cfg.Warmup, soak)
	}
	var err error
	if cfg.ByteBound, err = ParseBytesPerMinute(byteBound); err != nil {
		return nil, exitcode.UsageError("--leak-bound: %v", err)
	}
	if cfg.GoroutineBound, err = ParseCountPerMinute(goroutineBound); err != nil {
		return nil, exitcode.UsageError("--goroutine-bound: %v", err)
	}
	return &cfg, nil
}

// The soak verdicts.
const (
	VerdictNoLeak       = "no leak"
	VerdictLeak         = "leak"
	VerdictInconclusive = "inconclusive"
)

// SoakReport judges each memory series of a soak run.
type SoakReport struct {
	Level    float64       `json:"level"`
	WarmupS  float64       `json:"warmup_s"`
	Verdicts []SlopeResult `json:"series"`
}

// SlopeResult is one series' least-squares growth per minute with its
// confidence interval, and the verdict against the bound:
//
//	no leak       the interval's upper end is below the bound
//	leak          the interval's lower end is above the bound
//	inconclusive  the interval contains the bound (too few samples, too
//	              much noise, or growth close to the bound)
type SlopeResult struct {
	Series   string  `json:"series"` // rss, heap_alloc, goroutines
	Unit     string  `json:"unit"`   // of the slope: bytes/min or goroutines/min
	N        int     `json:"n"`
	Slope    float64 `json:"slope_per_min"`
	Lo       float64 `json:"ci_lo_per_min"`
	Hi       float64 `json:"ci_hi_per_min"`
	Bound    float64 `json:"bound_per_min"`
	First    float64 `json:"first"` // first and last fitted values, for scale
	Last     float64 `json:"last"`
	Verdict  string  `json:"verdict"`
	Note     string  `json:"note,omitempty"`
	Residual float64 `json:"residual_sd"`
}

// Passed reports whether every series was judged "no leak". An
// inconclusive series fails the soak: the run did not show what it was for
// (run longer, or sample more often).
func (s *SoakReport) Passed() bool {
	for _, v := range s.Verdicts {
		if v.Verdict != VerdictNoLeak {
			return false
		}
	}
	return true
}

// Fit is an ordinary least-squares line y = Intercept + Slope·x with the
// two-sided confidence interval of the slope at Level:
// Slope ± t_{(1+Level)/2, n−2} · SE, SE = sqrt(Σresidual² / (n−2) / Σ(x−x̄)²).
//
// The interval assumes independent, normal residuals around a straight line.
// Memory samples a few seconds apart are autocorrelated (a GC cycle spans
// several), which makes the interval narrower than it should be; sampling
// less often than the GC cycle (the default 5 s) keeps that in check.
type Fit struct {
	N          int
	Slope      float64
	Intercept  float64
	SE         float64
	T          float64 // the t quantile used
	Lo, Hi     float64
	Level      float64
	ResidualSD float64
}

// FitSlope fits y on x. It needs at least 3 points and x not all equal.
func FitSlope(x, y []float64, level float64) (Fit, error) {
	n := len(x)
	if n != len(y) {
		return Fit{}, errors.New("x and y differ in length")
	}
	if n < 3 {
		return Fit{}, fmt.Errorf("%d samples; a slope with an interval needs at least 3", n)
	}
	if !(level > 0 && level < 1) {
		return Fit{}, fmt.Errorf("confidence level %v; want a value in (0, 1)", level)
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy float64
	for i := range x {
		dx := x[i] - mx
		sxx += dx * dx
		sxy += dx * (y[i] - my)
	}
	if sxx == 0 {
		return Fit{}, errors.New("every sample has the same time")
	}
	f := Fit{N: n, Level: level, Slope: sxy / sxx}
	f.Intercept = my - f.Slope*mx
	var ssr float64
	for i := range x {
		r := y[i] - (f.Intercept + f.Slope*x[i])
		ssr += r * r
	}
	df := float64(n - 2)
	f.ResidualSD = math.Sqrt(ssr / df)
	f.SE = math.Sqrt(ssr / df / sxx)
	f.T = StudentTQuantile((1+level)/2, df)
	f.Lo, f.Hi = f.Slope-f.T*f.SE, f.Slope+f.T*f.SE
	return f, nil
}

// Judge gives the verdict of a slope interval against a growth bound.
func Judge(f Fit, bound float64) string {
	switch {
	case f.Hi < bound:
		return VerdictNoLeak
	case f.Lo > bound:
		return VerdictLeak
	default:
		return VerdictInconclusive
	}
}

// AnalyzeSoak fits RSS, heap and goroutines over the samples taken after
// the warm-up, per minute.
func AnalyzeSoak(samples []MemSample, cfg SoakConfig) *SoakReport {
	if cfg.Level == 0 {
		cfg.Level = DefaultSoakLevel
	}
	rep := &SoakReport{Level: cfg.Level, WarmupS: cfg.Warmup.Seconds()}
	series := []struct {
		name, unit string
		get        func(MemSample) int64
		bound      PerMinute
	}{
		{"rss", "bytes/min", func(m MemSample) int64 { return m.RSS }, cfg.ByteBound},
		{"heap_alloc", "bytes/min", func(m MemSample) int64 { return m.HeapAlloc }, cfg.ByteBound},
		{"goroutines", "goroutines/min", func(m MemSample) int64 { return m.Goroutines }, cfg.GoroutineBound},
	}
	for _, s := range series {
		var x, y []float64
		for _, m := range samples {
			if m.T < cfg.Warmup.Seconds() {
				continue
			}
			if v := s.get(m); v > 0 {
				x = append(x, m.T/60)
				y = append(y, float64(v))
			}
		}
		res := SlopeResult{Series: s.name, Unit: s.unit, N: len(x), Bound: float64(s.bound)}
		if len(y) > 0 {
			res.First, res.Last = y[0], y[len(y)-1]
		}
		f, err := FitSlope(x, y, cfg.Level)
		if err != nil {
			res.Verdict = VerdictInconclusive
			res.Note = "cannot fit: " + err.Error()
		} else {
			res.Slope, res.Lo, res.Hi, res.Residual = f.Slope, f.Lo, f.Hi, f.ResidualSD
			res.Verdict = Judge(f, float64(s.bound))
		}
		rep.Verdicts = append(rep.Verdicts, res)
	}
	return rep
}
