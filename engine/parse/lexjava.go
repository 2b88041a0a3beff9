package parse

import (
	"bytes"
	"unicode/utf8"
)

// The Java lexer does for Java what the Go lexer (lexgo.go) does for Go:
// it finds comments (for line classes) and decision points with one byte
// scan, so that the query only reads declarations and never walks a method
// body unless it may hold a definition. On Apache Tomcat the whole-tree
// query cost 70% on top of parsing.
//
// The decision points are the whole-tree query's: the keywords if, for
// (both loops), while, catch and case (default is none), the conditional
// operator and the && and || operators, which in Java are never anything
// but binary operators. A do-while loop counts at its while (the query
// counted its do: the same function, another offset). A '?' is the
// conditional operator unless it is a wildcard (List<?>, ? extends T,
// ? super T), which the token after it tells: a wildcard is followed by
// '>', ',', extends, or super and a type, a condition's '?' by an
// expression (super.x or super::m, at most). The tokens that hide others
// are tree-sitter-java's: comments ("//" to the end of the line; "/* */",
// not nested), strings, which span lines (a line break is a string
// fragment to the grammar), text blocks ("""...""", which end at the
// first unescaped """), character literals, and in strings and text
// blocks the template interpolation \{expr}, whose expression is code
// again (and may hold decision points). A backslash escapes the next
// byte in all three literals, a line break included. And, a quirk of the
// grammar, a text block may hold comments (see textComments).
//
// Definitions are real at any depth in Java: local classes, records,
// interfaces and enums, and the methods of anonymous classes. The lexer
// marks what may start one inside a method: class (not a class literal's
// .class), interface, enum, record followed by a name (record is a
// contextual keyword), import (the grammar accepts it in a block), and the
// '{' after the arguments of a new, which opens an anonymous class ("new
// a.B<C>(x) {", "new @A(1) T() {"; not an array's "new T[] {"). A method
// holding a mark after its first byte is scanned at every depth, as the
// whole-tree query did; a mark too many costs a deep scan, never a wrong
// answer. On Tomcat 247 of 47,385 bodies (3% of their bytes) are marked.
//
// What differs from the whole-tree query (java_reference.scm): on an
// error-free tree nothing, symbols, complexities and line classes alike
// (TestJavaMatchesReference, over all of Tomcat 10.1.55 too, and FuzzJava
// hold it to that), but for code that javac rejects and tree-sitter-java
// takes without an error, a keyword as a name ("int if = 1;"): the lexer
// still counts that if. Where the tree has syntax errors the lexer still
// reads tokens where the grammar saw an ERROR node (an unclosed "/*" is
// no comment to the grammar), so lines and decision points may differ
// there.

// lexJava scans src as Java into out (whose counts, branches and marks
// the caller has reset).
func lexJava(src []byte, out *cLex) {
	l := javaLexer{out: out, question: -1, record: -1}
	n := len(src)
	i := 0
	if n >= 3 && src[0] == 0xef && src[1] == 0xbb && src[2] == 0xbf {
		// A byte order mark, which tree-sitter skips (only here).
		out.hasCode = true
		i = 3
	}
	for i < n {
		c := src[i]
		switch cClass[c] {
		case clSpace:
			i++
			continue
		case clIdent:
			out.hasCode = true
			start := i
			for i++; i < n && isIdentByte(src[i]); i++ {
			}
			l.word(src[start:i], start)
			continue
		case clDigit:
			out.hasCode = true
			l.token('0')
			i = skipNumber(src, i)
			continue
		}
		switch {
		case c == '\n':
			out.endLine()
			i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			out.hasComment = true
			if k := bytes.IndexByte(src[i+2:], '\n'); k >= 0 {
				i += 2 + k
			} else {
				i = n
			}
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			if end := javaBlockComment(src, i, out); end >= 0 {
				i = end
				continue
			}
		}
		out.hasCode = true
		switch {
		case c == '"':
			l.token('"')
			if i+2 < n && src[i+1] == '"' && src[i+2] == '"' {
				i = l.str(src, i+3, true)
			} else {
				i = l.str(src, i+1, false)
			}
			continue
		case c == '\'':
			l.token('"')
			i = out.skipQuoted(src, i)
			continue
		case c == '.' && i+1 < n && cClass[src[i+1]] == clDigit:
			l.token('0')
			i = skipNumber(src, i)
			continue
		case (c == '&' || c == '|') && i+1 < n && src[i+1] == c:
			l.token(c)
			out.branches = append(out.branches, uint32(i))
			i += 2
			continue
		}
		annot, newType := l.annot == annotName, l.newType
		l.token(c)
		switch c {
		case '?':
			l.question = i
		case '.':
			l.dot = true
		case '(':
			l.open(annot, newType)
		case ')':
			l.close()
		case '{':
			if l.marksBrace {
				out.marks = append(out.marks, uint32(i))
			}
			l.braces++
		case '}':
			if k := len(l.interp) - 1; k >= 0 && l.interp[k].braces == l.braces {
				// The end of an interpolation: the string goes on.
				text := l.interp[k].text
				l.interp = l.interp[:k]
				i = l.str(src, i+1, text)
				continue
			}
			l.braces--
		}
		i++
	}
	if n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
}

