package parse

import (
	"bytes"
	"strings"
)

// The Python lexer does for Python what the C and Go lexers (lexc.go,
// lexgo.go) do for theirs: it finds comments (for line classes) and
// decision points with one byte scan, and marks what may start a
// definition or an import, so that the query walks the statements on the
// way to those and never an expression. On Chromium's Python the
// whole-tree query, which walked every expression, made an analysis 1.6x
// a parse.
//
// The tokens that hide others are tree-sitter-python's, and where the
// grammar's external scanner (src/scanner.c) parts from Python the lexer
// follows the scanner, since the whole-tree query saw its tree:
//   - comments, "#" to the end of the line (a backslash does not continue
//     one);
//   - strings, with any run of the prefix letters r, b, u and f in either
//     case, quoted with ', ", their triples, or a backquote (Python 2's
//     repr, never triple). A backslash escapes what the grammar's
//     escape_sequence says, \N{...} up to its brace wherever that is; in a
//     raw string it steps over a following quote or backslash and then a
//     line break; in a bytes string \N, \u and \U take the byte after them
//     too, a quote included. A single-quoted string may not hold a line
//     break, except as the first byte after its opening, an escape or an
//     interpolation (the scanner accepts that, Python does not);
//   - f-strings: "{{" and "}}" are text; "{" opens an interpolation that is
//     code (its conditional expressions, boolean operators, comprehensions
//     and nested strings count as anywhere else) up to its "}" at bracket
//     depth 0; a ":" there, not of a lambda or ":=", starts a format
//     specifier, text up to "{" (a nested interpolation), "}" or a line
//     break, in which "#" and quotes are text;
//   - numbers, which end where the grammar's integer and float end, so
//     that "1if x else 2" holds an if;
//   - U+200B, U+2060 and U+FEFF, which the grammar takes for blanks (they
//     split words, and are code to the line classes like any byte that is
//     not ASCII).
//
// The decision points are python_reference.scm's: the keywords if (a
// statement, a conditional expression, a comprehension's or a case's
// guard), elif, for (a statement or a comprehension's clause), while,
// except (except* too), and and or, each one node of the tree; and case,
// which is a keyword only where the grammar can start a case clause, a
// name anywhere else ("case = 1"). Which it is, tokens do not tell: valid
// Python's case clauses are the lines at the first level of a match
// statement's block, but on invalid Python tree-sitter may take
// "match x[y]:" for an annotated assignment whose type is on the next
// line (it skips a line break where no statement may end). So the lexer
// hands the tree every case outside strings (cLex.logic), and the tree
// keeps those whose parent is a case clause (treeTokens): a cursor's walk
// down to each, in a file that holds any.
//
// The keywords def, class and import are marks: a block, class body or
// compound statement that holds one is scanned (see python.scm), and no
// other. "from m import x" is found by its import.
//
// What differs from the whole-tree query: nothing, on an error-free tree
// (TestPythonMatchesReference, FuzzPython), unless it takes a keyword for
// a name, which only invalid Python makes it do ("x.if"). On a tree with
// errors the lexer's tokens may not be the tree's (an unterminated string
// is text to the end of its line for the lexer, where the tree may resume
// code), and a definition is found only where the lexer's marks, or the
// error, lead the scan to it.

// lexPython scans src as Python into out (whose counts, branches and marks
// the caller has reset).
func lexPython(src []byte, out *cLex) {
	l := pyLex{src: src, out: out, noBrace: -1}
	l.run()
}

// pyDelim is a string's opening, as the scanner's Delimiter records it.
type pyDelim struct {
	quote                      byte
	raw, bytes, format, triple bool
}

// pyFrame is an open f-string interpolation.
type pyFrame struct {
	d      pyDelim // the string it is in, resumed at its "}"
	depth  int     // brackets open inside it
	lambda int     // lambdas inside it whose ':' is still to come
	spec   bool    // in its format specifier
	inSpec bool    // it is in its parent's format specifier, not a string
}

type pyLex struct {
	src    []byte
	out    *cLex
	frames []pyFrame
	// noBrace, when not -1, is an offset after which src holds no '}'.
	noBrace  int
	frameBuf [4]pyFrame
}

