package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChatStream covers what real servers put in a single stream. Each case
// gets its own upstream answering every request the same way.
func TestChatStream(t *testing.T) {
	type want struct {
		content  string
		tokens   []string // what onToken saw, in order
		finish   string
		usage    Usage
		attempts int
		err      []error // errors.Is targets; nil means success
		apiErr   string  // substring of an *APIError's message, if one is expected
		stream   bool    // the error is a *StreamError (output had begun)
	}
	hello := []string{"Hello", ", ", "world"}
	okUsage := Usage{PromptTokens: 12, CompletionTokens: 3, Cost: 0.00042, CostReported: true, Reported: true}
	cases := []struct {
		name    string
		replies []reply
		want    want
	}{
		{"complete stream with usage and cost in the final chunk",
			[]reply{{writes: okStream()}},
			want{content: "Hello, world", tokens: hello, finish: "stop", usage: okUsage, attempts: 1}},
		{"comment keep-alive lines are skipped",
			[]reply{{writes: []string{": OPENROUTER PROCESSING\n\n", roleChunk(), ": OPENROUTER PROCESSING\n\n",
				delta("Hello"), ": OPENROUTER PROCESSING\n", delta(", "), delta("world"), finish("stop"), usage(12, 3, "0.00042"), done}}},
			want{content: "Hello, world", tokens: hello, finish: "stop", usage: okUsage, attempts: 1}},
		{"a JSON event split across TCP writes",
			[]reply{{writes: []string{roleChunk(),
				`data: {"choices":[{"index":0,"delta":{"con`, `tent":"Hel`, `lo"}}]}`, "\n", "\n",
				delta(", world"), finish("stop"), done}}},
			want{content: "Hello, world", tokens: []string{"Hello", ", world"}, finish: "stop", attempts: 1}},
		{"CRLF line endings",
			[]reply{{writes: []string{
				strings.ReplaceAll(delta("Hello"), "\n", "\r\n"),
				"data: {\"choices\":[{\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}]}\r", "\n\r\n",
				"data: [DONE]\r\n\r\n"}}},
			want{content: "Hello!", tokens: []string{"Hello", "!"}, finish: "stop", attempts: 1}},
		{"multi-line data field",
			[]reply{{writes: []string{"data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"Hi\"}}]}\n\n", finish("stop"), done}}},
			want{content: "Hi", tokens: []string{"Hi"}, finish: "stop", attempts: 1}},
		{"missing usage leaves Reported false",
			[]reply{{writes: []string{delta("Hi"), finish("stop"), done}}},
			want{content: "Hi", tokens: []string{"Hi"}, finish: "stop", attempts: 1}},
		{"usage without cost",
			[]reply{{writes: []string{delta("Hi"), finish("length"), usage(5, 1, ""), done}}},
			want{content: "Hi", tokens: []string{"Hi"}, finish: "length", attempts: 1,
				usage: Usage{PromptTokens: 5, CompletionTokens: 1, Reported: true}}},
		{"finish_reason without [DONE] is complete",
			[]reply{{writes: []string{delta("Hi"), finish("stop")}}},
			want{content: "Hi", tokens: []string{"Hi"}, finish: "stop", attempts: 1}},
		{"error object inside a 200 stream before output is retried",
			[]reply{{writes: []string{": OPENROUTER PROCESSING\n\n",
				data(`{"error":{"code":502,"message":"Provider returned error"}}`)}}},
			want{attempts: 2, apiErr: "Provider returned error"}},
		{"error object inside a 200 stream after output",
			[]reply{{writes: []string{delta("Hel"),
				data(`{"id":"x","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}`)}}},
			want{content: "Hel", tokens: []string{"Hel"}, attempts: 1, apiErr: "Provider disconnected", stream: true}},
		{"error event with plain text data",
			[]reply{{writes: []string{"event: error\ndata: overloaded, try later\n\n"}}},
			want{attempts: 2, apiErr: "overloaded, try later"}},
		{"malformed chunk before output is not retried",
			[]reply{{writes: []string{roleChunk(), data(`{"choices":[{"delta":{"content":"Hi"}}]`)}}},
			want{attempts: 1, err: []error{ErrMalformedChunk}}},
		{"malformed chunk after output",
			[]reply{{writes: []string{delta("Hi"), data(`{"choices":[{"delta":{"content":"there"}}]},`)}}},
			want{content: "Hi", tokens: []string{"Hi"}, attempts: 1, err: []error{ErrMalformedChunk}, stream: true}},
		{"stream cut after some tokens: partial content, no retry",
			[]reply{{writes: []string{roleChunk(), delta("Hello"), delta(", wor")}, end: endAbort}},
			want{content: "Hello, wor", tokens: []string{"Hello", ", wor"}, attempts: 1, stream: true}},
		{"stream cut inside a line after output",
			[]reply{{writes: []string{delta("Hello"), `data: {"choices":[{"del`}, end: endAbort}},
			want{content: "Hello", tokens: []string{"Hello"}, attempts: 1, stream: true}},
		{"clean end without [DONE] or finish_reason after output",
			[]reply{{writes: []string{delta("Hello")}}},
			want{content: "Hello", tokens: []string{"Hello"}, attempts: 1, err: []error{ErrIncompleteStream}, stream: true}},
		{"clean end before output is retried",
			[]reply{{writes: []string{roleChunk()}}},
			want{attempts: 2, err: []error{ErrIncompleteStream}}},
		{"a JSON answer instead of a stream",
			[]reply{{header: map[string]string{"Content-Type": "application/json"},
				writes: []string{`{"choices":[{"message":{"content":"Hi"}}]}`}}},
			want{attempts: 1, err: []error{ErrNotAStream}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := one(t, c.replies...)
			cl, _ := newTestClient(u, WithRetry(1, time.Millisecond, time.Millisecond))
			var tokens []string
			resp, err := cl.Chat(context.Background(), question("openai/gpt-4o-mini"), func(d string) { tokens = append(tokens, d) })
			require.NotNil(t, resp, "a Response comes back whenever a request was made")

			assert.Equal(t, c.want.content, resp.Content)
			assert.Equal(t, c.want.tokens, tokens)
			assert.Equal(t, c.want.attempts, resp.Attempts)
			assert.Len(t, u.requests(), c.want.attempts, "requests the server saw")
			failing := c.want.err != nil || c.want.apiErr != "" || c.want.stream
			if !failing {
				require.NoError(t, err)
				assert.Equal(t, c.want.finish, resp.FinishReason)
				assert.Equal(t, c.want.usage, resp.Usage)
				assert.Equal(t, "openai/gpt-4o-mini", resp.Model)
				assert.Positive(t, resp.TTFT)
				assert.GreaterOrEqual(t, resp.Latency, resp.TTFT)
				assert.Positive(t, resp.Upstream)
				assert.LessOrEqual(t, resp.Upstream, resp.Latency)
				return
			}
			require.Error(t, err)
			for _, target := range c.want.err {
				assert.ErrorIs(t, err, target)
			}
			var se *StreamError
			assert.Equal(t, c.want.stream, errors.As(err, &se), "is a *StreamError: %v", err)
			if c.want.apiErr != "" {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Contains(t, ae.Message, c.want.apiErr)
				assert.Equal(t, "openai/gpt-4o-mini", ae.Model)
			}
		})
	}
}

