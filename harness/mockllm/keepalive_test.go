package mockllm

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A stream with a keep-alive interval sends comments all through its wait
// for the first token, then the whole reply: the stall a client of a
// thinking model sees. Without an interval it sends one comment per wait.
func TestKeepAliveIntervalFillsTheWait(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		model   string
		atLeast int // comments before the first chunk
		exactly int // 0: no exact count
	}{
		{"directive", Config{}, "@ttft-600ms+keepalive-100ms+tokens-3/a", 3, 0},
		{"config", Config{Latency: Latency{TTFT: 600 * time.Millisecond, Tokens: 3},
			Faults: Faults{KeepAlive: 1, KeepAliveInterval: 100 * time.Millisecond}}, "plain/b", 3, 0},
		{"no interval: one comment", Config{}, "@ttft-300ms+keepalive+tokens-3/c", 1, 1},
		{"interval without keepalive: none", Config{Latency: Latency{TTFT: 300 * time.Millisecond, Tokens: 3},
			Faults: Faults{KeepAliveInterval: 50 * time.Millisecond}}, "plain/d", 0, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, run := startServer(t, c.cfg)
			resp, d := streamChat(t, run.BaseURL, chatReq(c.model, true, false))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.NoError(t, d.err)
			assert.True(t, d.done, "the reply follows the wait")
			assert.Equal(t, 3, d.tokens)
			before := 0
			for _, e := range d.events {
				if e.data != "" {
					break
				}
				before++
			}
			assert.GreaterOrEqual(t, before, c.atLeast)
			switch {
			case c.exactly > 0:
				assert.Equal(t, c.exactly, before)
			case c.exactly < 0:
				assert.Zero(t, before)
			}
			assert.Equal(t, int64(len(d.comments)), srv.Stats().KeepAlives, "every comment sent is counted")
			for _, cm := range d.comments {
				assert.Equal(t, " OPENROUTER PROCESSING", cm)
			}
		})
	}
}
