package mockllm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server is the mock LLM as an http.Handler. Mount it anywhere (httptest,
// a mux) or run it on a loopback port with Listen. It is safe for
// concurrent use; all state is the counters and the scripted-failure tallies.
type Server struct {
	cfg    Config
	vocab  []wordToken
	models []byte // pre-rendered GET /v1/models body
	stats  counters
	seq    atomic.Uint64 // request sequence number: the index of rate-fault draws
	// maxBody bounds a request body (maxRequestBody; tests lower it).
	maxBody int64

	mu        sync.Mutex
	failTally map[string]int // full model name → requests seen, for fail-<status>x<n>
}

// maxRequestBody bounds a request body. Consensus prompts carry source code,
// so it is generous; the bound only stops a runaway client from filling RAM.
const maxRequestBody = 32 << 20

// New returns a server for cfg. It panics if cfg.Validate fails: a config
// from outside (flags, a file) must be validated first, as LoadConfig and
// `hivebench mock-llm` do; a config written in Go code that does not
// validate is a bug in that code.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic("mockllm.New: " + err.Error())
	}
	cfg.Latency = cfg.Latency.withDefaults()
	s := &Server{cfg: cfg, vocab: buildVocab(), failTally: map[string]int{}, maxBody: maxRequestBody}
	s.models = renderModels(cfg.Models)
	return s
}

// Config returns the configuration the server runs with (defaults applied).
func (s *Server) Config() Config { return s.cfg }

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ServeHTTP routes the OpenAI-compatible endpoints under /v1 and the mock's
// own /mock/stats. Only /v1 is served so that a client which forgets the /v1
// of its base URL fails here as it would against OpenRouter.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v1/chat/completions":
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, r, http.MethodPost)
			return
		}
		s.chat(w, r)
	case "/v1/models":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.methodNotAllowed(w, r, http.MethodGet)
			return
		}
		w.Header()["Content-Type"] = jsonContentType
		_, _ = w.Write(s.models)
	case "/mock/stats":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.methodNotAllowed(w, r, http.MethodGet)
			return
		}
		w.Header()["Content-Type"] = jsonContentType
		_ = json.NewEncoder(w).Encode(s.Stats())
	default:
		writeError(w, http.StatusNotFound, fmt.Sprintf(
			"mock-llm: no endpoint %s %s; pass the base URL http://%s/v1 (endpoints: POST /v1/chat/completions, GET /v1/models, GET /mock/stats)",
			r.Method, r.URL.Path, r.Host), -1)
	}
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("mock-llm: %s %s is not allowed; use %s", r.Method, r.URL.Path, allow), -1)
}

