package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Errors a stream attempt can fail with. They arrive wrapped (with the model
// and the limit that was hit), inside a *StreamError when output had begun;
// test for them with errors.Is.
var (
	ErrAttemptTimeout = errors.New("llm: attempt timeout")
	ErrTTFTTimeout    = errors.New("llm: time-to-first-token timeout")
	ErrIdleTimeout    = errors.New("llm: stream idle timeout")
	// ErrIncompleteStream: the stream ended cleanly at the transport level
	// but without "data: [DONE]" or a finish_reason, so the answer may be
	// cut short.
	ErrIncompleteStream = errors.New("llm: stream ended without [DONE] or a finish_reason")
	// ErrMalformedChunk: a data event was not a valid JSON object.
	ErrMalformedChunk = errors.New("llm: malformed stream chunk")
	// ErrNotAStream: a 200 answer that is not text/event-stream; the server
	// ignored "stream": true, which this client requires.
	ErrNotAStream = errors.New("llm: answer is not an SSE stream")
	// ErrAnswerTooLarge: the answer's content passed the client's cap
	// (WithMaxAnswerBytes). It is neither retried nor sent to a fallback:
	// another attempt would cost as much again.
	ErrAnswerTooLarge = errors.New("llm: answer over the size cap")
)

// drainTimeout bounds how long a finished stream's connection is drained in
// the background (to reuse it) before it is dropped instead.
const drainTimeout = 2 * time.Second

// streamState is the per-call scratch space, pooled so a call allocates
// almost nothing per chunk: the SSE reader's buffers, the chunk decoder's
// buffers and the content accumulator.
type streamState struct {
	sse     SSEReader
	ch      chunk
	body    timedBody
	content []byte
}

var statePool = sync.Pool{New: func() any { return new(streamState) }}

func putState(st *streamState) {
	st.body = timedBody{}
	st.sse.Reset(nil)
	// Do not let one huge answer pin memory in the pool.
	if cap(st.content) > 1<<20 || cap(st.sse.buf) > 1<<20 || cap(st.sse.data) > 1<<20 {
		return
	}
	st.content = st.content[:0]
	statePool.Put(st)
}

// timedBody wraps a response body to measure the time spent blocked reading
// it (that is upstream time, not engine time) and to push back the idle
// timer whenever bytes arrive.
type timedBody struct {
	r      io.Reader
	spent  time.Duration
	idle   *time.Timer
	idleTO time.Duration
}

func (b *timedBody) Read(p []byte) (int, error) {
	t := time.Now()
	n, err := b.r.Read(p)
	b.spent += time.Since(t)
	if n > 0 && b.idle != nil {
		b.idle.Reset(b.idleTO)
	}
	return n, err
}

// outcome is what one attempt tells the retry loop.
type outcome struct {
	err        error
	began      bool          // content was passed on: no retry, no fallback
	retry      bool          // the same model may be tried again
	stop       bool          // no other model will fare better (bad key, caller gone)
	retryAfter time.Duration // what the server asked for, 0 if nothing
}

// Chat sends req and streams the answer, calling onToken (if not nil) with
// each content delta in order as it arrives, on the calling goroutine.
//
// Failures before any content arrived are retried (connection errors, 408,
// 429, 5xx, in-stream errors, timeouts, streams that end early) with
// exponential backoff and jitter, honouring Retry-After; when a model's
// retries are spent, or it failed with another 4xx or a malformed stream, the
// next of req.Fallbacks is tried. A 401 stops at once (the key is wrong for
// every model). Once content has arrived nothing is retried: a broken stream
// returns the partial Response and a *StreamError. A cancelled ctx aborts the
// upstream request at once and returns ctx's error.
//
// The Response is non-nil whenever a request was attempted, also with an
// error, so Attempts, Latency and Upstream can be recorded. Upstream counts
// the time blocked on upstream: getting a connection, each attempt's wait
// from its request written to the answer's first byte, the time blocked in
// reads of the response body, and backoff waits. It does not count encoding
// or writing the request, the transport's goroutine handoffs, parsing, or
// onToken. So Latency − Upstream is the client's own overhead plus whatever
// onToken costs.
func (c *Client) Chat(ctx context.Context, req Request, onToken func(delta string)) (*Response, error) {
	start := time.Now()
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	out := &Response{}
	st := statePool.Get().(*streamState)
	defer putState(st)

	var failures []error // each failed model's last error, for FallbackError
	for mi := 0; mi <= len(req.Fallbacks); mi++ {
		model := req.Model
		if mi > 0 {
			model = req.Fallbacks[mi-1]
		}
		body := encodeRequest(&req, model)
		var o outcome
		for try := 0; ; try++ {
			o = c.attempt(ctx, body, model, out, onToken, st)
			out.Attempts++
			if o.err == nil || o.began {
				out.Content = string(st.content)
				out.Latency = time.Since(start)
				return out, o.err
			}
			if o.stop || !o.retry || try >= c.maxRetries {
				break
			}
			d := c.retryWait(try, o.retryAfter)
			t := time.Now()
			err := c.sleep(ctx, d)
			out.Upstream += time.Since(t)
			if err != nil {
				out.Latency = time.Since(start)
				return out, fmt.Errorf("llm: %s: waiting %s to retry after %v: %w", model, d.Round(time.Millisecond), o.err, err)
			}
		}
		if o.stop {
			out.Latency = time.Since(start)
			return out, o.err
		}
		failures = append(failures, o.err)
	}
	out.Latency = time.Since(start)
	if len(failures) == 1 {
		return out, failures[0]
	}
	models := append([]string{req.Model}, req.Fallbacks...)
	return out, &FallbackError{Models: models, Errs: failures}
}

// attempt makes one HTTP request to model and reads its stream into out and
// st.content.
func (c *Client) attempt(ctx context.Context, body []byte, model string, out *Response, onToken func(string), st *streamState) outcome {
	out.Model, out.FinishReason, out.Usage, out.TTFT = model, "", Usage{}, 0
	st.content = st.content[:0]

	// The request's context follows the caller's until a finished stream's
	// body goes to a background drain (see drain), and from then on no
	// longer: the transport closes a connection whose request's context
	// ends while its body is still open, and the caller's context ends
	// right after the call more often than not (the last stage of every
	// run in hive serve), so the drain lost the connection it was there to
	// keep, and the next call dialed a new one.
	actx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	stopFollowing := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	handedOff := false // the body went to a background drain, which cancels
	defer func() {
		if !handedOff {
			stopFollowing()
			cancel(nil)
		}
	}()
	t0 := time.Now()
	if c.attemptTO > 0 {
		t := time.AfterFunc(c.attemptTO, func() { cancel(ErrAttemptTimeout) })
		defer t.Stop()
	}
	var ttft *time.Timer
	if c.ttftTO > 0 {
		ttft = time.AfterFunc(c.ttftTO, func() { cancel(ErrTTFTTimeout) })
		defer ttft.Stop()
	}

	var clock waitClock
	hreq, err := http.NewRequestWithContext(clock.trace(actx), http.MethodPost, c.chatURL, bytes.NewReader(body))
	if err != nil {
		return outcome{err: fmt.Errorf("llm: building request to %s: %w", c.chatURL, err), stop: true}
	}
	hreq.Header = c.header // read-only, shared: RoundTrip must not modify it
	clock.start = time.Now()
	resp, err := c.hc.Do(hreq)
	out.Upstream += clock.waited(time.Since(clock.start))
	if err != nil {
		return c.failed(ctx, actx, model, fmt.Errorf("llm: %s: %w", model, err), false)
	}
	bodyOpen := true
	defer func() {
		if bodyOpen {
			resp.Body.Close()
		}
	}()

	if o, ok := c.notAStream(ctx, actx, resp, model, out, st); ok {
		return o
	}

	var idle *time.Timer
	if c.idleTO > 0 {
		idle = time.AfterFunc(c.idleTO, func() { cancel(ErrIdleTimeout) })
		defer idle.Stop()
	}
	st.body = timedBody{r: resp.Body, idle: idle, idleTO: c.idleTO}
	began, done, serr := c.readStream(model, out, onToken, st, t0, ttft)
	out.Upstream += st.body.spent

	if done {
		// The transport reuses a connection only if its body was read to
		// the end; the end usually follows [DONE] at once, but do not make
		// the caller wait for it (a wait on the caller's path measured 20%
		// more CPU per call in BenchmarkChat: the caller's thread went idle
		// and was woken again). stopFollowing is false when the caller's
		// context already ended: the request is being canceled.
		if !st.sse.eof && stopFollowing() {
			handedOff, bodyOpen = true, false
			c.drains.Go(func() { drain(resp.Body, cancel) })
		}
		return outcome{began: began}
	}
	return c.streamEnded(ctx, actx, model, out, st, began, serr)
}

// notAStream handles an answer that is not an event stream: an HTTP error
// status, or a JSON body (an error object, or a server that ignored
// "stream": true). ok is false for a 200 event stream, which the caller
// reads.
func (c *Client) notAStream(ctx, actx context.Context, resp *http.Response, model string, out *Response, st *streamState) (o outcome, ok bool) {
	if resp.StatusCode != http.StatusOK {
		tb := timedBody{r: resp.Body}
		e := statusErrorFrom(resp, &tb, model, &st.ch)
		out.Upstream += tb.spent
		if ctx.Err() != nil {
			return c.failed(ctx, actx, model, e, false), true
		}
		o := outcome{err: e, retryAfter: e.RetryAfter}
		o.retry, o.stop = classifyStatus(e.Status)
		return o, true
	}
	ct := resp.Header.Get("Content-Type")
	if !isJSON(ct) {
		return outcome{}, false
	}
	tb := timedBody{r: resp.Body}
	data, _ := io.ReadAll(io.LimitReader(&tb, 64<<10))
	out.Upstream += tb.spent
	if st.ch.decode(data) == nil && st.ch.hasErr {
		e := chunkAPIError(&st.ch, model)
		retry, stop := classifyStatus(e.Status)
		return outcome{err: e, retry: retry || e.Status == 0, stop: stop}, true
	}
	return outcome{err: fmt.Errorf("%w: %s answered 200 with Content-Type %q; the server must support \"stream\": true (body starts %s)",
		ErrNotAStream, model, ct, snippet(data))}, true
}

// readStream reads the event stream in st.body into out and st.content,
// calling onToken for each piece of content. It returns whether content
// began, whether [DONE] came, and a stream-level error found in the data
// (an error event or chunk, a malformed chunk, an answer over the cap).
func (c *Client) readStream(model string, out *Response, onToken func(string), st *streamState, t0 time.Time, ttft *time.Timer) (began, done bool, serr error) {
	st.sse.Reset(&st.body)
	ch := &st.ch
	for st.sse.Next() {
		ev := st.sse.Event()
		if string(ev.Data) == "[DONE]" {
			done = true
			break
		}
		if err := ch.decode(ev.Data); err != nil {
			if ev.Type == "error" { // an error event whose data is plain text
				serr = &APIError{Model: model, Message: "error event: " + string(truncate(ev.Data, 500))}
			} else {
				serr = fmt.Errorf("%w from %s: %v; data: %s", ErrMalformedChunk, model, err, snippet(ev.Data))
			}
			break
		}
		if ch.hasErr || ev.Type == "error" {
			serr = chunkAPIError(ch, model)
			break
		}
		if ch.hasModel && len(ch.model) > 0 && string(ch.model) != out.Model {
			out.Model = string(ch.model)
		}
		if ch.hasContent && len(ch.content) > 0 {
			if c.maxAnswer > 0 && len(st.content)+len(ch.content) > c.maxAnswer {
				serr = fmt.Errorf("%w: %s sent more than %d bytes of content; raise the cap (llm.WithMaxAnswerBytes, hive serve --max-answer-bytes) if such answers are expected",
					ErrAnswerTooLarge, model, c.maxAnswer)
				break
			}
			if !began {
				began = true
				out.TTFT = time.Since(t0)
				if ttft != nil {
					ttft.Stop()
				}
			}
			st.content = append(st.content, ch.content...)
			if onToken != nil {
				onToken(string(ch.content))
			}
		}
		if len(ch.finish) > 0 && string(ch.finish) != out.FinishReason {
			out.FinishReason = string(ch.finish)
		}
		if ch.usage {
			out.Usage = Usage{
				PromptTokens:     int(ch.prompt),
				CompletionTokens: int(ch.complete),
				Cost:             ch.cost,
				CostReported:     ch.hasCost,
				Reported:         true,
			}
		}
	}
	return began, done, serr
}

// streamEnded classifies a stream that ended without [DONE]: a read error, a
// stream complete but for [DONE], or serr. A stream that had begun is not
// retried (its tokens went to the caller); one that had not may be.
func (c *Client) streamEnded(ctx, actx context.Context, model string, out *Response, st *streamState, began bool, serr error) outcome {
	if serr == nil {
		if err := st.sse.Err(); err != nil {
			return c.failed(ctx, actx, model, fmt.Errorf("llm: reading stream from %s: %w", model, err), began)
		}
		if out.FinishReason != "" {
			return outcome{began: began} // complete, only [DONE] missing
		}
		serr = fmt.Errorf("%w (from %s)", ErrIncompleteStream, model)
	}
	if began {
		return outcome{err: &StreamError{Model: model, Err: serr}, began: true}
	}
	o := outcome{err: serr, retry: true}
	var ae *APIError
	switch {
	case errors.As(serr, &ae):
		retry, stop := classifyStatus(ae.Status)
		o.retry, o.stop = retry || ae.Status == 0, stop
	case errors.Is(serr, ErrMalformedChunk):
		o.retry = false // the same server will likely send the same bytes
	case errors.Is(serr, ErrAnswerTooLarge):
		o.retry, o.stop = false, true
	}
	return o
}

// failed turns a transport or read error into an outcome, naming the real
// cause when one of the client's own timers or the caller's cancel was it.
func (c *Client) failed(ctx, actx context.Context, model string, err error, began bool) outcome {
	if ctx.Err() != nil {
		// The caller is gone or out of time: stop everything.
		return outcome{err: fmt.Errorf("llm: %s: %w", model, context.Cause(ctx)), began: began, stop: true}
	}
	switch cause := context.Cause(actx); cause {
	case ErrAttemptTimeout:
		err = fmt.Errorf("%w: %s took longer than %s", ErrAttemptTimeout, model, c.attemptTO)
	case ErrTTFTTimeout:
		err = fmt.Errorf("%w: no content from %s within %s", ErrTTFTTimeout, model, c.ttftTO)
	case ErrIdleTimeout:
		err = fmt.Errorf("%w: %s sent nothing for %s", ErrIdleTimeout, model, c.idleTO)
	}
	if began {
		return outcome{err: &StreamError{Model: model, Err: err}, began: true}
	}
	return outcome{err: err, retry: true}
}

// drain reads what is left of a finished stream so the connection can be
// reused, giving up (and dropping the connection) after drainTimeout.
func drain(body io.ReadCloser, cancel context.CancelCauseFunc) {
	t := time.AfterFunc(drainTimeout, func() { cancel(errDrainTimeout) })
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	t.Stop()
	body.Close()
	cancel(nil)
}

var errDrainTimeout = errors.New("llm: draining a finished stream took too long")

// classifyStatus says whether an HTTP status is worth retrying on the same
// model, and whether it should stop the fallback chain.
func classifyStatus(status int) (retry, stop bool) {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return true, false
	case status == http.StatusUnauthorized:
		return false, true // a bad key is bad for every model
	default:
		// Other 4xx (bad request, model not found, moderation, context
		// too long): this model will not do it, another might.
		return false, false
	}
}

