package mockllm

import "sync/atomic"

// Stats is a snapshot of the server's counters since New. Counters only grow
// (InFlight excepted): a load run takes the difference of two snapshots.
// GET /mock/stats serves the same struct as JSON.
type Stats struct {
	// Requests is every POST to the chat completions endpoint, bad ones
	// included; ByStatus splits them by the HTTP status they were answered
	// with (a cut or errored stream still counts as its 200).
	Requests int64         `json:"requests"`
	ByStatus map[int]int64 `json:"by_status"`
	InFlight int64         `json:"in_flight"`

	StreamsCompleted int64 `json:"streams_completed"` // streamed replies that sent data: [DONE]
	RepliesCompleted int64 `json:"replies_completed"` // non-streamed replies written in full
	StreamsCut       int64 `json:"streams_cut"`       // connection closed mid-reply by a cut fault (stream or not)
	StreamErrors     int64 `json:"stream_errors"`     // error objects sent inside a 200 reply
	Malformed        int64 `json:"malformed"`         // malformed chunks (or bodies) sent
	KeepAlives       int64 `json:"keepalives"`        // keep-alive comment lines sent

	// ClientCancels counts requests whose client went away (request context
	// canceled, or a write failed) before the last byte of the reply was
	// written. It is how a test proves that a client's disconnect reached
	// the upstream. Shutdown of the mock itself is not counted.
	ClientCancels int64 `json:"client_cancels"`

	PromptTokens     int64 `json:"prompt_tokens"`     // summed over replies that began
	CompletionTokens int64 `json:"completion_tokens"` // content tokens actually written
}

// counters is the live, lock-free side of Stats.
type counters struct {
	requests, inFlight                  atomic.Int64
	byStatus                            [600]atomic.Int64
	streamsCompleted, repliesCompleted  atomic.Int64
	streamsCut, streamErrors, malformed atomic.Int64
	keepAlives, clientCancels           atomic.Int64
	promptTokens, completionTokens      atomic.Int64
}

func (c *counters) status(code int) {
	if code >= 0 && code < len(c.byStatus) {
		c.byStatus[code].Add(1)
	}
}

func (c *counters) snapshot() Stats {
	s := Stats{
		Requests:         c.requests.Load(),
		ByStatus:         map[int]int64{},
		InFlight:         c.inFlight.Load(),
		StreamsCompleted: c.streamsCompleted.Load(),
		RepliesCompleted: c.repliesCompleted.Load(),
		StreamsCut:       c.streamsCut.Load(),
		StreamErrors:     c.streamErrors.Load(),
		Malformed:        c.malformed.Load(),
		KeepAlives:       c.keepAlives.Load(),
		ClientCancels:    c.clientCancels.Load(),
		PromptTokens:     c.promptTokens.Load(),
		CompletionTokens: c.completionTokens.Load(),
	}
	for code := range c.byStatus {
		if n := c.byStatus[code].Load(); n > 0 {
			s.ByStatus[code] = n
		}
	}
	return s
}
