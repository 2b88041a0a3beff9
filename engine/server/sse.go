package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// sseWriter writes Server-Sent Events, flushing each one. Headers go out
// with the first event, so a handler can still answer a plain 400 when the
// run is rejected before producing anything. After a failed write it stops
// writing: the client is gone, and the request context (canceled by
// net/http when the connection drops) stops the run.
type sseWriter struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	started  bool
	err      error
	buf      bytes.Buffer
	enc      *json.Encoder
	deadline time.Time // when the write deadline was last moved
}

func newSSEWriter(w http.ResponseWriter) *sseWriter {
	s := &sseWriter{w: w, rc: http.NewResponseController(w)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}

func (s *sseWriter) start() {
	if s.started {
		return
	}
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // tell nginx-style proxies not to buffer
	s.w.WriteHeader(http.StatusOK)
}

// extendDeadline moves the write deadline forward, at most once a second:
// the server-wide WriteTimeout would otherwise cut any stream longer than
// it, and no deadline at all would let a stalled client pin the run.
func (s *sseWriter) extendDeadline() {
	now := time.Now()
	if now.Sub(s.deadline) < time.Second {
		return
	}
	s.deadline = now
	_ = s.rc.SetWriteDeadline(now.Add(streamWriteWindow))
}

// event writes "event: name" (omitted when empty) and "data: <json v>".
func (s *sseWriter) event(name string, v any) {
	if s.err != nil {
		return
	}
	s.start()
	s.buf.Reset()
	if name != "" {
		s.buf.WriteString("event: ")
		s.buf.WriteString(name)
		s.buf.WriteByte('\n')
	}
	s.buf.WriteString("data: ")
	if err := s.enc.Encode(v); err != nil { // Encode appends '\n'
		s.err = err
		return
	}
	s.buf.WriteByte('\n')
	s.flushBuf()
}

// raw writes pre-formatted SSE text (a comment, "data: [DONE]").
func (s *sseWriter) raw(text string) {
	if s.err != nil {
		return
	}
	s.start()
	s.buf.Reset()
	s.buf.WriteString(text)
	s.flushBuf()
}

func (s *sseWriter) flushBuf() {
	s.extendDeadline()
	if _, err := s.w.Write(s.buf.Bytes()); err != nil {
		s.err = err
		return
	}
	if err := s.rc.Flush(); err != nil {
		s.err = err
	}
}
