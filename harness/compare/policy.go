package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/hiveperf/hive/harness/stats"
)

// Policy is how one metric is judged. The zero value of a field means "use
// the default" (DefaultPolicy), so Policy{Threshold: 10} is a complete policy.
type Policy struct {
	// Threshold is the smallest change, in percent of the base median, that
	// counts as a regression or improvement (default 5).
	Threshold float64 `json:"threshold" yaml:"threshold"`
	// Alpha is the significance level the Holm-adjusted Mann–Whitney p-value
	// must beat (default 0.01; see the package doc for why not 0.05).
	Alpha float64 `json:"alpha" yaml:"alpha"`
	// Direction says which way is better (default LowerIsBetter).
	Direction Direction `json:"direction" yaml:"direction"`
	// MinSamples is the fewest samples per side a verdict other than
	// inconclusive needs (default 10).
	MinSamples int `json:"min_samples" yaml:"min_samples"`
	// Level is the confidence level of the ratio CI (default 0.95).
	Level float64 `json:"level" yaml:"level"`
	// Resamples is the number of bootstrap resamples (default 2000).
	Resamples int `json:"resamples" yaml:"resamples"`
	// Seed seeds the bootstrap; results are reproducible for a seed. Zero is
	// a seed like any other.
	Seed int64 `json:"seed" yaml:"seed"`
}

// DefaultPolicy is the policy the gate uses for a metric without its own.
func DefaultPolicy() Policy {
	return Policy{
		Threshold:  5,
		Alpha:      0.01,
		Direction:  LowerIsBetter,
		MinSamples: 10,
		Level:      stats.DefaultLevel,
		Resamples:  stats.DefaultResamples,
		Seed:       stats.DefaultSeed,
	}
}

// withDefaults fills zero fields from DefaultPolicy (Seed and Direction are
// meaningful at zero and stay as given).
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.Threshold == 0 {
		p.Threshold = d.Threshold
	}
	if p.Alpha == 0 {
		p.Alpha = d.Alpha
	}
	if p.MinSamples == 0 {
		p.MinSamples = d.MinSamples
	}
	if p.Level == 0 {
		p.Level = d.Level
	}
	if p.Resamples == 0 {
		p.Resamples = d.Resamples
	}
	return p
}

// Validate reports the first field that is out of range, after defaults,
// naming the field and what would be right. Compare treats an invalid
// policy as "no verdict possible" (Inconclusive with the error as Note);
// the gate calls Validate when it loads the policy so the user sees it as a
// usage error instead.
func (p Policy) Validate() error {
	p = p.withDefaults()
	switch {
	case !(p.Threshold > 0 && p.Threshold < 100) || math.IsNaN(p.Threshold):
		return fmt.Errorf("policy threshold %v: must be a percentage in (0, 100), e.g. 5", p.Threshold)
	case !(p.Alpha > 0 && p.Alpha < 1):
		return fmt.Errorf("policy alpha %v: must be in (0, 1), e.g. 0.01", p.Alpha)
	case p.Direction != LowerIsBetter && p.Direction != HigherIsBetter:
		return fmt.Errorf("policy direction %d: must be LowerIsBetter (0) or HigherIsBetter (1)", p.Direction)
	case p.MinSamples < 2:
		return fmt.Errorf("policy min_samples %d: must be at least 2 (a CI needs spread), e.g. 10", p.MinSamples)
	case !(p.Level > 0 && p.Level < 1):
		return fmt.Errorf("policy level %v: must be in (0, 1), e.g. 0.95", p.Level)
	case p.Resamples < 100:
		return fmt.Errorf("policy resamples %d: must be at least 100 for stable CI endpoints, e.g. 2000", p.Resamples)
	}
	return nil
}

// String returns "lower is better" or "higher is better".
func (d Direction) String() string {
	switch d {
	case LowerIsBetter:
		return "lower is better"
	case HigherIsBetter:
		return "higher is better"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// ParseDirection accepts "lower" or "higher" (any case, with or without
// "_is_better"); an empty string is the default, lower.
func ParseDirection(s string) (Direction, error) {
	switch strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "_is_better") {
	case "lower", "":
		return LowerIsBetter, nil
	case "higher":
		return HigherIsBetter, nil
	}
	return 0, fmt.Errorf("direction %q: must be \"lower\" or \"higher\"", s)
}
