package mockllm

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// replyPlan is everything decided about a reply before its first byte:
// timings, length and where each fault strikes. Positions count content
// tokens already sent; -1 means the fault does not happen.
type replyPlan struct {
	id          uint64
	created     int64
	model       string
	key         uint64
	sched       Schedule
	n           int    // content tokens to send (after the max_tokens cap)
	finish      string // "stop", or "length" when max_tokens cut the reply
	cutAt       int
	malformedAt int
	errorAt     int
	keepAlive   bool
	// keepAliveEvery > 0: a stream with keepAlive also sends a comment
	// every keepAliveEvery during each wait.
	keepAliveEvery time.Duration
	paced          bool // some wait lies between events: write and flush each event
	usage          bool // send usage (stream: the final usage chunk)
	usageNull      bool // stream: other chunks carry "usage":null, as OpenAI does when usage was asked for
	cost           bool
	promptTokens   int
}

func (s *Server) planReply(req *chatRequest, sc script, seq uint64) replyPlan {
	l := s.cfg.Latency
	if sc.hasTTFT {
		l.TTFT, l.TTFTJitter = sc.ttft, 0
	}
	if sc.hasITL {
		l.ITL, l.ITLJitter = sc.itl, 0
	}
	if sc.tokens > 0 {
		l.Tokens, l.TokensJitter = sc.tokens, 0
	}
	key, prompt := requestKey(s.cfg.Seed, req)
	rp := replyPlan{
		id:           rand64(key, laneID, seq),
		created:      time.Now().Unix(),
		model:        req.Model,
		key:          key,
		sched:        l.Plan(key),
		finish:       "stop",
		promptTokens: prompt,
		cost:         !sc.noCost,
	}
	rp.n = rp.sched.Tokens
	limit := req.MaxCompletionTokens
	if limit == 0 {
		limit = req.MaxTokens
	}
	if limit > 0 && rp.n > limit {
		rp.n, rp.finish = limit, "length"
	}
	f := &s.cfg.Faults
	rp.cutAt = s.position(sc.cutAfter, rp.n, seq, laneFaultCut, f.Cut)
	rp.malformedAt = s.position(sc.malformedAfter, rp.n, seq, laneFaultMalformed, f.Malformed)
	rp.errorAt = s.position(sc.errorAfter, rp.n, seq, laneFaultError, f.StreamError)
	rp.keepAlive = sc.keepAlive || s.roll(seq, laneFaultKeepAlive, f.KeepAlive)
	if rp.keepAlive {
		rp.keepAliveEvery = f.KeepAliveInterval
		if sc.keepAliveEvery > 0 {
			rp.keepAliveEvery = sc.keepAliveEvery
		}
	}
	rp.paced = rp.sched.TTFT > 0 || (l.ITL > 0 && rp.n > 1)
	if req.Stream {
		asked := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
		rp.usage, rp.usageNull = asked && !sc.noUsage, asked
	} else {
		rp.usage = !sc.noUsage
	}
	return rp
}

// position places a fault: a scripted position wins (clamped to the reply
// length, so "cut-after-5" still cuts a 3-token reply, just before its
// finish chunk); otherwise a rate draw decides, and a drawn fault lands
// mid-way, after at least one token when the reply has two or more.
func (s *Server) position(scripted, n int, seq, lane uint64, rate float64) int {
	if scripted >= 0 {
		return min(scripted, n)
	}
	if !s.roll(seq, lane, rate) {
		return -1
	}
	if n < 2 {
		return 0
	}
	return 1 + int(rand64(s.cfg.Seed, lanePosition^lane<<8, seq)%uint64(n-1))
}

// requestKey hashes the seed and the request content that defines a reply
// (model, roles, texts) and counts prompt tokens. Tokens are a whitespace
// word count: the mock has no tokenizer and does not pretend to; what matters
// is that the count is deterministic and grows with the prompt.
func requestKey(seed uint64, req *chatRequest) (key uint64, promptTokens int) {
	h := fnv64a(fnvOffset, req.Model)
	for i := range req.Messages {
		m := &req.Messages[i]
		h = fnv64a(h, "\x00")
		h = fnv64a(h, m.Role)
		h = fnv64a(h, "\x00")
		h = fnv64a(h, m.Content.text)
		promptTokens += countWords(m.Content.text)
	}
	return splitmix64(h ^ splitmix64(seed)), promptTokens
}

func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			in = false
		default:
			if !in {
				n++
			}
			in = true
		}
	}
	return n
}

