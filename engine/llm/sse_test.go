package llm

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type sseResult struct {
	Events []Event
	Err    error
}

// readAllEvents drains an SSEReader, copying each event (its Data is only
// valid until the next Next). limit guards the test against a reader that
// would loop: a stream of n bytes holds at most n+1 events.
func readAllEvents(t testing.TB, r io.Reader, limit int) sseResult {
	t.Helper()
	s := NewSSEReader(r)
	var res sseResult
	for s.Next() {
		ev := s.Event()
		res.Events = append(res.Events, Event{Type: ev.Type, ID: ev.ID, Data: bytes.Clone(ev.Data)})
		if len(res.Events) > limit {
			t.Fatalf("more events (%d) than input bytes allow (%d): the reader loops", len(res.Events), limit)
		}
	}
	res.Err = s.Err()
	return res
}

func ev(data string) Event { return Event{Data: []byte(data)} }

func TestSSEReader(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []Event
		err  error
	}{
		{"one event", "data: hello\n\n", []Event{ev("hello")}, nil},
		{"two events", "data: a\n\ndata: b\n\n", []Event{ev("a"), ev("b")}, nil},
		{"CRLF line endings", "data: a\r\n\r\ndata: b\r\n\r\n", []Event{ev("a"), ev("b")}, nil},
		{"bare CR line endings", "data: a\r\rdata: b\r\r", []Event{ev("a"), ev("b")}, nil},
		{"mixed line endings", "data: a\r\n\ndata: b\r\r\n", []Event{ev("a"), ev("b")}, nil},
		{"comment keep-alives are skipped", ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: x\n\n", []Event{ev("x")}, nil},
		{"comment inside an event", "data: a\n: ping\ndata: b\n\n", []Event{ev("a\nb")}, nil},
		{"multi-line data joined by LF", "data: {\"a\":\ndata: 1}\n\n", []Event{ev("{\"a\":\n1}")}, nil},
		{"no space after colon", "data:x\n\n", []Event{ev("x")}, nil},
		{"only one leading space is stripped", "data:  x\n\n", []Event{ev(" x")}, nil},
		{"field without colon is an empty value", "data\n\n", []Event{ev("")}, nil},
		{"event type and id", "event: error\nid: 7\ndata: x\n\ndata: y\n\n",
			[]Event{{Type: "error", ID: "7", Data: []byte("x")}, {ID: "7", Data: []byte("y")}}, nil},
		{"unknown fields and retry are ignored", "retry: 10\nfoo: bar\ndata: x\n\n", []Event{ev("x")}, nil},
		{"blank lines without data dispatch nothing", "\n\n\n", nil, nil},
		{"leading BOM is ignored", "\xEF\xBB\xBFdata: x\n\n", []Event{ev("x")}, nil},
		{"last event without blank line is dispatched", "data: a\n\ndata: [DONE]\n", []Event{ev("a"), ev("[DONE]")}, nil},
		{"unterminated last line is a cut stream", "data: a\n\ndata: {\"cho", []Event{ev("a")}, io.ErrUnexpectedEOF},
		{"cut after data line and partial next line", "data: a\ndat", nil, io.ErrUnexpectedEOF},
		{"empty input", "", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Whole, one byte at a time, and with CRLF pairs split across
			// reads: the result must not depend on how bytes arrive.
			readers := map[string]io.Reader{
				"whole":    strings.NewReader(c.in),
				"one byte": iotest.OneByteReader(strings.NewReader(c.in)),
				"halves":   iotest.HalfReader(strings.NewReader(c.in)),
			}
			for name, r := range readers {
				got := readAllEvents(t, r, len(c.in)+1)
				assert.Equal(t, c.want, got.Events, name)
				assert.ErrorIs(t, got.Err, c.err, name)
				if c.err == nil {
					assert.NoError(t, got.Err, name)
				}
			}
		})
	}
}