// javaLexer is lexJava's state between tokens.
type javaLexer struct {
	out *cLex
	// dot: the last token was '.' (so class is a class literal's); brace:
	// it was the ')' closing the arguments of a new, so a '{' now opens an
	// anonymous class; marksBrace: brace, as it was before the current
	// token.
	dot, brace, marksBrace bool
	// newType: the tokens since a new are its type (names, dots, type
	// arguments, annotations); annot: where the lexer is in an annotation's
	// name ("@a.B"), which a '(' may follow with its arguments.
	newType bool
	annot   uint8
	// question is the offset of a '?' whose role the next token decides
	// (-1: none); qSuper, that token was super, and the one after decides.
	question int
	qSuper   bool
	// record is the offset of a record that is a mark if a name follows
	// (-1: none).
	record int
	// parens is the depth of open '(', kinds what opened the first 256 of
	// them (parenOther, parenNew, parenAnnot).
	parens int
	kinds  [256]uint8
	// braces is the depth of open '{' (relative: it may go below 0 in
	// broken code); interp the string interpolations open, innermost
	// last.
	braces int
	interp []javaInterp
}

// javaLexer.annot's states.
const (
	annotNone = iota
	annotAt   // after '@', or a '.' in its name: a name comes next
	annotName // after the name: a '(' opens its arguments
)

// What opened a '('.
const (
	parenOther = iota
	parenNew   // a new's arguments: a '{' after its ')' opens an anonymous class
	parenAnnot // an annotation's arguments inside a new's type ("new @A(1) T() {}")
)

// javaInterp is an open "\{": the brace depth at which its '}' closes it,
// and whether its string is a text block.
type javaInterp struct {
	braces int
	text   bool
}

// token settles what the token before it left pending, for a token that
// is not a word: tok is its first byte, '0' for a number and '"' for a
// string or character literal.
func (l *javaLexer) token(tok byte) {
	if l.question >= 0 {
		l.settleQuestion(tok, nil)
	}
	l.record = -1
	l.marksBrace, l.brace = l.brace, false
	l.dot = false
	switch tok {
	case '.', '<', '>', ',', '?', '@', '&':
		// A new's type goes on: "new a.B<C, D<?>>()", "new @A T()".
	default:
		l.newType = false
	}
	switch {
	case tok == '@':
		l.annot = annotAt
	case tok == '.' && l.annot == annotName:
		l.annot = annotAt
	default:
		l.annot = annotNone
	}
}