// isJSON says the answer is a plain JSON document: the server ignored
// "stream": true or sent an error as JSON with status 200. Any other type is
// read as SSE, since some servers label their streams loosely.
func isJSON(ct string) bool {
	// By hand rather than mime.ParseMediaType, which allocates on every call.
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// statusErrorFrom builds the APIError of a non-200 answer from its body,
// which is usually {"error": {"message": ..., "code": ...}}.
func statusErrorFrom(resp *http.Response, body io.Reader, model string, ch *chunk) *APIError {
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	e := &APIError{Status: resp.StatusCode, Model: model,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	if ch.decode(data) == nil && ch.hasErr {
		e.Message, e.Code = string(ch.errMsg), string(ch.errCode)
	}
	if e.Message == "" {
		if t := bytes.TrimSpace(data); len(t) > 0 {
			e.Message = string(truncate(t, 500))
		} else {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	return e
}

// statusError is statusErrorFrom for calls outside the streaming path.
func (c *Client) statusError(resp *http.Response, model string) *APIError {
	var ch chunk
	return statusErrorFrom(resp, resp.Body, model, &ch)
}

// chunkAPIError builds the APIError of an error object inside a stream.
func chunkAPIError(ch *chunk, model string) *APIError {
	e := &APIError{Model: model, Message: string(ch.errMsg), Code: string(ch.errCode)}
	if ch.errNum >= 100 && ch.errNum <= 599 {
		e.Status = int(ch.errNum)
	}
	if e.Message == "" {
		e.Message = "error object in the stream without a message"
	}
	return e
}

// snippet quotes the start of data for an error message.
func snippet(data []byte) string {
	return fmt.Sprintf("%q", truncate(data, 120))
}

// truncate cuts b to at most n bytes without splitting a UTF-8 sequence.
func truncate(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}