func (l *pyLex) run() {
	l.frames = l.frameBuf[:0]
	src, out := l.src, l.out
	n := len(src)
	for i := 0; i < n; {
		if k := len(l.frames); k > 0 && l.frames[k-1].spec {
			i = l.spec(i)
			continue
		}
		c := src[i]
		switch pyClass[c] {
		case clSpace:
			i++
			continue
		case clIdent:
			out.hasCode = true
			start := i
			i = l.word(i)
			if i == start { // a blank that is not ASCII
				i += pyUnicodeBlank(src, i)
				continue
			}
			w := src[start:i]
			if i < n && (src[i] == '"' || src[i] == '\'' || src[i] == '`') && isStringPrefix(w) {
				i = l.stringStart(start, i)
				continue
			}
			l.keyword(start, w)
			continue
		case clDigit:
			out.hasCode = true
			i = pyNumber(src, i)
			continue
		}
		switch c {
		case '\n':
			out.endLine()
			i++
			continue
		case '#':
			out.hasComment = true
			if k := bytes.IndexByte(src[i:], '\n'); k >= 0 {
				i += k
			} else {
				i = n
			}
			continue
		}
		out.hasCode = true
		switch c {
		case '"', '\'', '`':
			i = l.stringStart(i, i)
			continue
		case '\\':
			// A line continuation, or an error.
			if i+1 < n && src[i+1] == '\n' {
				out.endLine()
				i += 2
				continue
			}
			if i+1 < n && src[i+1] == 0 {
				i += 2
				continue
			}
			if i+2 < n && src[i+1] == '\r' && src[i+2] == '\n' {
				out.endLine()
				i += 3
				continue
			}
			i++
			continue
		case '.':
			if i+1 < n && pyClass[src[i+1]] == clDigit {
				i = pyNumber(src, i)
				continue
			}
		}
		if k := len(l.frames); k > 0 {
			f := &l.frames[k-1]
			switch c {
			case '(', '[', '{':
				f.depth++
			case ')', ']':
				if f.depth > 0 {
					f.depth--
				}
			case '}':
				if f.depth > 0 {
					f.depth--
					break
				}
				d, inSpec := f.d, f.inSpec
				l.frames = l.frames[:k-1]
				if inSpec {
					i++ // back to the format specifier around it
					continue
				}
				i = l.stringBody(i+1, d)
				continue
			case ':':
				if f.depth > 0 || i+1 < n && src[i+1] == '=' && l.walrus(i) {
					break
				}
				if f.lambda > 0 {
					f.lambda--
					break
				}
				f.spec = true
			case '!':
				// A conversion, !r; not !=.
				if f.depth == 0 && i+1 < n && src[i+1] >= 'a' && src[i+1] <= 'z' {
					i += 2
					continue
				}
			}
			i++
			continue
		}
		i++
	}
	if n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
}

// word returns the index after the identifier at src[i], which stops
// before a blank that is not ASCII.
func (l *pyLex) word(i int) int {
	src := l.src
	for ; i < len(src); i++ {
		switch pyWord[src[i]] {
		case 0:
			return i
		case 2:
			if pyUnicodeBlank(src, i) > 0 {
				return i
			}
		}
	}
	return i
}

// pyWord is 1 for the ASCII bytes of a name, 2 for those not ASCII (which
// may start a blank, see pyUnicodeBlank), else 0.
var pyWord = func() (t [256]uint8) {
	for b := range 256 {
		switch {
		case b >= 0x80:
			t[b] = 2
		case pyClass[b] == clIdent || pyClass[b] == clDigit:
			t[b] = 1
		}
	}
	return t
}()

// keyword handles the word w at src[start]: a decision point, a mark, a
// case for the tree to decide, or a lambda inside an interpolation.
func (l *pyLex) keyword(start int, w []byte) {
	if len(w) < 2 || len(w) > 6 {
		return
	}
	out := l.out
	switch string(w) {
	case "if", "elif", "for", "while", "except", "and", "or":
		out.branches = append(out.branches, uint32(start))
	case "def", "class", "import":
		out.marks = append(out.marks, uint32(start))
	case "case":
		// A soft keyword: the tree tells (see lexPython).
		if len(l.frames) == 0 {
			out.logic = append(out.logic, uint32(start))
		}
	case "lambda":
		if k := len(l.frames); k > 0 && l.frames[k-1].depth == 0 {
			l.frames[k-1].lambda++
		}
	}
}

// isStringPrefix reports whether w, directly followed by a quote, opens a
// string: the scanner takes any run of these letters.
func isStringPrefix(w []byte) bool {
	for _, b := range w {
		switch b | 0x20 {
		case 'r', 'b', 'u', 'f':
		default:
			return false
		}
	}
	return true
}

