package llm

import (
	"net/http"
	"strconv"
	"strings"
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

// FuzzParseRetryAfter: Retry-After is outside input. For any header value
// the wait is never negative and never more than the cap on whole seconds
// (1e9 s, plus under a second of fraction) unless it is a date; padding
// with spaces changes nothing; a value of plain digits is that many
// seconds; "n.f" lies in [n, n+1) seconds. For any offset, an HTTP date
// that many seconds after now is that wait (0 if it is in the past).
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzParseRetryAfter -fuzztime 60s -parallel 1 ./engine/llm
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "2", " 30 ", "1.5", "0.000000000001", "99999999999999999999", "1e3", "-3",
		"Sun, 01 Mar 2026 12:00:05 GMT", "Sunday, 01-Mar-26 12:01:00 GMT", "Sun Mar  1 12:00:05 2026", "5.", ".5", "١٢"} {
		f.Add(s, int64(5))
	}
	f.Add("", int64(-86400))
	f.Add("", int64(1e9))
	f.Fuzz(func(t *testing.T, v string, secs int64) {
		got := parseRetryAfter(v, now)
		if got < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, negative", v, got)
		}
		if again := parseRetryAfter(" \t"+v+" ", now); again != got {
			t.Fatalf("padding changed %q: %v, then %v", v, got, again)
		}
		trimmed := strings.TrimSpace(v)
		if trimmed != "" && trimmed[0] >= '0' && trimmed[0] <= '9' {
			if got > 1e9*time.Second+time.Second {
				t.Fatalf("parseRetryAfter(%q) = %v, over the cap", v, got)
			}
			whole, frac, dot := strings.Cut(trimmed, ".")
			if allDigits(whole) && (!dot || allDigits(frac)) {
				n, err := strconv.ParseUint(whole, 10, 64)
				if err != nil || n > 1e9 {
					n = 1e9
				}
				lo := time.Duration(n) * time.Second
				if got < lo || (!dot && got != lo) || got >= lo+time.Second {
					t.Fatalf("parseRetryAfter(%q) = %v; want %v (plus under a second of fraction)", v, got, lo)
				}
			} else if got != 0 {
				t.Fatalf("parseRetryAfter(%q) = %v; a value that is not digits[.digits] is no hint", v, got)
			}
		}

		secs = max(min(secs, 1e9), -1e9)
		date := now.Add(time.Duration(secs) * time.Second).Format(http.TimeFormat)
		want := max(time.Duration(secs)*time.Second, 0)
		if d := parseRetryAfter(date, now); d != want {
			t.Fatalf("parseRetryAfter(%q) = %v; want %v", date, d, want)
		}
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