func TestChatErrorMessagesAreClear(t *testing.T) {
	cases := []struct {
		name    string
		replies []reply
		want    []string
	}{
		{"malformed chunk names the model, the problem and the data",
			[]reply{{writes: []string{data(`{"choices":[{"delta":{"content":"Hi"}}]`)}}},
			[]string{"malformed stream chunk", "openai/gpt-4o-mini", "unexpected end of data", `"{\"choices\"`}},
		{"status error names the model, status and message",
			[]reply{{status: 404, header: map[string]string{"Content-Type": "application/json"},
				writes: []string{`{"error":{"code":404,"message":"No endpoints found for openai/gpt-4o-mini."}}`}}},
			[]string{"upstream openai/gpt-4o-mini: status 404: No endpoints found"}},
		{"status error with a non-JSON body keeps the text",
			[]reply{{status: 400, header: map[string]string{"Content-Type": "text/plain"}, writes: []string{"bad request body\n"}}},
			[]string{"status 400: bad request body"}},
		{"in-stream error says so instead of status 0",
			[]reply{{writes: []string{data(`{"error":{"code":"server_error","message":"boom"}}`)}}},
			[]string{"error in stream (code server_error): boom"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := newTestClient(one(t, c.replies...), WithRetry(0, 0, 0))
			_, err := cl.Chat(context.Background(), question("openai/gpt-4o-mini"), nil)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

func TestChatRetryAfter(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		retryAfter string
		wantRA     time.Duration // what the client read from the header
	}{
		{"429 with Retry-After seconds", 429, "2", 2 * time.Second},
		{"503 with fractional Retry-After", 503, "0.5", 500 * time.Millisecond},
		{"408 without Retry-After uses backoff", 408, "", 0},
		{"Retry-After beyond the cap is capped", 429, "3600", time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/json"}
			if c.retryAfter != "" {
				h["Retry-After"] = c.retryAfter
			}
			u := one(t,
				reply{status: c.status, header: h, writes: []string{`{"error":{"message":"Rate limit exceeded","code":429}}`}},
				reply{writes: okStream()})
			cl, slept := newTestClient(u, WithRetry(3, 100*time.Millisecond, time.Second))
			resp, err := cl.Chat(context.Background(), question("m"), nil)
			require.NoError(t, err)
			assert.Equal(t, "Hello, world", resp.Content)
			assert.Equal(t, 2, resp.Attempts)
			assert.Len(t, u.requests(), 2)
			require.Len(t, *slept, 1, "one wait between the two attempts")
			wait := (*slept)[0]
			switch {
			case c.wantRA == 0: // exponential backoff with equal jitter: [base/2, base]
				assert.GreaterOrEqual(t, wait, 50*time.Millisecond)
				assert.LessOrEqual(t, wait, 100*time.Millisecond)
			case c.wantRA > MaxRetryAfter:
				assert.GreaterOrEqual(t, wait, MaxRetryAfter)
				assert.LessOrEqual(t, wait, MaxRetryAfter+MaxRetryAfter/10)
			default: // honoured, with at most 10% jitter on top
				assert.GreaterOrEqual(t, wait, c.wantRA)
				assert.LessOrEqual(t, wait, c.wantRA+c.wantRA/10)
			}
		})
	}
}

func TestChatRetryAfterIsReportedWhenRetriesRunOut(t *testing.T) {
	u := one(t, reply{status: 429, header: map[string]string{"Retry-After": "7"}, writes: []string{`{"error":{"message":"slow down"}}`}})
	cl, slept := newTestClient(u, WithRetry(2, time.Millisecond, time.Millisecond))
	resp, err := cl.Chat(context.Background(), question("m"), nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 429, ae.Status)
	assert.Equal(t, 7*time.Second, ae.RetryAfter)
	assert.Equal(t, "slow down", ae.Message)
	assert.Equal(t, 3, resp.Attempts)
	assert.Len(t, *slept, 2)
}

func TestChatFallbacks(t *testing.T) {
	jsonErr := func(status int, msg string) reply {
		return reply{status: status, header: map[string]string{"Content-Type": "application/json"},
			writes: []string{`{"error":{"code":` + jsonInt(status) + `,"message":"` + msg + `"}}`}}
	}
	cases := []struct {
		name      string
		script    map[string][]reply
		fallbacks []string
		wantModel string   // the model that answered; "" means all failed
		wantSeen  []string // the models the server saw, in order
		wantSleep int
		wantErr   []string // substrings of the error when all failed
	}{
		{"500 three times then the fallback answers",
			map[string][]reply{"primary": {jsonErr(500, "internal")}, "backup": {{writes: okStream()}}},
			[]string{"backup"}, "backup", []string{"primary", "primary", "primary", "backup"}, 2, nil},
		{"404 goes to the next model without retry",
			map[string][]reply{"primary": {jsonErr(404, "No endpoints found")}, "backup": {{writes: okStream()}}},
			[]string{"backup"}, "backup", []string{"primary", "backup"}, 0, nil},
		{"a connection cut before headers is retried on the same model",
			map[string][]reply{"primary": {{end: endAbort}, {writes: okStream()}}},
			[]string{"backup"}, "primary", []string{"primary", "primary"}, 1, nil},
		{"401 stops: the key is wrong for every model",
			map[string][]reply{"primary": {jsonErr(401, "No auth credentials found")}, "backup": {{writes: okStream()}}},
			[]string{"backup"}, "", []string{"primary"}, 0, []string{"status 401", "No auth credentials found"}},
		{"all models fail: every model's error is reported",
			map[string][]reply{"primary": {jsonErr(400, "context too long")}, "second": {jsonErr(503, "overloaded")}, "third": {jsonErr(404, "unknown model")}},
			[]string{"second", "third"}, "", []string{"primary", "second", "second", "second", "third"}, 2,
			[]string{"all 3 models failed", "primary: status 400: context too long", "second: status 503: overloaded", "third: status 404: unknown model"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUpstream(t, c.script)
			cl, slept := newTestClient(u, WithRetry(2, time.Millisecond, 4*time.Millisecond))
			resp, err := cl.Chat(context.Background(), question("primary", c.fallbacks...), nil)
			require.NotNil(t, resp)
			assert.Equal(t, c.wantSeen, u.requests())
			assert.Equal(t, len(c.wantSeen), resp.Attempts)
			assert.Len(t, *slept, c.wantSleep)
			if c.wantModel != "" {
				require.NoError(t, err)
				assert.Equal(t, c.wantModel, resp.Model, "the model that answered, as the stream named it")
				assert.Equal(t, "Hello, world", resp.Content)
				return
			}
			require.Error(t, err)
			for _, w := range c.wantErr {
				assert.Contains(t, err.Error(), w)
			}
			var ae *APIError
			assert.ErrorAs(t, err, &ae)
		})
	}
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestChatCancelMidStreamAbortsUpstream(t *testing.T) {
	u := one(t, reply{writes: []string{roleChunk(), delta("Hello")}, end: endHang})
	cl, _ := newTestClient(u)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp, err := cl.Chat(ctx, question("m"), func(string) { cancel() }) // the client goes away after one token
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "Hello", resp.Content, "what arrived before the cancel is kept")
	assert.Equal(t, 1, resp.Attempts)
	u.waitLeft(t) // the upstream handler saw its request context end
	assert.Len(t, u.requests(), 1, "no retry after a cancel")
}

func TestChatCancelBeforeOutputIsNotRetried(t *testing.T) {
	u := one(t, reply{writes: []string{roleChunk()}, end: endHang})
	cl, slept := newTestClient(u)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		u.waitRequests(1)
		cancel()
	}()
	resp, err := cl.Chat(ctx, question("m", "backup"), nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, resp.Attempts)
	u.waitLeft(t)
	assert.Len(t, u.requests(), 1, "neither a retry nor a fallback")
	assert.Empty(t, *slept)
}

func TestChatTimeouts(t *testing.T) {
	cases := []struct {
		name     string
		replies  []reply
		opts     []Option
		want     error
		content  string
		stream   bool
		attempts int
	}{
		{"TTFT timeout: keep-alives and role chunks do not count as a first token",
			[]reply{{writes: []string{roleChunk()}, end: endPing}},
			[]Option{WithTTFTTimeout(50 * time.Millisecond), WithIdleTimeout(time.Minute)},
			ErrTTFTTimeout, "", false, 2},
		{"TTFT timeout before response headers",
			[]reply{{end: endHangEarly}},
			[]Option{WithTTFTTimeout(50 * time.Millisecond)},
			ErrTTFTTimeout, "", false, 2},
		{"idle timeout after output: partial content, no retry",
			[]reply{{writes: []string{delta("Hello")}, end: endHang}},
			[]Option{WithIdleTimeout(50 * time.Millisecond)},
			ErrIdleTimeout, "Hello", true, 1},
		{"idle timeout before output is retried",
			[]reply{{writes: []string{roleChunk()}, end: endHang}},
			[]Option{WithIdleTimeout(50 * time.Millisecond)},
			ErrIdleTimeout, "", false, 2},
		// Pings come every 2 ms; the idle limit is 250 times that. What
		// must end the attempt is the attempt timeout: not the idle timer
		// (keep-alives are reads) and not the TTFT timer (content came).
		{"keep-alives keep a stream alive; content stops the TTFT timer",
			[]reply{{writes: []string{delta("Hello")}, end: endPing}},
			[]Option{WithIdleTimeout(500 * time.Millisecond), WithTTFTTimeout(100 * time.Millisecond), WithAttemptTimeout(time.Second)},
			ErrAttemptTimeout, "Hello", true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := one(t, c.replies...)
			cl, _ := newTestClient(u, append([]Option{WithRetry(1, time.Millisecond, time.Millisecond)}, c.opts...)...)
			resp, err := cl.Chat(context.Background(), question("m"), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.want)
			var se *StreamError
			assert.Equal(t, c.stream, errors.As(err, &se), "is a *StreamError: %v", err)
			assert.Equal(t, c.content, resp.Content)
			assert.Equal(t, c.attempts, resp.Attempts)
			// Every attempt that reached the upstream's handler was
			// aborted. An attempt need not reach it: under -race on a
			// loaded machine (load average 30) the client's 50 ms timer
			// fired before the server had read the request, the
			// connection closed under it, and the handler never ran, so
			// there was nothing to see go away (2 of 30 runs waited for it
			// in vain). The client's own count of attempts is checked above.
			seen := len(u.requests())
			assert.Positive(t, seen)
			assert.LessOrEqual(t, seen, c.attempts)
			for range seen {
				u.waitLeft(t)
			}
		})
	}
}

