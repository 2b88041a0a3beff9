package llm

import (
	"fmt"
	"strings"
	"time"
)

// This file is the contract between the client and its callers
// (engine/consensus). Change it only together with them.

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // "system", "user", "assistant"
	Content string `json:"content"`
}

// Request is one chat completion as the caller describes it. The client
// always streams from upstream (to measure time-to-first-token) and asks for
// usage in the final chunk.
type Request struct {
	Model       string    // primary model, e.g. "openai/gpt-4o-mini"
	Fallbacks   []string  // tried in order when the primary fails before any byte was passed on
	Messages    []Message //
	Temperature *float64  // nil: server default
	MaxTokens   int       // 0: server default
	Stop        []string  // sequences at which upstream stops generating; none: no stop sequence
}

// Usage is what upstream reported. Tokens are never estimated from text when
// upstream gives usage; Reported says whether it did.
type Usage struct {
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	Cost             float64 `json:"cost"` // USD, when upstream reports it (OpenRouter does)
	CostReported     bool    `json:"cost_reported"`
	Reported         bool    `json:"reported"`
}

// Response is the outcome of Chat. On a stream that fails after tokens were
// passed on, Chat returns a partial Response (Content holds what arrived)
// together with an error.
type Response struct {
	Model        string        // the model that answered (after fallback), as upstream named it
	Content      string        // the full assistant text
	FinishReason string        // "stop", "length", ... as upstream sent it
	Usage        Usage         //
	TTFT         time.Duration // request start (of the successful attempt) to first content token
	Latency      time.Duration // Chat call start to end of stream, retries included
	// Upstream is the time spent blocked on upstream, all attempts and
	// backoffs included: getting a connection (dial, TLS), the wait from
	// each request's last byte written to its answer's first byte read, the
	// time blocked in reads of each response body, and the waits between
	// attempts. Encoding and writing the request, the HTTP transport's
	// goroutine handoffs, parsing and onToken are not in it, so
	// Latency − Upstream is the client's (and the callback's) own time.
	Upstream time.Duration
	Attempts int // HTTP attempts made, across models
}

// APIError is an error answer from upstream: an HTTP status >= 400, or an
// `error` object inside a stream whose HTTP status was 200 (Status is then 0
// unless the object carries a code).
type APIError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // from the Retry-After header, when given
	Model      string
}

func (e *APIError) Error() string {
	if e.Model == "" { // not about a model, e.g. GET /models
		return fmt.Sprintf("llm: upstream: status %d: %s", e.Status, e.Message)
	}
	if e.Status == 0 {
		// An error object inside a 200 stream carries no HTTP status.
		if e.Code != "" {
			return fmt.Sprintf("llm: upstream %s: error in stream (code %s): %s", e.Model, e.Code, e.Message)
		}
		return fmt.Sprintf("llm: upstream %s: error in stream: %s", e.Model, e.Message)
	}
	return fmt.Sprintf("llm: upstream %s: status %d: %s", e.Model, e.Status, e.Message)
}

// StreamError says a stream broke after some content had been passed on to
// the caller; it is not retried, because a retry would duplicate output.
type StreamError struct {
	Model string
	Err   error
}

func (e *StreamError) Error() string {
	return fmt.Sprintf("llm: stream from %s broke after output began: %v", e.Model, e.Err)
}
func (e *StreamError) Unwrap() error { return e.Err }

// FallbackError is returned when a request named fallbacks and every model
// failed before output began. Errs holds each model's last error, in the order
// the models were tried; errors.Is and errors.As look through all of them.
type FallbackError struct {
	Models []string
	Errs   []error
}

func (e *FallbackError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "llm: all %d models failed", len(e.Errs))
	for i, err := range e.Errs {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *FallbackError) Unwrap() []error { return e.Errs }