// replyWriter writes one reply. Events are appended to buf.out; a paced
// reply writes and flushes each content event (the client must see tokens
// as they come), an unpaced one writes in large pieces and flushes once.
type replyWriter struct {
	s     *Server
	w     http.ResponseWriter
	ctx   context.Context
	rp    *replyPlan
	buf   *requestBuf
	fe    interface{ FlushError() error }
	fl    http.Flusher
	timer *time.Timer
	due   time.Time // absolute deadline of the last wait; zero before the first
	sent  int       // content tokens written
	gone  bool      // the client went away; already counted
	// every > 0: waits send a keep-alive comment at this interval (streams
	// only: a non-streamed body has a Content-Length).
	every time.Duration
}

// unpacedChunk is how much an unpaced reply buffers before writing: large
// enough that a typical reply is one write, small enough to bound memory.
const unpacedChunk = 32 << 10

func (rw *replyWriter) stream() {
	rp := rw.rp
	h := rw.w.Header()
	h["Content-Type"] = sseContentType
	h["Cache-Control"] = noCache
	rw.s.stats.status(http.StatusOK)
	rw.w.WriteHeader(http.StatusOK)
	rw.buf.pre = rw.appendPrefix(rw.buf.pre[:0], "chat.completion.chunk")
	// A paced reply shows its 200 at once, as hosted APIs do, so a client
	// can tell "accepted, generating" from "not answering".
	if rp.paced && !rw.flush() {
		return
	}
	defer func() { rw.s.stats.completionTokens.Add(int64(rw.sent)) }()
	rw.every = rp.keepAliveEvery
	if rp.keepAlive && !rw.keepAliveComment() {
		return
	}
	if !rw.wait(rp.sched.TTFT) {
		return
	}
	rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`...)
	rw.endChunk()
	for i := 0; ; i++ {
		if i == rp.malformedAt {
			// Unterminated JSON string: the chunk a proxy produces when it
			// splits an event; a client must fail loudly, not skip it.
			rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), `{"index":0,"delta":{"content":"trunc`+"\n\n"...)
			rw.s.stats.malformed.Add(1)
		}
		if i == rp.errorAt {
			rw.errorChunk()
			if rw.flush() {
				rw.s.stats.streamErrors.Add(1)
			}
			return
		}
		if i == rp.cutAt {
			rw.cut()
		}
		if i == rp.n {
			break
		}
		if i > 0 {
			if rp.keepAlive && !rw.keepAliveComment() {
				return
			}
			if !rw.wait(rp.sched.ITL(i)) {
				return
			}
		}
		rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), `{"index":0,"delta":{"content":"`...)
		rw.buf.out = rw.appendWord(rw.buf.out, i)
		rw.buf.out = append(rw.buf.out, `"},"finish_reason":null}]`...)
		rw.endChunk()
		rw.sent++
		if !rw.push() {
			return
		}
	}
	rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), `{"index":0,"delta":{},"finish_reason":"`...)
	rw.buf.out = append(append(rw.buf.out, rp.finish...), `"}]`...)
	rw.endChunk()
	if rp.usage {
		rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), "],"...)
		rw.buf.out = rw.appendUsage(rw.buf.out, rw.sent)
		rw.buf.out = append(rw.buf.out, "}\n\n"...)
	}
	rw.buf.out = append(rw.buf.out, "data: [DONE]\n\n"...)
	if rw.flush() {
		rw.s.stats.streamsCompleted.Add(1)
	}
}