func TestChatSendsRequestAndHeaders(t *testing.T) {
	u := one(t, reply{writes: okStream()})
	temp := 0.2
	cl, _ := newTestClient(u, WithHeader("X-Title", "hive test"), WithHeader("X-Extra", "1"))
	req := question("openai/gpt-4o-mini")
	req.Temperature, req.MaxTokens = &temp, 64
	_, err := cl.Chat(context.Background(), req, nil)
	require.NoError(t, err)

	u.mu.Lock()
	body, h := u.bodies[0], u.headers[0]
	u.mu.Unlock()
	var got map[string]any
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, map[string]any{
		"model":          "openai/gpt-4o-mini",
		"messages":       []any{map[string]any{"role": "user", "content": "Say hello"}},
		"stream":         true,
		"stream_options": map[string]any{"include_usage": true},
		"temperature":    0.2,
		"max_tokens":     64.0,
	}, got)
	assert.Equal(t, "Bearer test-key", h.Get("Authorization"))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.Equal(t, "text/event-stream", h.Get("Accept"))
	assert.Equal(t, "https://github.com/hiveperf/hive", h.Get("HTTP-Referer"))
	assert.Equal(t, "hive test", h.Get("X-Title"), "WithHeader replaces a default")
	assert.Equal(t, "1", h.Get("X-Extra"))
}

