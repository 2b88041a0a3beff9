package llm

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"2", 2 * time.Second},
		{" 30 ", 30 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"Sun, 01 Mar 2026 12:00:05 GMT", 5 * time.Second},
		{"Sunday, 01-Mar-26 12:01:00 GMT", time.Minute}, // RFC 850, still legal to send
		{"Sun, 01 Mar 2026 11:59:00 GMT", 0},            // in the past
		{"-3", 0},
		{"soon", 0},
		{"2s", 0},
		{"NaN", 0},
		{"99999999999999999999", 1e9 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, parseRetryAfter(c.in, now))
		})
	}
}

func TestRetryWait(t *testing.T) {
	c := New(WithRetry(10, 100*time.Millisecond, time.Second))
	cases := []struct {
		try        int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{0, 0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 0, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 0, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 0, 500 * time.Millisecond, time.Second}, // capped at maxBackoff
		{60, 0, 500 * time.Millisecond, time.Second},
		{0, 3 * time.Second, 3 * time.Second, 3300 * time.Millisecond},
		{0, time.Hour, MaxRetryAfter, MaxRetryAfter + MaxRetryAfter/10},
	}
	for _, tc := range cases {
		for range 200 { // jitter is random: every draw must be in bounds
			d := c.retryWait(tc.try, tc.retryAfter)
			assert.GreaterOrEqual(t, d, tc.lo, "try %d", tc.try)
			assert.LessOrEqual(t, d, tc.hi, "try %d", tc.try)
		}
	}
	assert.Zero(t, New(WithRetry(1, 0, 0)).retryWait(0, 0), "no backoff configured")
}