// stringStart reads the string whose prefix starts at src[start] and whose
// quote is at src[q], and returns the index after it (or after the "{" of
// its first interpolation, with the frame pushed).
func (l *pyLex) stringStart(start, q int) int {
	src := l.src
	var d pyDelim
	for _, b := range src[start:q] {
		switch b | 0x20 {
		case 'r':
			d.raw = true
		case 'b':
			d.bytes = true
		case 'f':
			d.format = true
		}
	}
	d.quote = src[q]
	i := q + 1
	if d.quote != '`' && i+1 < len(src) && src[i] == d.quote && src[i+1] == d.quote {
		d.triple = true
		i += 2
	}
	return l.stringBody(i, d)
}

// stringBody reads a string's text from src[i] as the grammar's scanner
// does, tallying the lines it spans, and returns the index after its
// closing quote, or after the "{" of an interpolation (with its frame
// pushed), or where the string breaks off (the tree has an error there).
func (l *pyLex) stringBody(i int, d pyDelim) int {
	src, out := l.src, l.out
	n := len(src)
	out.hasCode = true
	// A run is the text one call of the scanner reads: content is its
	// has_content, which decides what a line break does; runStart and
	// lines are where it started, for when it fails.
	content, runStart, lines := false, i, l.lines()
	newRun := func() { content, runStart, lines = false, i, l.lines() }
	stop := pyStopAny | pyStopBit(d.quote)
	if d.format {
		stop |= pyStopBrace
	}
	for i < n {
		// A run of plain text, then the byte that ends it.
		start := i
		for ; !out.hasCode && i < n && pyStop[src[i]]&stop == 0; i++ {
			if pyClass[src[i]] != clSpace {
				out.hasCode = true
			}
		}
		for i < n && pyStop[src[i]]&stop == 0 {
			i++
		}
		if i > start {
			content = true
		}
		if i >= n {
			break
		}
		b := src[i]
		if b != '\n' {
			out.hasCode = true
		}
		switch {
		case d.format && (b == '{' || b == '}'):
			if i+1 < n && src[i+1] == b {
				i += 2 // {{ or }}
				newRun()
				continue
			}
			if b == '}' {
				return i // an error
			}
			l.frames = append(l.frames, pyFrame{d: d})
			return i + 1
		case b == '\\':
			switch {
			case d.raw:
				// The scanner steps over the backslash, a quote or a
				// backslash after it, and then a line break.
				i++
				if i < n && (src[i] == d.quote || src[i] == '\\') {
					i++
				}
				if i < n && src[i] == '\r' {
					i++
					if i < n && src[i] == '\n' {
						out.endLine()
						i++
					}
				} else if i < n && src[i] == '\n' {
					out.endLine()
					i++
				}
				continue
			case d.bytes && i+1 < n && (src[i+1] == 'N' || src[i+1] == 'u' || src[i+1] == 'U'):
				// The scanner steps over the letter and the byte after it.
				i += 2
				if i < n {
					l.text(src[i])
					i++
				}
				content = true
				continue
			}
			i = l.escape(i)
			newRun()
			continue
		case b == d.quote:
			if !d.triple {
				return i + 1
			}
			if i+2 < n && src[i+1] == b && src[i+2] == b {
				return i + 3
			}
			i++
			if i < n && src[i] == b {
				i++
			}
			newRun()
			continue
		case b == '\n' && (!content || d.triple):
			out.endLine()
			i++
			content = true
		default: // a line break in a single-quoted string's text, or a NUL
			// The scanner fails; tree-sitter's own lexer reads the run
			// again, skipping blanks and line breaks, and may find there
			// a comment or a line continuation (extras), or a "{" (an
			// interpolation, in any string), the string going on.
			k := l.blanks(runStart, false)
			e := k
			switch {
			case k >= n:
				return i // an error
			case src[k] == '#':
				e = pyLineEnd(src, k)
			case src[k] == '{':
			case src[k] == '\\' && k+1 < n && (src[k+1] == '\n' || src[k+1] == 0):
				e = k + 2
			case src[k] == '\\' && k+2 < n && src[k+1] == '\r' && src[k+2] == '\n':
				e = k + 3
			default:
				return i // an error
			}
			l.restoreLines(lines)
			l.blanks(runStart, true)
			switch src[k] {
			case '{':
				out.hasCode = true
				l.frames = append(l.frames, pyFrame{d: d})
				return k + 1
			case '#':
				out.hasComment = true
			default:
				out.hasCode = true
				if src[e-1] == '\n' {
					out.endLine()
				}
			}
			i = e
			newRun()
		}
	}
	return n
}

