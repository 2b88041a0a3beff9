package llm

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// retryWait returns how long to wait before retry number try+1 of a model.
// A server's Retry-After is honoured (capped at MaxRetryAfter) with up to
// 10% jitter added, so that many runs throttled together do not return
// together; otherwise the wait is exponential backoff with "equal jitter":
// half the backoff plus a random part of the other half.
func (c *Client) retryWait(try int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		ra := min(retryAfter, MaxRetryAfter)
		return ra + rand.N(ra/10+1)
	}
	d := c.maxBackoff
	if try < 30 && c.backoff<<try < c.maxBackoff {
		d = c.backoff << try
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). Fractional seconds are accepted, since some servers
// send them. Anything unreadable or in the past is 0 (no hint).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if v[0] >= '0' && v[0] <= '9' {
		var whole, frac, scale int64 = 0, 0, 1
		i := 0
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			if whole < 1e9 { // beyond ~31 years it no longer matters
				whole = whole*10 + int64(v[i]-'0')
			}
		}
		if i < len(v) && v[i] == '.' {
			for i++; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
				if scale < 1e9 {
					frac, scale = frac*10+int64(v[i]-'0'), scale*10
				}
			}
		}
		if i != len(v) {
			return 0
		}
		whole = min(whole, 1e9) // keeps the Duration from overflowing
		return time.Duration(whole)*time.Second + time.Duration(frac)*time.Second/time.Duration(scale)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	if d := t.Sub(now); d > 0 {
		return d
	}
	return 0
}