// word handles the identifier or keyword w, which starts at src[start].
func (l *javaLexer) word(w []byte, start int) {
	if l.question >= 0 {
		l.settleQuestion('a', w)
	}
	if l.record >= 0 {
		l.out.marks = append(l.out.marks, uint32(l.record))
		l.record = -1
	}
	dot := l.dot
	l.marksBrace, l.brace, l.dot = false, false, false
	if l.annot == annotAt {
		l.annot = annotName
	} else {
		l.annot = annotNone
	}
	if len(w) < 2 || len(w) > 9 || !javaKeywordStart[w[0]] {
		return // no word below
	}
	switch string(w) {
	case "if", "for", "while", "catch", "case":
		l.out.branches = append(l.out.branches, uint32(start))
	case "class":
		if !dot {
			l.out.marks = append(l.out.marks, uint32(start))
		}
	case "interface", "enum", "import":
		l.out.marks = append(l.out.marks, uint32(start))
	case "record":
		l.record = start
	case "new":
		l.newType = true
	}
}

// javaKeywordStart holds the first bytes of the words that word acts on.
var javaKeywordStart = func() (t [256]bool) {
	for _, b := range []byte("ifwcenr") {
		t[b] = true
	}
	return t
}()

// settleQuestion decides a pending '?' from the token after it (tok as
// for token, 'a' for a word w): a wildcard's is followed by '>', ',',
// extends, or super and then a type; anything else follows a condition's,
// which is a decision point.
func (l *javaLexer) settleQuestion(tok byte, w []byte) {
	if l.question < 0 {
		return
	}
	q := l.question
	if l.qSuper {
		l.question, l.qSuper = -1, false
		if tok == '.' || tok == ':' {
			l.out.branches = append(l.out.branches, uint32(q))
		}
		return
	}
	switch {
	case tok == '>' || tok == ',':
	case tok == 'a' && string(w) == "extends":
	case tok == 'a' && string(w) == "super":
		l.qSuper = true
		return
	default:
		l.out.branches = append(l.out.branches, uint32(q))
	}
	l.question = -1
}

// open records a '(': an annotation's arguments if annot (after its
// name), a new's if newType (after its type), else something else.
func (l *javaLexer) open(annot, newType bool) {
	if l.parens < len(l.kinds) {
		k := uint8(parenOther)
		switch {
		case annot && newType:
			k = parenAnnot
		case annot:
		case newType:
			k = parenNew
		}
		l.kinds[l.parens] = k
	}
	l.parens++
}

// close pops a '(': after a new's arguments a '{' opens an anonymous class,
// and after an annotation's in a new's type, the type goes on. A '(' it did
// not record (too deep, or none open) counts as a new's, which may cost a
// mark too many, never one too few.
func (l *javaLexer) close() {
	k := uint8(parenNew)
	if l.parens > 0 {
		l.parens--
		if l.parens < len(l.kinds) {
			k = l.kinds[l.parens]
		}
	}
	switch k {
	case parenNew:
		l.brace = true
	case parenAnnot:
		l.newType = true
	}
}

// str scans a string literal (a text block if text) from src[i], after
// its opening quotes or the '}' of an interpolation, tallying the lines it
// spans. It returns the index after the closing quotes or, where an
// interpolation "\{" opens, the index after it, with the interpolation
// pushed. Unterminated, the literal runs to the end of the file.
func (l *javaLexer) str(src []byte, i int, text bool) int {
	out := l.out
	n := len(src)
	start := text // a text block's token starts at i: a comment may too
	for i < n {
		if start {
			start = false
			if i = l.textComments(src, i); i >= n {
				break
			}
		}
		switch b := src[i]; b {
		case '\\':
			out.hasCode = true
			if i+1 < n && src[i+1] == '{' {
				l.interp = append(l.interp, javaInterp{braces: l.braces, text: text})
				return i + 2
			}
			end := i + 2
			if text {
				end = textEscapeEnd(src, i)
				start = true
			}
			if i+1 < n && src[i+1] == '\n' {
				out.endLine()
			}
			i = min(end, n)
			continue
		case '"':
			out.hasCode = true
			if !text {
				return i + 1
			}
			if i+2 < n && src[i+1] == '"' && src[i+2] == '"' {
				return i + 3
			}
		case '\n':
			out.endLine()
		default:
			if !out.hasCode && !isBlank(b) {
				out.hasCode = true
			}
		}
		i++
	}
	return n
}

