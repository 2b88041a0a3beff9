package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// keepAliveComment is what a stream sends while it has nothing else to
// send. SSE clients ignore comment lines; proxies and the client's own
// read timeouts see bytes.
const keepAliveComment = ": hive processing\n\n"

// sseWriter writes Server-Sent Events, flushing each one. Headers go out
// with the first event, so a handler can still answer a plain 400 when the
// run is rejected before producing anything.
//
// Once the stream has started, a keep-alive comment goes out whenever
// nothing was written for keepAlive: a stage can wait minutes for its
// first token, and a silent stream is cut by proxies and by the client's
// own timeouts. Every write moves the write deadline window ahead, so a
// stream lasts as long as its run while a client that stops reading is
// dropped after window. After a failed write it writes nothing more and
// cancels the run (cancel): nobody is left to receive the tokens being
// paid for.
//
// event and raw are called on the run's goroutine, the keep-alive on its
// own; mu orders them. close must be called before the handler returns.
type sseWriter struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	keepAlive time.Duration // 0: none
	window    time.Duration
	cancel    context.CancelCauseFunc

	mu      sync.Mutex
	started bool
	err     error
	buf     bytes.Buffer
	enc     *json.Encoder
	last    time.Time // when the last write began

	stop, done chan struct{} // the keep-alive goroutine's; nil until started
	closeOnce  sync.Once
}

// newSSEWriter returns a writer on w that cancels the run with cancel when
// a write fails.
func (s *Server) newSSEWriter(w http.ResponseWriter, cancel context.CancelCauseFunc) *sseWriter {
	sw := &sseWriter{w: w, rc: http.NewResponseController(w), keepAlive: s.cfg.StreamKeepAlive,
		window: s.cfg.StreamWriteWindow, cancel: cancel}
	sw.enc = json.NewEncoder(&sw.buf)
	sw.enc.SetEscapeHTML(false)
	return sw
}

// start writes the headers and starts the keep-alive; mu is held.
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
	if s.keepAlive > 0 {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.keepAlives()
	}
}

// isStarted reports whether the headers went out (call it after close, or
// from the run's goroutine).
func (s *sseWriter) isStarted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// close stops the keep-alive and waits for it: nothing may write to w
// after the handler returns. It gives net/http's own last write, the end
// of the chunked body after the handler returns, a full window too: under
// the deadline of the stream's last event it could find that deadline
// passed and cut the stream short.
func (s *sseWriter) close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		stop, done := s.stop, s.done
		s.mu.Unlock()
		if stop != nil {
			close(stop)
			<-done
		}
		s.mu.Lock()
		if s.started && s.err == nil {
			_ = s.rc.SetWriteDeadline(time.Now().Add(s.window))
		}
		s.mu.Unlock()
	})
}

// keepAlives writes a comment whenever keepAlive has passed since the last
// write, until close or a failed write.
func (s *sseWriter) keepAlives() {
	defer close(s.done)
	t := time.NewTimer(s.keepAlive)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if s.err != nil {
			s.mu.Unlock()
			return
		}
		next := s.keepAlive - time.Since(s.last)
		if next <= 0 {
			s.buf.Reset()
			s.buf.WriteString(keepAliveComment)
			s.flushBuf()
			next = s.keepAlive
		}
		s.mu.Unlock()
		t.Reset(next)
	}
}

// event writes "event: name" (omitted when empty) and "data: <json v>".
func (s *sseWriter) event(name string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
		s.fail(fmt.Errorf("server: encoding an SSE event: %w", err))
		return
	}
	s.buf.WriteByte('\n')
	s.flushBuf()
}

// raw writes pre-formatted SSE text (a comment, "data: [DONE]").
func (s *sseWriter) raw(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	s.start()
	s.buf.Reset()
	s.buf.WriteString(text)
	s.flushBuf()
}

// flushBuf writes buf and flushes it under a fresh write deadline; mu is
// held.
func (s *sseWriter) flushBuf() {
	s.last = time.Now()
	_ = s.rc.SetWriteDeadline(s.last.Add(s.window))
	if _, err := s.w.Write(s.buf.Bytes()); err != nil {
		s.fail(fmt.Errorf("%w: server: writing to the client failed: %w", context.Canceled, err))
		return
	}
	if err := s.rc.Flush(); err != nil {
		s.fail(fmt.Errorf("%w: server: writing to the client failed: %w", context.Canceled, err))
	}
}

// fail stops the stream and the run; mu is held. The cause wraps
// context.Canceled, so the run counts as canceled, not as a network error.
func (s *sseWriter) fail(err error) {
	s.err = err
	if s.cancel != nil {
		s.cancel(err)
	}
}