// complete writes a non-streamed reply after the whole schedule has
// elapsed. Faults apply to the body: an error object instead of the reply,
// a body truncated mid-JSON, a connection closed half-way through the body,
// and a keep-alive newline before the JSON (OpenRouter sends whitespace while
// a non-streamed reply is being generated; JSON decoders skip it).
func (rw *replyWriter) complete() {
	rp := rw.rp
	var body []byte
	if rp.errorAt >= 0 {
		body = append(rw.buf.out[:0], `{"error":{"code":"server_error","message":"mock-llm: injected error in a 200 reply (faults.error or error-after-<n>)"}}`+"\n"...)
	} else {
		text := rw.buf.tmp[:0]
		for i := 0; i < rp.n; i++ {
			text = rw.appendWord(text, i)
		}
		rw.buf.tmp = text
		body = rw.appendPrefix(rw.buf.out[:0], "chat.completion")
		body = append(body, `{"index":0,"message":{"role":"assistant","content":"`...)
		body = append(body, text...)
		body = append(body, `"},"finish_reason":"`...)
		body = append(append(body, rp.finish...), `"}]`...)
		if rp.usage {
			body = rw.appendUsage(append(body, ','), rp.n)
		}
		body = append(body, "}\n"...)
		if rp.malformedAt >= 0 {
			body = body[:len(body)/2]
		}
	}
	rw.buf.out = body[:0]

	h := rw.w.Header()
	h["Content-Type"] = jsonContentType
	size := len(body)
	if rp.keepAlive {
		size++
	}
	h["Content-Length"] = []string{strconv.Itoa(size)}
	rw.s.stats.status(http.StatusOK)
	rw.w.WriteHeader(http.StatusOK)
	if rp.keepAlive {
		rw.s.stats.keepAlives.Add(1)
		if !rw.write([]byte{'\n'}) || !rw.flush() {
			return
		}
	}
	if !rw.wait(rp.sched.Total(rp.n)) {
		return
	}
	switch {
	case rp.cutAt >= 0:
		rw.write(body[:len(body)/2])
		rw.cut()
	case !rw.write(body):
		return
	}
	if !rw.flush() {
		return
	}
	switch {
	case rp.errorAt >= 0:
		rw.s.stats.streamErrors.Add(1)
	case rp.malformedAt >= 0:
		rw.s.stats.malformed.Add(1)
		rw.s.stats.repliesCompleted.Add(1)
	default:
		rw.s.stats.completionTokens.Add(int64(rp.n))
		rw.s.stats.repliesCompleted.Add(1)
	}
}

// cut sends what is buffered, then aborts the handler: net/http closes the
// connection without the final chunk, so the client reads an unexpected
// EOF — no [DONE], no clean end of body.
func (rw *replyWriter) cut() {
	if rw.flush() {
		rw.s.stats.streamsCut.Add(1)
	}
	panic(http.ErrAbortHandler)
}

func (rw *replyWriter) endChunk() {
	if rw.rp.usageNull {
		rw.buf.out = append(rw.buf.out, `,"usage":null}`+"\n\n"...)
	} else {
		rw.buf.out = append(rw.buf.out, "}\n\n"...)
	}
}

func (rw *replyWriter) errorChunk() {
	// OpenRouter's mid-stream error shape: an error object beside a choice
	// finished with "error", then the stream ends without [DONE].
	rw.buf.out = append(append(rw.buf.out, rw.buf.pre...), `{"index":0,"delta":{"content":""},"finish_reason":"error"}],"error":{"code":"server_error","message":"mock-llm: injected mid-stream error after `...)
	rw.buf.out = strconv.AppendInt(rw.buf.out, int64(rw.sent), 10)
	rw.buf.out = append(rw.buf.out, ` tokens"}}`+"\n\n"...)
}

// keepAliveComment sends the comment OpenRouter sends while a model is
// slow to answer; SSE readers must skip it.
func (rw *replyWriter) keepAliveComment() bool {
	rw.buf.out = append(rw.buf.out, ": OPENROUTER PROCESSING\n\n"...)
	rw.s.stats.keepAlives.Add(1)
	return rw.push()
}

// appendPrefix renders the part of every chunk before its choices:
// `data: {"id":…,"object":…,"created":…,"model":…,"choices":[` for a stream,
// the same without "data: " for a non-streamed body.
func (rw *replyWriter) appendPrefix(b []byte, object string) []byte {
	if object == "chat.completion.chunk" {
		b = append(b, "data: "...)
	}
	b = append(b, `{"id":"chatcmpl-`...)
	b = appendHex16(b, rw.rp.id)
	b = append(b, `","object":"`...)
	b = append(b, object...)
	b = append(b, `","created":`...)
	b = strconv.AppendInt(b, rw.rp.created, 10)
	b = append(b, `,"model":"`...)
	b = appendJSONStringBody(b, rw.rp.model)
	return append(b, `","choices":[`...)
}

