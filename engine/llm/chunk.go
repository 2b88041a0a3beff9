package llm

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// chunk holds what the client takes from one streamed chat.completion.chunk
// (or an error event). It is decoded by a small purpose-built JSON scanner
// rather than encoding/json: a reflective Unmarshal costs microseconds and
// several allocations per chunk, and a streamed answer has hundreds of
// chunks, which would dominate the engine-overhead budget. The scanner still
// validates the whole value (RFC 8259), so malformed input is an error, not a
// guess. The byte slices point into the chunk's own scratch buffers and are
// overwritten by the next decode.
//
// Fields read, all others skipped:
//
//	model
//	choices[0].delta.content, choices[0].finish_reason
//	usage.prompt_tokens, usage.completion_tokens, usage.cost
//	error (an object with message and code, or a bare string)
//	object == "error" with message/code at the top level (vLLM's shape)
type chunk struct {
	model    []byte
	hasModel bool

	content    []byte
	hasContent bool
	finish     []byte

	usage    bool // a non-null usage object was present
	prompt   int64
	complete int64
	hasCost  bool
	cost     float64

	hasErr   bool
	errMsg   []byte
	errCode  []byte // the code as text (a string's value or a number's digits)
	errNum   int64  // the code when it was a number, else 0
	objError bool   // "object":"error"
	topMsg   []byte // top-level "message", used with objError
	topCode  []byte
	topNum   int64
	scratch  []byte // values only compared, such as "object"
}

// maxJSONDepth bounds nesting so that hostile input cannot exhaust the stack.
// A chat chunk nests five levels deep.
const maxJSONDepth = 64

// errJSON is wrapped by every syntax error of the chunk decoder.
var errJSON = errors.New("invalid JSON")

type jsonScanner struct {
	b   []byte
	i   int
	err error
	// keyBuf holds an escaped key while its value is matched. A key is only
	// looked at before its value is scanned, so nested objects may reuse it.
	keyBuf []byte
}

func (c *chunk) reset() {
	*c = chunk{
		model:   c.model[:0],
		content: c.content[:0],
		finish:  c.finish[:0],
		errMsg:  c.errMsg[:0],
		errCode: c.errCode[:0],
		topMsg:  c.topMsg[:0],
		topCode: c.topCode[:0],
		scratch: c.scratch[:0],
	}
}

// decode parses data as one chunk. On a syntax error it returns an error that
// names the byte offset.
func (c *chunk) decode(data []byte) error {
	c.reset()
	s := jsonScanner{b: data}
	s.ws()
	if s.peek() != '{' {
		if s.i >= len(s.b) {
			return fmt.Errorf("%w: empty data", errJSON)
		}
		// Still validate, so the error says what is wrong.
		s.skipValue(0)
		if s.err == nil {
			s.ws()
			if s.i < len(s.b) {
				s.fail("data after the top-level value")
			}
		}
		if s.err != nil {
			return s.err
		}
		return fmt.Errorf("%w: top-level value is not an object", errJSON)
	}
	s.object(0, func(key []byte) {
		switch string(key) {
		case "model":
			c.model, c.hasModel = s.stringOrNull(c.model[:0])
		case "choices":
			c.content, c.hasContent, c.finish = c.content[:0], false, c.finish[:0]
			c.choices(&s)
		case "usage":
			c.usage, c.prompt, c.complete, c.hasCost, c.cost = false, 0, 0, false, 0
			c.usageObj(&s)
		case "error":
			c.errorVal(&s)
		case "object":
			var ok bool
			c.scratch, ok = s.stringOrNull(c.scratch[:0])
			c.objError = ok && string(c.scratch) == "error"
		case "message":
			c.topMsg = c.topMsg[:0]
			if s.peek() == '"' {
				c.topMsg = s.str(c.topMsg)
			} else {
				s.skipValue(1)
			}
		case "code":
			c.topCode, c.topNum = s.code(c.topCode[:0])
		default:
			s.skipValue(1)
		}
	})
	if s.err == nil {
		s.ws()
		if s.i < len(s.b) {
			s.fail("data after the top-level value")
		}
	}
	if s.err != nil {
		return s.err
	}
	if !c.hasErr && c.objError {
		c.hasErr = true
		c.errMsg = append(c.errMsg[:0], c.topMsg...)
		c.errCode = append(c.errCode[:0], c.topCode...)
		c.errNum = c.topNum
	}
	return nil
}

func (c *chunk) choices(s *jsonScanner) {
	if s.null() {
		return
	}
	if s.peek() != '[' {
		s.skipValue(1)
		return
	}
	first := true
	s.array(1, func() {
		if !first || s.peek() != '{' {
			s.skipValue(2)
			first = false
			return
		}
		first = false
		s.object(2, func(key []byte) {
			switch string(key) {
			case "delta":
				c.content, c.hasContent = c.content[:0], false
				if s.null() {
					return
				}
				if s.peek() != '{' {
					s.skipValue(3)
					return
				}
				s.object(3, func(key []byte) {
					if string(key) == "content" {
						c.content, c.hasContent = s.stringOrNull(c.content[:0])
						return
					}
					s.skipValue(4)
				})
			case "finish_reason":
				c.finish, _ = s.stringOrNull(c.finish[:0])
			default:
				s.skipValue(3)
			}
		})
	})
}

