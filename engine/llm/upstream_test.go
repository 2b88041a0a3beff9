package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// This file holds the scripted upstream the client tests talk to: a real
// HTTP server on 127.0.0.1 whose handler writes exact bytes.

// ending says how a reply ends after its writes.
type ending int

const (
	endNormal    ending = iota // the handler returns: a clean end of the body
	endAbort                   // the connection is cut (http.ErrAbortHandler)
	endHang                    // silence until the client goes away
	endPing                    // ": ping" comments every few ms until the client goes away
	endHangEarly               // silence before the response headers until the client goes away
)

// reply is one scripted answer. In writes, "{{model}}" becomes the model the
// request asked for, so a test can see which model answered.
type reply struct {
	status int // 0: 200
	header map[string]string
	writes []string // each written and flushed on its own
	end    ending
	// linger delays the clean end of the body (endNormal) after the
	// writes: the end of the chunked body arrives apart from [DONE].
	linger time.Duration
}

// upstream is a scripted OpenAI-compatible server. Requests for a model get
// that model's replies in order (the last one repeats); models without a
// script get script[""].
type upstream struct {
	srv    *httptest.Server
	script map[string][]reply

	mu       sync.Mutex
	models   []string // the model of each request, in arrival order
	bodies   [][]byte
	headers  []http.Header
	perModel map[string]int
	// leftEarly receives once per handler that saw the client go away
	// (r.Context().Done()) while the handler was still writing or waiting.
	leftEarly chan struct{}
	arrived   chan struct{} // receives once per chat request
}

// newUpstream starts the server; configure, if given, adjusts it first.
func newUpstream(t *testing.T, script map[string][]reply, configure ...func(*http.Server)) *upstream {
	t.Helper()
	u := &upstream{script: script, perModel: map[string]int{}, leftEarly: make(chan struct{}, 16), arrived: make(chan struct{}, 64)}
	u.srv = httptest.NewUnstartedServer(http.HandlerFunc(u.serve))
	for _, f := range configure {
		f(u.srv.Config)
	}
	u.srv.Start()
	t.Cleanup(u.srv.Close)
	return u
}

// one is an upstream that answers every request with the same replies.
func one(t *testing.T, replies ...reply) *upstream {
	return newUpstream(t, map[string][]reply{"": replies})
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/models" {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[{"id":"openai/gpt-4o-mini"},{"id":"meta/llama"}]}`)
		return
	}
	if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req)

	u.mu.Lock()
	u.models = append(u.models, req.Model)
	u.bodies = append(u.bodies, body)
	u.headers = append(u.headers, r.Header.Clone())
	replies, ok := u.script[req.Model]
	if !ok {
		replies = u.script[""]
	}
	n := u.perModel[req.Model]
	u.perModel[req.Model]++
	u.mu.Unlock()
	select {
	case u.arrived <- struct{}{}:
	default:
	}

	rep := replies[min(n, len(replies)-1)]
	if rep.end == endHangEarly {
		<-r.Context().Done()
		u.leftEarly <- struct{}{}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	if rep.status == 0 && rep.end == endAbort && len(rep.writes) == 0 {
		panic(http.ErrAbortHandler) // cut before any response byte
	}
	w.WriteHeader(max(rep.status, http.StatusOK))
	fl := w.(http.Flusher)
	fl.Flush()
	for _, s := range rep.writes {
		if _, err := io.WriteString(w, strings.ReplaceAll(s, "{{model}}", req.Model)); err != nil {
			return
		}
		fl.Flush()
	}
	switch rep.end {
	case endNormal:
		time.Sleep(rep.linger)
	case endAbort:
		panic(http.ErrAbortHandler)
	case endHang:
		<-r.Context().Done()
		u.leftEarly <- struct{}{}
	case endPing:
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				u.leftEarly <- struct{}{}
				return
			case <-tick.C:
				if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
					<-r.Context().Done()
					u.leftEarly <- struct{}{}
					return
				}
				fl.Flush()
			}
		}
	}
}

func (u *upstream) requests() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.models...)
}

// waitRequests waits until n chat requests have arrived (bounded, like
// waitLeft, only against a hang).
func (u *upstream) waitRequests(n int) {
	for range n {
		select {
		case <-u.arrived:
		case <-time.After(10 * time.Second):
			return
		}
	}
}

// baseURL is what a client is configured with.
func (u *upstream) baseURL() string { return u.srv.URL + "/v1" }

// waitLeft waits for a handler to report that the client went away. The
// bound only keeps a broken client from hanging the test run; it does not
// measure anything.
func (u *upstream) waitLeft(t *testing.T) {
	t.Helper()
	select {
	case <-u.leftEarly:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "the upstream handler never saw the client go away")
	}
}

// Stream building blocks, as OpenAI-compatible servers send them.

func data(json string) string { return "data: " + json + "\n\n" }

func roleChunk() string {
	return data(`{"id":"gen-1","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`)
}

func delta(s string) string {
	b, _ := json.Marshal(s)
	return data(`{"id":"gen-1","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{"content":` + string(b) + `},"finish_reason":null}]}`)
}

func finish(reason string) string {
	return data(`{"id":"gen-1","object":"chat.completion.chunk","model":"{{model}}","choices":[{"index":0,"delta":{},"finish_reason":"` + reason + `"}]}`)
}

func usage(prompt, completion int, cost string) string {
	c := ""
	if cost != "" {
		c = `,"cost":` + cost
	}
	return data(fmt.Sprintf(`{"id":"gen-1","object":"chat.completion.chunk","model":"{{model}}","choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d%s}}`,
		prompt, completion, prompt+completion, c))
}

const done = "data: [DONE]\n\n"

// okStream is a complete, well-formed answer "Hello, world".
func okStream() []string {
	return []string{roleChunk(), delta("Hello"), delta(", "), delta("world"), finish("stop"), usage(12, 3, "0.00042"), done}
}

// newTestClient is a client for u with fast, recorded backoff: sleeps are
// noted, not taken, so no test depends on the clock for retries.
func newTestClient(u *upstream, opts ...Option) (*Client, *[]time.Duration) {
	var mu sync.Mutex
	slept := &[]time.Duration{}
	c := New(append([]Option{WithBaseURL(u.baseURL()), WithAPIKey("test-key")}, opts...)...)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*slept = append(*slept, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, slept
}

func question(model string, fallbacks ...string) Request {
	return Request{Model: model, Fallbacks: fallbacks, Messages: []Message{{Role: "user", Content: "Say hello"}}}
}