// pyStop classes the bytes that end a run of a string's text: its quote,
// a brace in an f-string, and in any string a backslash, a line break or
// a NUL.
var pyStop = func() (t [256]uint8) {
	for _, q := range []byte("'\"`") {
		t[q] = pyStopBit(q)
	}
	t['{'], t['}'] = pyStopBrace, pyStopBrace
	t['\\'], t['\n'], t[0] = pyStopAny, pyStopAny, pyStopAny
	return t
}()

const (
	pyStopAny   = 1 << iota // stops every string
	pyStopBrace             // stops an f-string
	pyStopSingle
	pyStopDouble
	pyStopBack
)

func pyStopBit(quote byte) uint8 {
	switch quote {
	case '\'':
		return pyStopSingle
	case '"':
		return pyStopDouble
	}
	return pyStopBack
}

// walrus reports whether the ":=" at src[i], in an interpolation, is one:
// tree-sitter's lexer takes it for one only where a named expression may
// be, after a name ("{x:=1}"); after anything else (an attribute, a
// literal, a bracket) the ':' starts a format specifier "=...".
func (l *pyLex) walrus(i int) bool {
	src := l.src
	j := i
	for j > 0 && pyClass[src[j-1]] == clSpace {
		j--
	}
	end := j
	for j > 0 && pyWord[src[j-1]] != 0 {
		j--
	}
	if j == end || pyClass[src[j]] == clDigit {
		return false
	}
	switch string(src[j:end]) {
	case "None", "True", "False":
		return false
	}
	for j > 0 && pyClass[src[j-1]] == clSpace {
		j--
	}
	return j == 0 || src[j-1] != '.'
}

// pyLines is cLex's line tally at one point of the scan.
type pyLines struct {
	lines, code, comments, blanks int
	hasCode, hasComment           bool
}

func (l *pyLex) lines() pyLines {
	o := l.out
	return pyLines{o.lines, o.code, o.comments, o.blanks, o.hasCode, o.hasComment}
}

func (l *pyLex) restoreLines(s pyLines) {
	o := l.out
	o.lines, o.code, o.comments, o.blanks, o.hasCode, o.hasComment = s.lines, s.code, s.comments, s.blanks, s.hasCode, s.hasComment
}

// blanks returns the index of the first byte from src[i] on that
// tree-sitter's lexer does not skip as blank (a line break included),
// tallying their lines if tally is set.
func (l *pyLex) blanks(i int, tally bool) int {
	src := l.src
	for i < len(src) {
		switch b := src[i]; {
		case pyClass[b] == clSpace:
			i++
		case b == '\n':
			if tally {
				l.out.endLine()
			}
			i++
		default:
			k := pyUnicodeBlank(src, i)
			if k == 0 {
				return i
			}
			if tally {
				l.out.hasCode = true
			}
			i += k
		}
	}
	return i
}

// pyLineEnd returns the index where the comment at src[i] ends: the line
// break, a NUL (tree-sitter's lexer stops there) or the end of src.
func pyLineEnd(src []byte, i int) int {
	for ; i < len(src); i++ {
		if src[i] == '\n' || src[i] == 0 {
			return i
		}
	}
	return i
}

// text tallies a byte of a string's text for the line classes.
func (l *pyLex) text(b byte) {
	if b == '\n' {
		l.out.endLine()
	} else if pyClass[b] != clSpace {
		l.out.hasCode = true
	}
}