func (c *chunk) usageObj(s *jsonScanner) {
	if s.null() {
		return
	}
	if s.peek() != '{' {
		s.skipValue(1)
		return
	}
	c.usage = true
	s.object(1, func(key []byte) {
		switch string(key) {
		case "prompt_tokens":
			c.prompt, _ = s.intOrNull()
		case "completion_tokens":
			c.complete, _ = s.intOrNull()
		case "cost":
			c.cost, c.hasCost = s.floatOrNull()
		default:
			s.skipValue(2)
		}
	})
}

func (c *chunk) errorVal(s *jsonScanner) {
	c.hasErr, c.errMsg, c.errCode, c.errNum = false, c.errMsg[:0], c.errCode[:0], 0
	switch s.peek() {
	case 'n':
		s.null()
	case '"':
		c.hasErr = true
		c.errMsg = s.str(c.errMsg)
	case '{':
		c.hasErr = true
		s.object(1, func(key []byte) {
			switch string(key) {
			case "message":
				c.errMsg = c.errMsg[:0]
				if s.peek() == '"' {
					c.errMsg = s.str(c.errMsg)
				} else {
					s.skipValue(2)
				}
			case "code":
				c.errCode, c.errNum = s.code(c.errCode[:0])
			default:
				s.skipValue(2)
			}
		})
	default:
		// Any other value still says "error"; keep its absence of detail.
		c.hasErr = true
		s.skipValue(1)
	}
}

// --- the scanner ---

func (s *jsonScanner) fail(what string) {
	if s.err == nil {
		if s.i >= len(s.b) && what != "unexpected end of data" {
			what = "unexpected end of data: " + what
		}
		s.err = fmt.Errorf("%w at offset %d: %s", errJSON, s.i, what)
	}
}

func (s *jsonScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return
		}
		s.i++
	}
}

// plainByte marks the bytes a JSON string can hold as they are: not '"',
// '\\', a control character or part of a multi-byte sequence. A table
// lookup per byte is what makes key and string scanning cheap.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (s *jsonScanner) lit(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	s.fail("invalid literal")
	return false
}

// null consumes a null if one is next.
func (s *jsonScanner) null() bool {
	if s.peek() == 'n' {
		s.lit("null")
		return true
	}
	return false
}

// object scans an object whose '{' is next, calling fn with each key (valid
// only during the call) with the scanner positioned at the value; fn must
// consume the value.
func (s *jsonScanner) object(depth int, fn func(key []byte)) {
	if depth >= maxJSONDepth {
		s.fail("nested too deeply")
		return
	}
	s.i++ // '{'
	s.ws()
	if s.peek() == '}' {
		s.i++
		return
	}
	for s.err == nil {
		if s.peek() != '"' {
			s.fail("expected a string key")
			return
		}
		key := s.key()
		if s.err != nil {
			return
		}
		s.ws()
		if s.peek() != ':' {
			s.fail("expected ':' after a key")
			return
		}
		s.i++
		s.ws()
		fn(key)
		if s.err != nil {
			return
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return
		default:
			s.fail("expected ',' or '}' in an object")
			return
		}
	}
}

// array scans an array whose '[' is next, calling fn positioned at each
// element; fn must consume it.
func (s *jsonScanner) array(depth int, fn func()) {
	if depth >= maxJSONDepth {
		s.fail("nested too deeply")
		return
	}
	s.i++ // '['
	s.ws()
	if s.peek() == ']' {
		s.i++
		return
	}
	for s.err == nil {
		fn()
		if s.err != nil {
			return
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			return
		default:
			s.fail("expected ',' or ']' in an array")
			return
		}
	}
}

// skipValue validates and skips any value.
func (s *jsonScanner) skipValue(depth int) {
	switch c := s.peek(); {
	case c == '{':
		s.object(depth, func([]byte) { s.skipValue(depth + 1) })
	case c == '[':
		s.array(depth, func() { s.skipValue(depth + 1) })
	case c == '"':
		s.skipString()
	case c == 't':
		s.lit("true")
	case c == 'f':
		s.lit("false")
	case c == 'n':
		s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	case s.i >= len(s.b):
		s.fail("unexpected end of data")
	default:
		s.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

// number scans a number and returns its text.
func (s *jsonScanner) number() []byte {
	start := s.i
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
		}
	default:
		s.fail("invalid number")
		return nil
	}
	if s.peek() == '.' {
		s.i++
		if !s.digits() {
			return nil
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return nil
		}
	}
	return s.b[start:s.i]
}

func (s *jsonScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i == start {
		s.fail("invalid number")
		return false
	}
	return true
}