// chatRequest is the part of an OpenAI chat completion request the mock
// reads. Other fields (temperature, tools, provider routing…) are accepted
// and ignored, as OpenRouter ignores what a provider does not support.
type chatRequest struct {
	Model               string         `json:"model"`
	Messages            []chatMessage  `json:"messages"`
	Stream              bool           `json:"stream"`
	StreamOptions       *streamOptions `json:"stream_options"`
	MaxTokens           int            `json:"max_tokens"`
	MaxCompletionTokens int            `json:"max_completion_tokens"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatMessage struct {
	Role    string         `json:"role"`
	Content messageContent `json:"content"`
}

// messageContent accepts both content forms of the OpenAI API: a string, or
// an array of parts of which the text parts count.
type messageContent struct{ text string }

func (c *messageContent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		c.text = ""
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &c.text)
	case b[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var sb bytes.Buffer
		for _, p := range parts {
			if p.Type != "text" {
				continue
			}
			if sb.Len() > 0 {
				sb.WriteByte('\n')
			}
			sb.WriteString(p.Text)
		}
		c.text = sb.String()
		return nil
	}
	return errors.New("content must be a string, null or an array of content parts")
}

var validRoles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true}

// requestBuf is the per-request scratch memory, pooled so that the steady
// state of a load run allocates little beyond what encoding/json needs.
type requestBuf struct {
	in   bytes.Buffer     // request body
	lim  io.LimitedReader // bounds the body without a per-request allocation
	req  chatRequest      // decoded request; its Messages array is reused
	plan replyPlan        //
	out  []byte           // reply bytes not yet written
	pre  []byte           // the chunk prefix shared by every event of a stream
	tmp  []byte           // the assistant text, for non-streamed replies
}

var requestBufs = sync.Pool{New: func() any { return &requestBuf{out: make([]byte, 0, 16<<10)} }}

func putRequestBuf(b *requestBuf) {
	if b.in.Cap() > 1<<20 || cap(b.out) > 1<<20 || cap(b.tmp) > 1<<20 {
		return // one huge request must not pin its memory in the pool
	}
	b.in.Reset()
	b.lim = io.LimitedReader{}
	// Zero the reused messages: encoding/json leaves fields absent from the
	// new request untouched, and a stale role must not leak into it.
	msgs := b.req.Messages[:cap(b.req.Messages)]
	clear(msgs)
	b.req = chatRequest{Messages: msgs[:0]}
	b.plan = replyPlan{}
	b.out, b.pre, b.tmp = b.out[:0], b.pre[:0], b.tmp[:0]
	requestBufs.Put(b)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	s.stats.inFlight.Add(1)
	defer s.stats.inFlight.Add(-1)

	buf := requestBufs.Get().(*requestBuf)
	defer putRequestBuf(buf)

	buf.lim = io.LimitedReader{R: r.Body, N: s.maxBody + 1}
	if _, err := buf.in.ReadFrom(&buf.lim); err != nil {
		s.clientGone(r.Context())
		return
	}
	if int64(buf.in.Len()) > s.maxBody {
		s.fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("mock-llm: request body over %d bytes", s.maxBody), -1)
		return
	}
	req := &buf.req
	if err := json.Unmarshal(buf.in.Bytes(), req); err != nil {
		s.fail(w, http.StatusBadRequest, "mock-llm: request body is not a chat completion request: "+err.Error(), -1)
		return
	}
	if msg := validateRequest(req); msg != "" {
		s.fail(w, http.StatusBadRequest, "mock-llm: "+msg, -1)
		return
	}
	sc, scripted, err := parseModel(req.Model)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "mock-llm: "+err.Error(), -1)
		return
	}

	seq := s.seq.Add(1)
	if scripted && sc.failStatus != 0 && s.scriptedFailure(req.Model, sc.failTimes) {
		s.fail(w, sc.failStatus, fmt.Sprintf("mock-llm: scripted failure %d for model %q", sc.failStatus, req.Model), sc.retryAfter)
		return
	}
	f := &s.cfg.Faults
	if s.roll(seq, laneFault429, f.RateLimit) {
		s.fail(w, http.StatusTooManyRequests, "mock-llm: injected rate limit (faults.status_429)", int(f.RetryAfter/time.Second))
		return
	}
	if s.roll(seq, laneFault500, f.ServerError) {
		s.fail(w, http.StatusInternalServerError, "mock-llm: injected server error (faults.status_500)", -1)
		return
	}

	buf.plan = s.planReply(req, sc, seq)
	rp := &buf.plan
	if r.Context().Err() != nil {
		s.clientGone(r.Context())
		return
	}
	s.stats.promptTokens.Add(int64(rp.promptTokens))
	rw := replyWriter{s: s, w: w, ctx: r.Context(), rp: rp, buf: buf}
	rw.fe, _ = w.(interface{ FlushError() error })
	rw.fl, _ = w.(http.Flusher)
	if req.Stream {
		rw.stream()
	} else {
		rw.complete()
	}
}

func validateRequest(req *chatRequest) string {
	switch {
	case req.Model == "":
		return `"model" is missing; want a model ID such as "mock/default" or a scripted one such as "@fail-500x3/any-name"`
	case len(req.Messages) == 0:
		return `"messages" is missing or empty; want at least one {"role": "user", "content": "..."}`
	case req.MaxTokens < 0 || req.MaxCompletionTokens < 0:
		return `"max_tokens" / "max_completion_tokens" must be ≥ 0`
	}
	for i, m := range req.Messages {
		if !validRoles[m.Role] {
			return fmt.Sprintf(`messages[%d].role is %q; want one of system, developer, user, assistant, tool`, i, m.Role)
		}
	}
	return ""
}

// scriptedFailure reports whether this request for model must fail: always
// when times is 0, else for the first times requests. Tallies are per full
// model name, so tests give each case its own name.
func (s *Server) scriptedFailure(model string, times int) bool {
	if times == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failTally[model]++
	return s.failTally[model] <= times
}

// roll draws the rate fault of lane for request seq. Keyed by the request
// sequence rather than the content: a retried request must roll again.
func (s *Server) roll(seq, lane uint64, rate float64) bool {
	if rate <= 0 {
		return false
	}
	return unit(rand64(s.cfg.Seed^0x5eed_fa17, lane, seq)) < rate
}

// fail answers an error status with an OpenRouter-shaped error body.
func (s *Server) fail(w http.ResponseWriter, status int, msg string, retryAfter int) {
	s.stats.status(status)
	writeError(w, status, msg, retryAfter)
}

// clientGone counts a client cancellation unless the mock itself is
// shutting down (then the cancel is ours, not the client's).
func (s *Server) clientGone(ctx context.Context) {
	if !errors.Is(context.Cause(ctx), errShuttingDown) {
		s.stats.clientCancels.Add(1)
	}
}

var errShuttingDown = errors.New("mockllm: server shutting down")

var (
	jsonContentType = []string{"application/json"}
	sseContentType  = []string{"text/event-stream"}
	noCache         = []string{"no-cache"}
)

func writeError(w http.ResponseWriter, status int, msg string, retryAfter int) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	if retryAfter >= 0 {
		h.Set("Retry-After", strconv.Itoa(retryAfter))
	}
	w.WriteHeader(status)
	// No HTML escaping: messages quote the grammar ("fail-<status>") and
	// are read by people through curl as often as by clients.
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{Error: apiError{Code: status, Message: msg, Type: errorType(status)}})
}

// errorBody is OpenRouter's error shape (numeric code equal to the HTTP
// status) plus OpenAI's "type", so clients written for either parse it.
type errorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

func errorType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

func renderModels(ids []string) []byte {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, id := range ids {
		list.Data = append(list.Data, model{ID: id, Object: "model", OwnedBy: "hive-mockllm"})
	}
	b, _ := json.Marshal(list)
	return append(b, '\n')
}
