package llm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxEventSize bounds one SSE line and one event's accumulated data. A chat
// chunk is a few hundred bytes; the bound exists so that a server that never
// sends a newline cannot make the client buffer without limit.
const MaxEventSize = 4 << 20

// ErrEventTooLarge is returned by SSEReader.Err when a line or an event's data
// exceeds MaxEventSize.
var ErrEventTooLarge = errors.New("llm: SSE line or event larger than 4 MiB")

// Event is one dispatched server-sent event. Data is the event's data lines
// joined by "\n" (the spec's rule) and is only valid until the next call to
// SSEReader.Next: copy it to keep it.
type Event struct {
	Type string // the "event:" field; empty means the default type "message"
	ID   string // the last "id:" field seen; empty when none
	Data []byte
}

// SSEReader reads server-sent events (the text/event-stream format of the
// WHATWG HTML spec, §9.2) from a byte stream. It follows bufio.Scanner:
//
//	r := NewSSEReader(body)
//	for r.Next() {
//		ev := r.Event()
//		...
//	}
//	if err := r.Err(); err != nil { ... }
//
// Bytes are passed on as they arrive (no UTF-8 repair; the JSON decoder
// does that). It accepts LF, CRLF and bare CR line endings (also when a CRLF pair is split
// across two reads), skips comment lines (":" ...; OpenRouter sends
// ": OPENROUTER PROCESSING" keep-alives), joins multi-line "data:" fields and
// ignores fields it does not know. It allocates nothing per line or event once
// its buffers have grown to the stream's largest event.
//
// At the end of the input, an event whose lines all ended in a newline but
// that lacks the terminating blank line is still dispatched (some servers close
// right after "data: [DONE]\n"); an unterminated final line means the stream
// was cut, and Err reports io.ErrUnexpectedEOF.
type SSEReader struct {
	r   io.Reader
	buf []byte // buffered input is buf[pos:end]
	pos int
	end int
	// scanned counts bytes at buf[pos:] already searched for a line end, so
	// that a long line arriving in many reads is not searched quadratically.
	scanned int
	// skipLF is set when the last line ended in '\r' at the end of the
	// buffered input: a following '\n' belongs to that line ending.
	skipLF bool
	eof    bool
	// bomChecked is set once the first line has been checked for a leading
	// UTF-8 byte order mark, which the spec says to ignore.
	bomChecked bool

	data    []byte // current event's data; each data line adds value + '\n'
	hasData bool
	typ     string
	id      string
	ev      Event
	err     error
	done    bool
}

// NewSSEReader returns a reader of events from r.
func NewSSEReader(r io.Reader) *SSEReader {
	s := &SSEReader{}
	s.Reset(r)
	return s
}

// Reset makes s read from r, keeping its buffers, so that one SSEReader can
// serve many streams (the client pools them).
func (s *SSEReader) Reset(r io.Reader) {
	if s.buf == nil {
		s.buf = make([]byte, 4096)
	}
	*s = SSEReader{r: r, buf: s.buf, data: s.data[:0]}
}

// Next advances to the next event. It returns false at the end of the input or
// on an error; Err tells which.
func (s *SSEReader) Next() bool {
	if s.done {
		return false
	}
	for {
		line, err := s.readLine()
		if err != nil {
			s.done = true
			if err == io.EOF {
				// The input ended at a line boundary: a complete but
				// unterminated event is still dispatched.
				if s.hasData {
					s.dispatch()
					return true
				}
				return false
			}
			if err == io.ErrUnexpectedEOF {
				s.hasData = false
			}
			s.err = err
			return false
		}
		if len(line) == 0 {
			if s.hasData {
				s.dispatch()
				return true
			}
			// A blank line with no data resets the event type (spec).
			s.typ = ""
			continue
		}
		if line[0] == ':' {
			continue // comment, e.g. a keep-alive
		}
		if err := s.field(line); err != nil {
			s.done = true
			s.err = err
			return false
		}
	}
}

// Event returns the event Next advanced to.
func (s *SSEReader) Event() Event { return s.ev }

// Err returns the error that stopped Next: nil at a clean end of input,
// io.ErrUnexpectedEOF when the input ended inside a line, ErrEventTooLarge, or
// the underlying reader's error.
func (s *SSEReader) Err() error { return s.err }

func (s *SSEReader) dispatch() {
	d := s.data
	if n := len(d); n > 0 && d[n-1] == '\n' {
		d = d[:n-1]
	}
	s.ev = Event{Type: s.typ, ID: s.id, Data: d}
	s.data = s.data[:0]
	s.hasData = false
	s.typ = ""
}

var (
	utf8BOM    = []byte("\xEF\xBB\xBF")
	fieldData  = []byte("data")
	fieldEvent = []byte("event")
	fieldID    = []byte("id")
)

// field applies one non-comment line to the event being built.
func (s *SSEReader) field(line []byte) error {
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch {
	case bytes.Equal(name, fieldData):
		if len(s.data)+len(value)+1 > MaxEventSize {
			return ErrEventTooLarge
		}
		s.data = append(s.data, value...)
		s.data = append(s.data, '\n')
		s.hasData = true
	case bytes.Equal(name, fieldEvent):
		if string(value) != s.typ { // compare without allocating
			s.typ = string(value)
		}
	case bytes.Equal(name, fieldID):
		if bytes.IndexByte(value, 0) < 0 && string(value) != s.id {
			s.id = string(value)
		}
	}
	// "retry" and unknown fields are ignored, as the spec says.
	return nil
}

// readLine returns the next line without its line ending. The slice is valid
// until the next call. It returns io.EOF at the end of input on a line
// boundary and io.ErrUnexpectedEOF when the input ends inside a line.
func (s *SSEReader) readLine() ([]byte, error) {
	for {
		if s.skipLF && s.pos < s.end {
			if s.buf[s.pos] == '\n' {
				s.pos++
			}
			s.skipLF = false
		}
		if start := s.pos + s.scanned; start < s.end {
			if i := indexLineEnd(s.buf[start:s.end]); i >= 0 {
				j := start + i
				line := s.buf[s.pos:j]
				if s.buf[j] == '\r' {
					if j+1 < s.end {
						if s.buf[j+1] == '\n' {
							j++
						}
					} else {
						s.skipLF = true
					}
				}
				s.pos = j + 1
				s.scanned = 0
				if !s.bomChecked {
					s.bomChecked = true
					line = bytes.TrimPrefix(line, utf8BOM)
				}
				return line, nil
			}
			s.scanned = s.end - s.pos
		}
		if s.eof {
			if s.pos < s.end {
				s.pos = s.end
				return nil, io.ErrUnexpectedEOF
			}
			return nil, io.EOF
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input, compacting or growing the buffer first.
func (s *SSEReader) fill() error {
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= MaxEventSize {
			return ErrEventTooLarge
		}
		nb := make([]byte, min(2*len(s.buf), MaxEventSize))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	// Like bufio, give up on a reader that keeps returning nothing, so a
	// broken io.Reader cannot make Next spin forever.
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		if n < 0 || n > len(s.buf)-s.end {
			return fmt.Errorf("llm: SSE: reader returned invalid count %d", n)
		}
		s.end += n
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// indexLineEnd returns the index of the first '\n' or '\r' in b, or -1.
// Two IndexByte scans (vectorized) beat one IndexAny; '\r' is rare in
// practice, so the second scan usually covers only the line itself.
func indexLineEnd(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		if j := bytes.IndexByte(b[:i], '\r'); j >= 0 {
			return j
		}
		return i
	}
	return bytes.IndexByte(b, '\r')
}
