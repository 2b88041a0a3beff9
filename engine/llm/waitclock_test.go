package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitClockSplit(t *testing.T) {
	const us = int64(time.Microsecond)
	tests := []struct {
		name                               string
		getConn, gotConn, wrote, firstByte int64 // µs after the start; 0: not seen
		total                              time.Duration
		want                               time.Duration
	}{
		{"reused connection", 5, 6, 40, 440, 500 * time.Microsecond, 401 * time.Microsecond},
		{"dialed connection", 5, 2005, 2040, 2440, 2500 * time.Microsecond, 2400 * time.Microsecond},
		{"no events (a RoundTripper without tracing)", 0, 0, 0, 0, time.Millisecond, time.Millisecond},
		{"answered before the request was written", 5, 6, 0, 300, time.Millisecond, time.Millisecond},
		{"no first byte (the round trip failed)", 5, 6, 40, 0, time.Millisecond, time.Millisecond},
		{"events out of order", 5, 6, 400, 300, time.Millisecond, time.Millisecond},
		{"first byte after Do returned", 5, 6, 40, 2000, time.Millisecond, time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c waitClock
			c.getConn.Store(tc.getConn * us)
			c.gotConn.Store(tc.gotConn * us)
			c.wrote.Store(tc.wrote * us)
			c.firstByte.Store(tc.firstByte * us)
			got := c.waited(tc.total)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, got, tc.total, "upstream never exceeds the round trip")
		})
	}
}

// The split against a real server: time the server takes before its
// headers and between chunks is upstream; time the caller spends in
// onToken is not.
func TestUpstreamCountsServerWaitsNotClientWork(t *testing.T) {
	const before, between, inCallback = 40 * time.Millisecond, 30 * time.Millisecond, 25 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(before)
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(`data: {"choices":[{"delta":{"content":"a"}}]}` + "\n\n"))
		w.(http.Flusher).Flush()
		time.Sleep(between)
		w.Write([]byte(`data: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n"))
	}))
	defer srv.Close()
	c := New(WithBaseURL(srv.URL+"/v1"), WithAPIKey("k"), WithTransport(NewTransport()))
	resp, err := c.Chat(context.Background(), question("m"), func(string) { time.Sleep(inCallback) })
	require.NoError(t, err)
	assert.Equal(t, "ab", resp.Content)
	// The server's pause before its headers is upstream. Not all of it
	// shows: the server starts sleeping when it has read the request, and
	// the clock starts when the transport reports the request written,
	// which a descheduled client reports late (43 ms of the 45 ms the
	// pauses leave uncovered, once, under -race on a busy machine). Half
	// the header pause still fails a clock that counted none of it, which
	// would show the few milliseconds of the second pause's remainder.
	assert.GreaterOrEqual(t, resp.Upstream, before/2)
	assert.GreaterOrEqual(t, resp.Latency-resp.Upstream, 2*inCallback, "onToken is the caller's time")
	assert.Less(t, resp.Upstream, resp.Latency)
	c.drains.Wait()
	assert.True(t, strings.HasPrefix(resp.Model, "m"))
}