func TestChatReusesConnections(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	u := newUpstream(t, map[string][]reply{"": {{writes: okStream()}}}, func(s *http.Server) {
		s.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				mu.Lock()
				conns++
				mu.Unlock()
			}
		}
	})
	cl, _ := newTestClient(u, WithTransport(NewTransport()))
	for range 5 {
		_, err := cl.Chat(context.Background(), question("m"), nil)
		require.NoError(t, err)
		cl.drains.Wait() // a finished stream's connection goes back to the pool
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, conns, "five sequential calls share one keep-alive connection")
}

// A caller's context often ends right after Chat returns (a run's last
// stage). When the body's end arrives apart from [DONE], the background
// drain must still give the connection back to the pool: it was closed
// when the caller's context ended first, and the next call dialed a new one
// (hive serve dialed every few runs).
func TestChatReusesConnectionsWhenTheCallerEndsAtOnce(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	u := newUpstream(t, map[string][]reply{"": {{writes: okStream(), linger: 20 * time.Millisecond}}}, func(s *http.Server) {
		s.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				mu.Lock()
				conns++
				mu.Unlock()
			}
		}
	})
	cl, _ := newTestClient(u, WithTransport(NewTransport()))
	for range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		resp, err := cl.Chat(ctx, question("m"), nil)
		cancel()
		require.NoError(t, err)
		assert.Equal(t, "Hello, world", resp.Content)
		cl.drains.Wait() // a finished stream's connection goes back to the pool
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, conns, "five sequential calls share one keep-alive connection")
}