func TestSSEReaderErrors(t *testing.T) {
	t.Run("reader error is reported", func(t *testing.T) {
		boom := errors.New("boom")
		got := readAllEvents(t, io.MultiReader(strings.NewReader("data: a\n\n"), iotest.ErrReader(boom)), 10)
		assert.Equal(t, []Event{ev("a")}, got.Events)
		assert.ErrorIs(t, got.Err, boom)
	})
	t.Run("a line longer than MaxEventSize stops the reader", func(t *testing.T) {
		in := io.MultiReader(strings.NewReader("data: "), &repeatReader{b: 'x', n: MaxEventSize + 10})
		got := readAllEvents(t, in, 1)
		assert.Empty(t, got.Events)
		assert.ErrorIs(t, got.Err, ErrEventTooLarge)
	})
	t.Run("an event larger than MaxEventSize stops the reader", func(t *testing.T) {
		line := "data: " + strings.Repeat("x", 1<<20) + "\n"
		got := readAllEvents(t, strings.NewReader(strings.Repeat(line, 5)+"\n"), 1)
		assert.Empty(t, got.Events)
		assert.ErrorIs(t, got.Err, ErrEventTooLarge)
	})
	t.Run("a reader that returns nothing forever is given up on", func(t *testing.T) {
		got := readAllEvents(t, emptyReader{}, 1)
		assert.ErrorIs(t, got.Err, io.ErrNoProgress)
	})
}

func TestSSEReaderReset(t *testing.T) {
	s := NewSSEReader(strings.NewReader("event: e\nid: 1\ndata: first\n\ndata: partial"))
	require.True(t, s.Next())
	s.Reset(strings.NewReader("data: second\n\n"))
	require.True(t, s.Next())
	assert.Equal(t, Event{Data: []byte("second")}, s.Event(), "no type, id or data carried over")
	assert.False(t, s.Next())
	assert.NoError(t, s.Err())
}

type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n)
	for i := range p[:n] {
		p[i] = r.b
	}
	r.n -= n
	return n, nil
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// splitReader returns its input in pieces whose sizes cycle through sizes,
// with an empty read in between now and then, like a socket does.
type splitReader struct {
	b     []byte
	sizes []byte
	i     int
}

func (r *splitReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(r.sizes) > 0 {
		n = int(r.sizes[r.i%len(r.sizes)])
		r.i++
	}
	n = min(n, len(p), len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// referenceSSE is a direct transcription of the WHATWG event-stream
// interpretation rules over a complete input, used as the oracle for the
// streaming reader.
func referenceSSE(in []byte) sseResult {
	in = bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
	var res sseResult
	var data []byte
	hasData := false
	typ, id := "", ""
	for len(in) > 0 {
		i := bytes.IndexAny(in, "\r\n")
		if i < 0 {
			// Unterminated last line: the stream was cut.
			res.Err = io.ErrUnexpectedEOF
			return res
		}
		line := in[:i]
		if in[i] == '\r' && i+1 < len(in) && in[i+1] == '\n' {
			i++
		}
		in = in[i+1:]
		switch {
		case len(line) == 0:
			if hasData {
				d := bytes.TrimSuffix(data, []byte("\n"))
				res.Events = append(res.Events, Event{Type: typ, ID: id, Data: bytes.Clone(d)})
			}
			data, hasData, typ = nil, false, ""
		case line[0] == ':':
		default:
			name, value, found := bytes.Cut(line, []byte(":"))
			if found {
				value = bytes.TrimPrefix(value, []byte(" "))
			}
			switch string(name) {
			case "data":
				data = append(append(data, value...), '\n')
				hasData = true
			case "event":
				typ = string(value)
			case "id":
				if bytes.IndexByte(value, 0) < 0 {
					id = string(value)
				}
			}
		}
	}
	if hasData {
		d := bytes.TrimSuffix(data, []byte("\n"))
		res.Events = append(res.Events, Event{Type: typ, ID: id, Data: bytes.Clone(d)})
	}
	return res
}

func FuzzSSE(f *testing.F) {
	seeds := []string{
		"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n",
		": OPENROUTER PROCESSING\r\n\r\ndata: a\r\n\r\n",
		"event: error\nid: 1\ndata: x\ndata: y\n\n",
		"data: a\rdata: b\r\r",
		"\xEF\xBB\xBFdata: bom\n\n",
		"data: cut",
		"data\n\nid: \x00\ndata:\n\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte{1, 3, 7})
	}
	f.Fuzz(func(t *testing.T, in []byte, sizes []byte) {
		want := referenceSSE(in)
		if len(want.Events) == 0 {
			want.Events = nil
		}
		// The fuzzer's inputs may share memory: never write to them.
		sizes = bytes.Clone(sizes)
		for i, b := range sizes {
			if b == 0 {
				sizes[i] = 1
			}
		}
		for _, r := range []io.Reader{bytes.NewReader(in), &splitReader{b: in, sizes: sizes}} {
			got := readAllEvents(t, r, len(in)+1)
			if !assert.Equal(t, want.Events, got.Events) {
				return
			}
			if want.Err != nil {
				assert.ErrorIs(t, got.Err, want.Err)
			} else {
				assert.NoError(t, got.Err)
			}
		}
	})
}