// textComments reads the comments that tree-sitter-java finds in a text
// block: where a token starts inside one (after the opening quotes, an
// escape, an interpolation or a comment), the lexer's candidates are the
// text up to the next quote or backslash and, after white space, a
// comment, and the longer one wins ("// a \"" is a comment at the start of
// a line of a text block, "// a" with no quote after it on the line is
// text). It tallies the comments and the lines they end, and returns the
// index where the text goes on.
func (l *javaLexer) textComments(src []byte, i int) int {
	out := l.out
	n := len(src)
	for {
		text := i
		for text < n && src[text] != '"' && src[text] != '\\' {
			text++
		}
		q := i
		for q < n && (cClass[src[q]] == clSpace || src[q] == '\n') {
			q++
		}
		if q+1 >= n || src[q] != '/' {
			return i
		}
		var end int
		switch src[q+1] {
		case '/':
			end = n
			if k := bytes.IndexByte(src[q+2:], '\n'); k >= 0 {
				end = q + 2 + k
			}
		case '*':
			if out.noClose > 0 && q+1 >= out.noClose {
				return i
			}
			k := bytes.Index(src[q+2:], []byte("*/"))
			if k < 0 {
				out.noClose = q + 1
				return i
			}
			end = q + 2 + k + 2
		default:
			return i
		}
		if end <= text {
			return i // the text is as long: it wins the tie
		}
		for ; i < q; i++ {
			if src[i] == '\n' {
				out.endLine()
			}
		}
		if src[q+1] == '/' {
			out.hasComment = true
			i = end
		} else {
			i = out.blockComment(src, q)
		}
	}
}

// textEscapeEnd returns the index after the escape whose backslash is at
// src[i] in a text block, where (unlike in a string) the escape's length
// decides whether a comment may follow: tree-sitter-java's longest escape
// (\u and four hex digits, \u{hex}, \x and two, up to three octal digits),
// else the backslash and one character.
func textEscapeEnd(src []byte, i int) int {
	n := len(src)
	if i+1 >= n {
		return n
	}
	hex := func(j, k int) bool { // src[j:k] are hex digits
		if k > n {
			return false
		}
		for ; j < k; j++ {
			if !isHexDigit(src[j]) {
				return false
			}
		}
		return true
	}
	switch c := src[i+1]; {
	case c == 'u' && hex(i+2, i+6):
		return i + 6
	case c == 'u' && i+3 < n && src[i+2] == '{' && isHexDigit(src[i+3]):
		j := i + 3
		for j < n && isHexDigit(src[j]) {
			j++
		}
		if j < n && src[j] == '}' {
			return j + 1
		}
	case c == 'x' && hex(i+2, i+4):
		return i + 4
	case c >= '0' && c <= '7':
		j := i + 2
		for j < n && j < i+4 && src[j] >= '0' && src[j] <= '7' {
			j++
		}
		return j
	case c >= utf8.RuneSelf:
		_, size := utf8.DecodeRune(src[i+1:])
		return i + 1 + size
	}
	return i + 2
}

func isHexDigit(b byte) bool {
	return b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'f'
}

// javaBlockComment is blockComment (lexc.go) a line at a time rather than a
// byte at a time: Java's block comments (licence headers, Javadoc) hold a
// quarter of its lines.
func javaBlockComment(src []byte, i int, l *cLex) int {
	if l.noClose > 0 && i+1 >= l.noClose {
		return -1
	}
	k := bytes.Index(src[i+2:], []byte("*/"))
	if k < 0 {
		l.noClose = i + 1
		return -1
	}
	end := i + 2 + k
	l.hasComment = true
	for j := i + 2; ; {
		nl := bytes.IndexByte(src[j:end], '\n')
		if nl < 0 {
			break
		}
		l.endLine()
		// The next line is a comment line if it holds a non-blank byte
		// before the comment's end or its own line break.
		for j += nl + 1; j < end && isBlank(src[j]); j++ {
		}
		if j < end && src[j] != '\n' {
			l.hasComment = true
		}
	}
	l.hasComment = true
	return end + 2
}