// A server that keeps the stream open after [DONE] does not hold the
// caller: the answer is complete, and the connection is dropped (by the
// drain's timeout).
func TestChatDoesNotWaitForAnEndAfterDone(t *testing.T) {
	u := one(t, reply{writes: okStream(), end: endHang})
	cl, _ := newTestClient(u)
	resp, err := cl.Chat(context.Background(), question("m"), nil)
	require.NoError(t, err)
	assert.Equal(t, "Hello, world", resp.Content)
	assert.Equal(t, "stop", resp.FinishReason)
	select {
	case <-u.leftEarly:
	case <-time.After(30 * time.Second):
		t.Fatal("the connection of a stream left open after [DONE] was never dropped")
	}
}

func TestChatBeforeTheNetwork(t *testing.T) {
	t.Run("no key and no base URL", func(t *testing.T) {
		resp, err := New().Chat(context.Background(), question("m"), nil)
		assert.Nil(t, resp)
		assert.ErrorIs(t, err, ErrNoEndpoint)
	})
	t.Run("invalid request names the field", func(t *testing.T) {
		u := one(t, reply{writes: okStream()})
		cl, _ := newTestClient(u)
		_, err := cl.Chat(context.Background(), Request{Model: "m"}, nil)
		assert.ErrorContains(t, err, "Request.Messages is empty")
		assert.Empty(t, u.requests())
	})
	t.Run("unusable base URL names the setting", func(t *testing.T) {
		_, err := New(WithBaseURL("localhost:11434")).Chat(context.Background(), question("m"), nil)
		assert.ErrorContains(t, err, `base URL "localhost:11434" (HIVE_LLM_BASE_URL or --llm-base-url) is not usable`)
	})
}

func TestModels(t *testing.T) {
	u := one(t, reply{})
	cl, _ := newTestClient(u)
	ids, err := cl.Models(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"openai/gpt-4o-mini", "meta/llama"}, ids)

	bad, _ := newTestClient(u, WithBaseURL(u.srv.URL+"/nope"))
	_, err = bad.Models(context.Background())
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 404, ae.Status)
}