func (rw *replyWriter) appendUsage(b []byte, completion int) []byte {
	rp := rw.rp
	b = append(b, `"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(rp.promptTokens), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(completion), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(rp.promptTokens+completion), 10)
	if rp.cost {
		p := &rw.s.cfg.Prices
		b = append(b, `,"cost":`...)
		b = strconv.AppendFloat(b, float64(rp.promptTokens)*p.Prompt+float64(completion)*p.Completion, 'g', -1, 64)
	}
	return append(b, '}')
}

func (rw *replyWriter) appendWord(b []byte, i int) []byte {
	w := &rw.s.vocab[rand64(rw.rp.key, laneWords, uint64(i))%uint64(len(rw.s.vocab))]
	if i == 0 {
		return append(b, w.first...)
	}
	return append(b, w.next...)
}

// push hands buffered events to the connection: each event when paced,
// else only once a large piece has built up.
func (rw *replyWriter) push() bool {
	if rw.rp.paced {
		return rw.flush()
	}
	if len(rw.buf.out) >= unpacedChunk {
		ok := rw.write(rw.buf.out)
		rw.buf.out = rw.buf.out[:0]
		return ok
	}
	return true
}

// flush writes what is buffered and flushes the connection.
func (rw *replyWriter) flush() bool {
	if len(rw.buf.out) > 0 {
		ok := rw.write(rw.buf.out)
		rw.buf.out = rw.buf.out[:0]
		if !ok {
			return false
		}
	}
	var err error
	switch {
	case rw.fe != nil:
		err = rw.fe.FlushError()
	case rw.fl != nil:
		rw.fl.Flush()
	}
	if err != nil {
		rw.clientGone()
		return false
	}
	return true
}

func (rw *replyWriter) write(b []byte) bool {
	if rw.gone {
		return false
	}
	if _, err := rw.w.Write(b); err != nil {
		rw.clientGone()
		return false
	}
	return true
}

// wait sleeps until d after the previous wait's deadline (the first from
// now) unless the client goes away first. Deadlines are absolute so timer
// lateness does not add up over a reply: a 40-token reply keeps its
// declared TTFT + 39 gaps instead of drifting a few ms late per reply. Zero
// waits return at once without a timer: the zero-latency path must stay
// allocation-free.
func (rw *replyWriter) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	now := time.Now()
	if rw.due.IsZero() {
		rw.due = now
	}
	rw.due = rw.due.Add(d)
	d = rw.due.Sub(now)
	for rw.every > 0 && d > rw.every {
		if !rw.sleep(rw.every) || !rw.keepAliveComment() {
			return false
		}
		d = rw.due.Sub(time.Now())
	}
	return rw.sleep(d)
}

// sleep waits d unless the client goes away first.
func (rw *replyWriter) sleep(d time.Duration) bool {
	if d <= 0 {
		return rw.ctx.Err() == nil || rw.goneNow()
	}
	if rw.timer == nil {
		rw.timer = time.NewTimer(d)
	} else {
		rw.timer.Reset(d)
	}
	select {
	case <-rw.timer.C:
		return true
	case <-rw.ctx.Done():
		rw.timer.Stop()
		rw.clientGone()
		return false
	}
}

// goneNow records a client that left while no wait was needed; it returns false.
func (rw *replyWriter) goneNow() bool {
	rw.clientGone()
	return false
}

func (rw *replyWriter) clientGone() {
	if !rw.gone {
		rw.gone = true
		rw.s.clientGone(rw.ctx)
	}
}

// wordToken is one vocabulary entry, JSON-escaped once at New: the first
// token of a reply is capitalized, the others carry their leading space as
// real tokenizers' tokens do.
type wordToken struct{ first, next []byte }

var words = strings.Fields(`the a of to and in that it is was for on are as with his they at be this
	from have or by one had not but what all were when we there can an your which their said if do will
	each about how up out them then she many some so these would other into has more her two like him see
	time could no make than first been its who now people my made over did down only way find use may water
	long little very after words called just where most know get through back much before go good new write
	our used me man too any day same right look think also around another came come work three word must
	because does part even place well such here take why things help put years different away again off
	went old number great tell men say small every found still between name should home big give air line`)

func buildVocab() []wordToken {
	v := make([]wordToken, len(words))
	for i, w := range words {
		v[i] = wordToken{
			first: appendJSONStringBody(nil, strings.ToUpper(w[:1])+w[1:]),
			next:  appendJSONStringBody(nil, " "+w),
		}
	}
	return v
}

// appendJSONStringBody appends s escaped for the inside of a JSON string.
// s comes from encoding/json or from the vocabulary, so it is valid UTF-8;
// only quotes, backslashes and control bytes need escaping.
func appendJSONStringBody(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return b
}

func appendHex16(b []byte, v uint64) []byte {
	const hex = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, hex[(v>>uint(shift))&0xf])
	}
	return b
}
