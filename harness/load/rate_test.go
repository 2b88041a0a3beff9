package load

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRate(t *testing.T) {
	valid := []struct {
		in     string
		perSec float64
		str    string
	}{
		{"1000/min", 1000.0 / 60, "1000/min"},
		{"16.5/s", 16.5, "990/min"},
		{"2/h", 2.0 / 3600, "0.000555556/s"},
		{" 3 / sec ", 3, "180/min"},
		{"0.5/s", 0.5, "30/min"},
		{"1/minute", 1.0 / 60, "1/min"},
		{"7/min", 7.0 / 60, "7/min"},
	}
	for _, c := range valid {
		r, err := ParseRate(c.in)
		require.NoError(t, err, c.in)
		assert.InDelta(t, c.perSec, r.PerSecond(), 1e-12, c.in)
		assert.Equal(t, c.str, r.String(), c.in)
	}
	invalid := []struct{ in, want string }{
		{"1000", "no unit"},
		{"10/day", "unknown time unit"},
		{"0/s", "not a positive number"},
		{"-5/min", "not a positive number"},
		{"fast/s", "not a positive number"},
		{"NaN/s", "not a positive number"},
		{"", "no unit"},
		{"1e-300/s", "out of range"}, // the interval overflowed to a negative Duration
		{"1e300/s", "out of range"},  // the interval rounded to 0
		{"2000000/s", "out of range"},
		{"1/day", "unknown time unit"},
		{"0.04/h", "out of range"}, // under one arrival per 24h
	}
	for _, c := range invalid {
		_, err := ParseRate(c.in)
		require.Error(t, err, c.in)
		assert.Contains(t, err.Error(), c.want, c.in)
	}
}

func TestRateSchedule(t *testing.T) {
	r := mustRate(t, "1000/min")
	assert.Equal(t, 60*time.Millisecond, r.Interval())
	assert.Equal(t, 600*time.Millisecond, r.offset(10), "rounded, not truncated to 599.999999ms")
	assert.Equal(t, time.Duration(0), r.offset(0))
}

func TestParseGrowthBounds(t *testing.T) {
	bytes := []struct {
		in   string
		want float64
	}{
		{"1MB/min", 1e6},
		{"512KiB/min", 512 * 1024},
		{"20KB/s", 20e3 * 60},
		{"1 GB / h", 1e9 / 60},
		{"100B/s", 6000},
	}
	for _, c := range bytes {
		v, err := ParseBytesPerMinute(c.in)
		require.NoError(t, err, c.in)
		assert.InDelta(t, c.want, float64(v), 1e-6, c.in)
	}
	for _, in := range []string{"1MB", "1/min", "1XB/min", "-1MB/min", "MB/min", "1MB/day", "1e308GB/s"} {
		_, err := ParseBytesPerMinute(in)
		assert.Error(t, err, in)
	}
	n, err := ParseCountPerMinute("10/h")
	require.NoError(t, err)
	assert.InDelta(t, 10.0/60, float64(n), 1e-12)
	_, err = ParseCountPerMinute("10")
	assert.Error(t, err)
	n, err = ParseCountPerMinute("0.01/h")
	require.NoError(t, err, "a bound is not an arrival rate: no lower limit")
	assert.InDelta(t, 0.01/60, float64(n), 1e-15)
	_, err = ParseCountPerMinute("1e308/s")
	assert.Error(t, err, "+Inf per minute")
}