// escape returns the index after the escape sequence (or lone backslash)
// at src[i] in a string that is not raw: the grammar's escape_sequence
// token.
func (l *pyLex) escape(i int) int {
	src := l.src
	n := len(src)
	if i+1 >= n {
		return n
	}
	hex := func(j, k int) int { // the index after k hex digits at j, or -1
		if j+k > n {
			return -1
		}
		for _, b := range src[j : j+k] {
			if !isHexDigit(b) {
				return -1
			}
		}
		return j + k
	}
	switch c := src[i+1]; {
	case c == '\n':
		l.out.endLine()
		return i + 2
	case c == 0: // a line continuation, the longer token
		return i + 2
	case c == '\r' && i+2 < n && src[i+2] == '\n':
		l.out.endLine()
		return i + 3
	case c == 'u':
		if e := hex(i+2, 4); e > 0 {
			return e
		}
	case c == 'U':
		if e := hex(i+2, 8); e > 0 {
			return e
		}
	case c == 'x':
		if e := hex(i+2, 2); e > 0 {
			return e
		}
	case c >= '0' && c <= '9':
		j := i + 2
		for j < n && j < i+4 && src[j] >= '0' && src[j] <= '9' {
			j++
		}
		return j
	case c == 'N' && i+3 < n && src[i+2] == '{' && src[i+3] != '}':
		// \N{[^}]+}: up to the next brace, wherever it is.
		if l.noBrace < 0 || i+3 < l.noBrace {
			if k := bytes.IndexByte(src[i+3:], '}'); k >= 0 {
				end := i + 3 + k + 1
				for _, b := range src[i+3 : end] {
					l.text(b)
				}
				return end
			}
			l.noBrace = i + 3
		}
	case strings.IndexByte(`'"abfrntv\`, c) >= 0:
		return i + 2
	}
	return i + 1 // a lone backslash
}

// spec reads a format specifier's text from src[i] up to "{" (a nested
// interpolation, whose frame it pushes), "}" (which closes the
// interpolation and resumes its string) or a line break (an error).
func (l *pyLex) spec(i int) int {
	src, out := l.src, l.out
	for ; i < len(src); i++ {
		switch b := src[i]; b {
		case '{':
			l.frames = append(l.frames, pyFrame{d: l.frames[len(l.frames)-1].d, inSpec: true})
			return i + 1
		case '}':
			d := l.frames[len(l.frames)-1].d
			l.frames = l.frames[:len(l.frames)-1]
			return l.stringBody(i+1, d)
		case '\n':
			// An error; the interpolation goes on as code.
			l.frames[len(l.frames)-1].spec = false
			return i
		default:
			if !isBlank(b) {
				out.hasCode = true
			}
		}
	}
	return len(src)
}

// pyUnicodeBlank returns the length of the blank at src[i] that is not
// ASCII (U+200B, U+2060, U+FEFF: the grammar's extras), or 0.
func pyUnicodeBlank(src []byte, i int) int {
	if i+2 >= len(src) {
		return 0
	}
	switch {
	case src[i] == 0xe2 && src[i+1] == 0x80 && src[i+2] == 0x8b,
		src[i] == 0xe2 && src[i+1] == 0x81 && src[i+2] == 0xa0,
		src[i] == 0xef && src[i+1] == 0xbb && src[i+2] == 0xbf:
		return 3
	}
	return 0
}

// pyNumber returns the index after the number at src[i] (a digit, or a
// '.' before one): the longest prefix that the grammar's integer or float
// matches, as tree-sitter's lexer takes it.
func pyNumber(src []byte, i int) int {
	n := len(src)
	at := func(j int) byte {
		if j < n {
			return src[j]
		}
		return 0
	}
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	// digits: repeat1(/[0-9]+_?/)
	digits := func(j int) int {
		for isDigit(at(j)) {
			for isDigit(at(j)) {
				j++
			}
			if at(j) == '_' {
				j++
			}
		}
		return j
	}
	if src[i] == '0' {
		var in func(byte) bool
		switch at(i+1) | 0x20 {
		case 'x':
			in = isHexDigit
		case 'o':
			in = func(b byte) bool { return b >= '0' && b <= '7' }
		case 'b':
			in = func(b byte) bool { return b == '0' || b == '1' }
		}
		if in != nil {
			// repeat1(/_?[set]+/), then [Ll]
			j := i + 2
			for {
				k := j
				if at(k) == '_' {
					k++
				}
				if !in(at(k)) {
					break
				}
				for in(at(k)) {
					k++
				}
				j = k
			}
			if j > i+2 {
				if at(j)|0x20 == 'l' {
					j++
				}
				return j
			}
		}
	}
	best := i + 1
	d := digits(i)
	if d > i {
		best = d
		if b := at(d) | 0x20; b == 'l' || b == 'j' {
			best = d + 1
		}
	}
	exponent := func(j int) int {
		if at(j)|0x20 != 'e' {
			return j
		}
		k := j + 1
		if at(k) == '+' || at(k) == '-' {
			k++
		}
		if e := digits(k); e > k {
			return e
		}
		return j
	}
	f := -1
	switch {
	case at(d) == '.':
		e := digits(d + 1)
		if d > i || e > d+1 {
			f = exponent(e)
		}
	case d > i:
		if e := exponent(d); e > d {
			f = e
		}
	}
	if f > 0 {
		if at(f)|0x20 == 'j' {
			f++
		}
		best = max(best, f)
	}
	return best
}

// pyClass is cClass without '$', which is no part of a Python name.
var pyClass = func() [256]uint8 {
	t := cClass
	t['$'] = clOther
	return t
}()
