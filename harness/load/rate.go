package load

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is an arrival rate in requests per second. It is written "R/s",
// "R/min" or "R/h" (R a positive decimal), in flags and in scenario files,
// because load targets are usually stated per minute while schedulers work
// per second.
type Rate float64

// perUnit maps the accepted time units of a rate to seconds.
var perUnit = map[string]float64{
	"s": 1, "sec": 1, "second": 1,
	"m": 60, "min": 60, "minute": 60,
	"h": 3600, "hour": 3600,
}

// The bounds of an arrival rate. Slower than one arrival per MaxDuration,
// no run sees a second arrival (and the interval overflows a Duration near
// 1e-10/s); faster than one per microsecond is far beyond what one
// generator issues (BenchmarkGeneratorMaxRate), and near 1e9/s the interval
// rounds to nothing.
const (
	MinRate Rate = Rate(time.Second) / Rate(MaxDuration)
	MaxRate Rate = 1e6
)

// ParseRate parses "1000/min", "16.7/s" or "2/h": an arrival rate between
// MinRate and MaxRate.
func ParseRate(s string) (Rate, error) {
	r, err := parsePerTime(s)
	if err != nil {
		return 0, err
	}
	if r < MinRate || r > MaxRate {
		return 0, fmt.Errorf("rate %q is out of range; want at least 1 arrival per %v and at most %.0f/s", s, MaxDuration, float64(MaxRate))
	}
	return r, nil
}

// parsePerTime parses COUNT/TIME into a positive, finite count per second.
func parsePerTime(s string) (Rate, error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, fmt.Errorf("rate %q has no unit; want R/s, R/min or R/h such as 1000/min", s)
	}
	secs, ok := perUnit[strings.TrimSpace(unit)]
	if !ok {
		return 0, fmt.Errorf("rate %q: unknown time unit %q; want s, min or h (e.g. 1000/min)", s, unit)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v/secs == 0 {
		return 0, fmt.Errorf("rate %q: %q is not a positive number; want R/s, R/min or R/h such as 1000/min", s, num)
	}
	return Rate(v / secs), nil
}

// PerSecond is the rate in requests per second.
func (r Rate) PerSecond() float64 { return float64(r) }

// Interval is the time between two arrivals.
func (r Rate) Interval() time.Duration {
	if r <= 0 {
		return 0
	}
	return time.Duration(math.Round(float64(time.Second) / float64(r)))
}

// offset is the scheduled time of arrival i: i/rate, rounded to the
// nanosecond. Rounding (not truncating) keeps float error from moving an
// arrival across the end of the run: 10 arrivals at 1000/min are at
// 0…540 ms, and the 11th at exactly 600 ms is outside a 600 ms run.
func (r Rate) offset(i int64) time.Duration {
	return time.Duration(math.Round(float64(i) * float64(time.Second) / float64(r)))
}

// String writes the rate per minute when that is a whole number (as
// scenarios are usually stated), else per second.
func (r Rate) String() string {
	// Per minute when that is a whole number up to float rounding
	// (1000/min is stored as 16.666…/s and comes back as 1000.0000000000001).
	if m := float64(r) * 60; m >= 1 && math.Abs(m-math.Round(m)) < 1e-9*m {
		return strconv.FormatFloat(math.Round(m), 'f', -1, 64) + "/min"
	}
	return strconv.FormatFloat(float64(r), 'g', 6, 64) + "/s"
}

// UnmarshalYAML reads the "R/unit" form; a bare number is refused because
// it would be ambiguous between per second and per minute.
func (r *Rate) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return fmt.Errorf("rate must be a string such as 1000/min: %w", err)
	}
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MarshalText writes the String form, so a report's JSON keeps the unit.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// PerMinute is a growth bound per minute of some quantity: bytes for
// "1MB/min", a count for "1/min". Soak verdicts compare slopes with it.
type PerMinute float64

// sizeSuffixes are SI and binary byte multiples, as harness/results defines them.
var sizeSuffixes = []struct {
	suffix string
	mult   float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
}

// ParseBytesPerMinute parses a byte growth rate such as "1MB/min",
// "512KiB/min" or "20KB/s" into bytes per minute.
func ParseBytesPerMinute(s string) (PerMinute, error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	secs, known := perUnit[strings.TrimSpace(unit)]
	if !ok || !known {
		return 0, fmt.Errorf("growth bound %q: want SIZE/TIME such as 1MB/min (sizes B, KB, MB, GB, KiB, MiB, GiB; times s, min, h)", s)
	}
	num = strings.TrimSpace(num)
	mult := 0.0
	for _, u := range sizeSuffixes {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	if mult == 0 {
		return 0, fmt.Errorf("growth bound %q: no size unit; want SIZE/TIME such as 1MB/min", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0, fmt.Errorf("growth bound %q: %q is not a positive number", s, num)
	}
	return perMinute(s, v*mult*60/secs)
}

// perMinute refuses a bound that overflowed on its way to a per-minute
// figure ("1e308GB/s" is +Inf bytes per minute).
func perMinute(s string, v float64) (PerMinute, error) {
	if math.IsInf(v, 0) || v <= 0 {
		return 0, fmt.Errorf("growth bound %q is out of range: %g per minute", s, v)
	}
	return PerMinute(v), nil
}

// ParseCountPerMinute parses a count growth rate such as "1/min" or "10/h".
func ParseCountPerMinute(s string) (PerMinute, error) {
	// Not ParseRate: a bound is not an arrival rate, so its range is only
	// what a float holds.
	r, err := parsePerTime(s)
	if err != nil {
		return 0, fmt.Errorf("growth bound %q: want COUNT/TIME such as 1/min", s)
	}
	return perMinute(s, float64(r)*60)
}