// intOrNull reads a number (or null) as an integer. Token counts are
// integers; a fractional or huge value is truncated or saturated rather than
// rejected, because the chunk is otherwise fine.
func (s *jsonScanner) intOrNull() (int64, bool) {
	if s.null() {
		return 0, false
	}
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		s.skipValue(2)
		return 0, false
	}
	num := s.number()
	if s.err != nil {
		return 0, false
	}
	var n int64
	simple := len(num) <= 18
	for _, d := range num {
		if d < '0' || d > '9' {
			simple = false
			break
		}
		n = n*10 + int64(d-'0')
	}
	if simple {
		return n, true
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return int64(f), true
}

func (s *jsonScanner) floatOrNull() (float64, bool) {
	if s.null() {
		return 0, false
	}
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		s.skipValue(2)
		return 0, false
	}
	num := s.number()
	if s.err != nil {
		return 0, false
	}
	f, _ := strconv.ParseFloat(string(num), 64)
	return f, true
}

// code reads an error code, which servers send as a string or a number.
func (s *jsonScanner) code(dst []byte) ([]byte, int64) {
	switch c := s.peek(); {
	case c == '"':
		return s.str(dst), 0
	case c == '-' || (c >= '0' && c <= '9'):
		num := s.number()
		var n int64
		// A code may be written 502, 502.0 or 5.02e2; only integral
		// values count as a number code.
		if f, err := strconv.ParseFloat(string(num), 64); err == nil && f == float64(int64(f)) {
			n = int64(f)
		}
		return append(dst, num...), n
	default:
		s.skipValue(2)
		return dst, 0
	}
}

// stringOrNull reads a string into dst (ok true). Any other value, null
// included, is validated and skipped (ok false): a field of the wrong type is
// treated as absent, the way a decoder into a typed struct would ignore it.
func (s *jsonScanner) stringOrNull(dst []byte) ([]byte, bool) {
	if s.peek() == '"' {
		return s.str(dst), s.err == nil
	}
	s.skipValue(2)
	return dst, false
}

// key returns an object key. Keys without escapes (all real ones) are
// returned as a slice of the input, without copying.
func (s *jsonScanner) key() []byte {
	start := s.i + 1
	j := start
	for j < len(s.b) && plainByte[s.b[j]] {
		j++
	}
	if j < len(s.b) && s.b[j] == '"' {
		s.i = j + 1
		return s.b[start:j]
	}
	s.keyBuf = s.str(s.keyBuf[:0])
	return s.keyBuf
}

func (s *jsonScanner) skipString() {
	s.i++ // opening quote
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case plainByte[c] || c >= utf8.RuneSelf:
			s.i++
		case c == '"':
			s.i++
			return
		case c == '\\':
			if _, ok := s.escapeRune(); !ok {
				return
			}
		default: // a control character
			s.fail("control character in a string")
			return
		}
	}
	s.fail("unterminated string")
}

// str appends the unescaped string whose '"' is next to dst. Invalid UTF-8
// and unpaired surrogates become U+FFFD, as encoding/json does.
func (s *jsonScanner) str(dst []byte) []byte {
	s.i++ // opening quote
	for s.i < len(s.b) {
		// Copy the longest run of plain ASCII at once.
		j := s.i
		for j < len(s.b) && plainByte[s.b[j]] {
			j++
		}
		dst = append(dst, s.b[s.i:j]...)
		s.i = j
		if j >= len(s.b) {
			break
		}
		switch c := s.b[j]; {
		case c == '"':
			s.i++
			return dst
		case c == '\\':
			var ok bool
			if dst, ok = s.escapeInto(dst); !ok {
				return dst
			}
		case c < 0x20:
			s.fail("control character in a string")
			return dst
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s.b[s.i:s.i+size]...)
			}
			s.i += size
		}
	}
	s.fail("unterminated string")
	return dst
}

func (s *jsonScanner) escapeInto(dst []byte) ([]byte, bool) {
	r, ok := s.escapeRune()
	if !ok {
		return dst, false
	}
	return utf8.AppendRune(dst, r), true
}

// escapeRune decodes the escape sequence at s.i (which is a '\\').
func (s *jsonScanner) escapeRune() (rune, bool) {
	if s.i+1 >= len(s.b) {
		s.fail("unterminated escape")
		return 0, false
	}
	c := s.b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return 0, false
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate followed by an escaped low one is one rune;
			// anything else is U+FFFD and the next escape stands alone.
			if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
				save := s.i
				s.i += 2
				r2, ok := s.hex4()
				if !ok {
					return 0, false
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, true
				}
				s.i = save
			}
			return utf8.RuneError, true
		}
		return r, true
	default:
		s.i -= 2
		s.fail("invalid escape")
		return 0, false
	}
}

func (s *jsonScanner) hex4() (rune, bool) {
	if len(s.b)-s.i < 4 {
		s.fail("short \\u escape")
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			s.fail("invalid \\u escape")
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.i += 4
	return r, true
}
