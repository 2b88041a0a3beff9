package parse

import "slices"

// The JavaScript lexer (also TypeScript's and TSX's) does for these
// languages what the C and Go lexers do (lexc.go, lexgo.go): one byte scan
// finds the comments (for line classes) and the decision points, so that
// the query reads only the file's items and never walks a function body
// the lexer did not mark. On real trees the whole-tree query cost 60% on
// top of parsing.
//
// The tokens that hide others are tree-sitter-javascript's: comments ("//"
// to the end of the line, "/* */"; an unclosed "/*" is no comment, and
// "<!--" or "-->" where no operand ends before it comment out the rest of
// the line); a "#!" first line; strings, in which a backslash escapes the
// next byte, a line break included; template literals, whose ${...} hold
// code (nested templates, strings, braces); regular expressions, which a
// '/' starts where no operand ends before it (after an operator, '(', ',',
// return, typeof, a control statement's ')', a block's '}') and in which a
// '/' inside a class [...] does not end them; and JSX (JavaScript and TSX,
// not TypeScript), which a '<' starts where no operand ends before it: its
// text and attribute strings are text (a "//" there is no comment), its
// {...} code.
//
// Decision points are the keywords if, for, while (a do-while counts at its
// while, as the query counted its do: the same function), case and catch
// (after a try block's '}'), a ternary '?' (not "?." or "??"), and the
// operators &&, || and ?? (not &&=, ||=, ??=). A keyword after a '.' or
// followed by ':' is a property name. In TypeScript a '?' also marks
// optional members and parameters and conditional types; the lexer drops
// "?:", "?)" and "?," as tree-sitter-typescript's scanner does, and hands
// the other '?' to the tree (cLex.logic), which keeps those that are the
// operator of a ternary expression.
//
// Definitions are real at any depth here (closures, local classes, object
// literal methods), so a function body is scanned deep when it holds a
// mark: a function declaration's "function"; a class (one byte into the
// keyword, so that a class expression that is a variable's value is itself
// scanned deep); the '=' of "const f = () => ..." or "= function" in a
// var, let or const declaration (not in the value, so the function's own
// body is not scanned deep for it); the '(' of a method, whose ')' is
// followed by '{' (or, in TypeScript, by ':' where a member starts); the
// '(' of require(...), an import; in TypeScript interface, enum and type
// X. A mark that is not a definition costs a deep scan, never a wrong
// answer; a callback, "f(() => ...)", is not one.
//
// What differs from the whole-tree query (javascript_reference.scm,
// typescript_reference.scm): on a tree without syntax errors, nothing; over
// Chromium 150's 21,139 .js and 15,238 .ts files no such file differs
// (TestJSMatchesReference, TestTSMatchesReference). On a broken tree the
// lexer still counts the decision points inside an error region, which the
// tree does not read as statements, and a definition more than one level
// inside an error region is not found (12 files of those trees, all with
// syntax errors, report other complexities or fewer symbols). A keyword is
// taken for a name after '.', before ':' and where a member of a class,
// interface or enum starts, but not as the name of an object literal's
// method ("{ if() {} }"), which only the tree tells from a statement.

// jsTok is what the lexer keeps of a token to decide what follows it.
type jsTok struct {
	kind  byte // see jsOperand; 'a' identifier, '0' literal, 'k' keyword before an expression, 'c' control keyword, 'A' async, 'E' a declaration's '=', else the punctuator
	word  string
	start int
	nl    bool // a line break precedes it
	// For ')': the paren it closes. For '}': the brace was a try block.
	paren *jsFrame
	try   bool
}

// jsFrame is an open bracket: '(' '[' '{' (a block), 'o' (an object or
// other expression brace), 't' (a template's ${), 'x' and 'y' (a JSX
// expression in children or in a tag, depth being the open elements).
type jsFrame struct {
	kind            byte
	start           int
	control         bool // a control statement's condition: a block follows
	funcHead        bool // a function's parameters
	try             bool // a try block
	decl            bool // inside it, a var, let or const declaration is open
	before, before2 jsTok
	depth           int
}

type jsLexer struct {
	src     []byte
	out     *cLex
	ts, jsx bool
	i       int
	stack   []jsFrame
	base    jsFrame // the file level
	prev    jsTok
	prev2   jsTok
	prev3   jsTok
	nl      bool // a line break since the last token
	// funcHead: "function" seen, its parameters' '(' not yet.
	funcHead bool
	// require: the previous token is require, not a property.
	require bool
	// retParen: TypeScript, the paren of "(...):", for an arrow's return type.
	retParen *jsFrame
	// regexDead[p] has bit 1 (2) set if a regular expression scanned from
	// outside (inside) a class at p is known to end unclosed; regexPath is
	// a scan's (position, state) steps. They keep a line of many '/' that
	// cannot start one ("(/[(/[...") linear (see regex).
	regexDead []uint8
	regexPath []int32
	// regexSteps counts the bytes regex walked, for a test that holds the
	// lexer linear.
	regexSteps int
	// classHead: "class" seen at this many open brackets, its body's '{'
	// not yet (1 + the count, or 0).
	classHead int
}

func lexJS(src []byte, out *cLex)  { lexJSFamily(src, out, false, true) }
func lexTS(src []byte, out *cLex)  { lexJSFamily(src, out, true, false) }
func lexTSX(src []byte, out *cLex) { lexJSFamily(src, out, true, true) }

func lexJSFamily(src []byte, out *cLex, ts, jsx bool) {
	l := &jsLexer{src: src, out: out, ts: ts, jsx: jsx}
	l.prev = jsTok{kind: ';', start: -1}
	if len(src) >= 2 && src[0] == '#' && src[1] == '!' {
		// A hash-bang line is code, not a comment.
		out.hasCode = true
		for l.i < len(src) && src[l.i] != '\n' {
			l.i++
		}
	}
	l.code()
	if n := len(src); n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
	if !slices.IsSorted(out.marks) {
		slices.Sort(out.marks)
	}
}

func (l *jsLexer) frame() *jsFrame {
	if len(l.stack) == 0 {
		return &l.base
	}
	return &l.stack[len(l.stack)-1]
}

// operand reports whether the last token ends an operand: then '/' is a
// division and '<' a comparison.
func (l *jsLexer) operand() bool {
	switch l.prev.kind {
	case 'a', '0', ']':
		return true
	case ')':
		return l.prev.paren == nil || !l.prev.paren.control
	case 'o': // an object's '}'
		return true
	}
	return false
}

func (l *jsLexer) push(t jsTok) {
	t.nl = l.nl
	l.nl = false
	l.prev3, l.prev2, l.prev = l.prev2, l.prev, t
}

func (l *jsLexer) mark(at int) { l.out.marks = append(l.out.marks, uint32(at)) }

// code scans code until the end of the file.
func (l *jsLexer) code() {
	src, out := l.src, l.out
	n := len(src)
	for l.i < n {
		i := l.i
		c := src[i]
		switch cClass[c] {
		case clSpace:
			l.i++
			continue
		case clIdent:
			out.hasCode = true
			l.word()
			continue
		case clDigit:
			out.hasCode = true
			l.i = jsNumber(src, i)
			l.push(jsTok{kind: '0', start: i})
			continue
		}
		switch {
		case c == '\n':
			out.endLine()
			l.nl = true
			l.i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			l.lineComment(i + 2)
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			if end := out.blockComment(src, i); end >= 0 {
				l.i = end
				continue
			}
		case !l.operand() && (c == '<' && hasAt(src, i, "<!--") || c == '-' && hasAt(src, i, "-->")):
			l.lineComment(i)
			continue
		}
		out.hasCode = true
		l.punct(i, c)
	}
}

func hasAt(src []byte, i int, s string) bool {
	return len(src)-i >= len(s) && string(src[i:i+len(s)]) == s
}

// lineComment skips a comment from src[i] to the end of its line (a line
// break or U+2028/U+2029, which tree-sitter-javascript ends it at too).
func (l *jsLexer) lineComment(i int) {
	src := l.src
	l.out.hasComment = true
	for i < len(src) && src[i] != '\n' {
		if src[i] == 0xe2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xa8 || src[i+2] == 0xa9) {
			break
		}
		i++
	}
	l.i = i
}

// word reads an identifier or keyword at l.i.
func (l *jsLexer) word() {
	src := l.src
	start := l.i
	i := start + 1
	for i < len(src) && isIdentByte(src[i]) {
		i++
	}
	l.i = i
	w := string(src[start:i])
	// After '.', '#', or where a class member starts, a keyword is a name
	// ("x.if", "class C { if(c) {...} }").
	prop := l.prev.kind == '.' || l.prev.kind == '#' || l.frame().kind == 'C' && l.memberStart()
	if prop {
		l.require = false
		l.push(jsTok{kind: 'a', start: start, word: w})
		return
	}
	t := jsTok{kind: 'a', start: start, word: w}
	switch w {
	case "if", "for", "while", "case", "catch", "switch", "with":
		if l.keyAhead(i) {
			break
		}
		if w == "catch" && !(l.prev.kind == '}' && l.prev.try) {
			break // a method called catch
		}
		if w != "switch" && w != "with" {
			l.out.branches = append(l.out.branches, uint32(start))
		}
		t.kind = 'c'
	case "return", "typeof", "instanceof", "in", "new", "delete", "void", "throw", "do", "else", "yield", "await", "extends", "export", "default", "try", "finally":
		if !l.keyAhead(i) {
			t.kind = 'k'
		}
	case "function":
		if l.keyAhead(i) {
			break
		}
		switch {
		case l.prev.kind == 'E':
			l.mark(l.prev.start)
		case l.prev.kind == 'A' && l.prev2.kind == 'E':
			l.mark(l.prev2.start)
		case !l.operandBefore():
			l.mark(start)
		}
		l.funcHead = true
		t.kind = 'k'
	case "class":
		if !l.keyAhead(i) {
			l.mark(start + 1)
			l.classHead = len(l.stack) + 1
			t.kind = 'k'
		}
	case "const", "let", "var":
		if !l.keyAhead(i) {
			l.frame().decl = true
			t.kind = 'k'
		}
	case "async":
		t.kind = 'A'
	case "interface", "enum", "type":
		if l.ts && !l.keyAhead(i) && (w == "enum" || identAhead(src, i)) {
			l.mark(start)
			if w != "type" {
				l.classHead = len(l.stack) + 1 // members' names may be keywords
			}
		}
	case "require":
		l.require = true
		l.push(t)
		return
	}
	l.require = false
	l.push(t)
}

// operandBefore reports whether the token before a "function" (or an
// async before it) ends an operand or is an operator: then the function is
// an expression, else a declaration.
func (l *jsLexer) operandBefore() bool {
	p := l.prev
	if p.kind == 'A' {
		p = l.prev2
	}
	switch p.kind {
	case ';', '{', '}', 'o', ')', 'a', '0', ']':
		return false
	case 'k':
		switch p.word {
		case "export", "default", "else", "do", "try", "finally":
			return false
		}
	}
	return true
}

// keyAhead reports whether the word ending at src[i] is followed by ':'
// (not "::"): an object key, not a keyword.
func (l *jsLexer) keyAhead(i int) bool {
	src := l.src
	for i < len(src) && (cClass[src[i]] == clSpace || src[i] == '\n') {
		i++
	}
	if l.ts && i+1 < len(src) && src[i] == '?' && src[i+1] == ':' {
		return true // an optional property, "if?: T"
	}
	return i < len(src) && src[i] == ':'
}

// identAhead reports whether an identifier follows src[i] after blanks.
func identAhead(src []byte, i int) bool {
	j := i
	for j < len(src) && (cClass[src[j]] == clSpace || src[j] == '\n') {
		j++
	}
	return j > i && j < len(src) && cClass[src[j]] == clIdent
}

// jsNumber returns the index after the number at src[i].
func jsNumber(src []byte, i int) int {
	n := len(src)
	for i++; i < n; i++ {
		c := src[i]
		switch {
		case isIdentByte(c) || c == '.':
			if (c|0x20 == 'e') && i+1 < n && (src[i+1] == '+' || src[i+1] == '-') && !(i >= 1 && (src[i-1]|0x20 == 'x')) {
				i++
			}
		default:
			return i
		}
	}
	return n
}

// punct handles the byte c at i in code: strings, templates, regular
// expressions, JSX, brackets and operators.
func (l *jsLexer) punct(i int, c byte) {
	src, out := l.src, l.out
	n := len(src)
	req := l.require
	l.require = false
	switch c {
	case '"', '\'':
		l.i = l.str(i)
		l.push(jsTok{kind: '0', start: i})
		return
	case '`':
		l.i = i + 1
		l.template(i)
		return
	case '.':
		if i+1 < n && cClass[src[i+1]] == clDigit {
			l.i = jsNumber(src, i)
			l.push(jsTok{kind: '0', start: i})
			return
		}
		if hasAt(src, i, "...") {
			// A spread or rest: what follows is an expression, not a
			// property name.
			l.i = i + 3
			l.push(jsTok{kind: ',', start: i})
			return
		}
	case '/':
		if !l.operand() {
			if end := l.regex(i); end > 0 {
				l.i = end
				l.push(jsTok{kind: '0', start: i})
				return
			}
		}
	case '<':
		if i+1 < n && src[i+1] == '<' {
			// A shift, not a comparison followed by JSX.
			l.i = i + 2
			l.push(jsTok{kind: '<', start: i})
			return
		}
		if l.jsx && !l.operand() && i+1 < n && (cClass[src[i+1]] == clIdent || src[i+1] == '>') {
			l.i = i
			l.jsxScan(0, true)
			return
		}
	case '(':
		f := jsFrame{kind: '(', start: i, before: l.prev, before2: l.prev2}
		if l.prev.kind == 'c' || l.prev.word == "await" && l.prev2.kind == 'c' {
			f.control = true
		}
		if l.funcHead {
			f.funcHead = true
			l.funcHead = false
		}
		if req {
			l.mark(i)
		}
		l.stack = append(l.stack, f)
		l.i = i + 1
		l.push(jsTok{kind: '(', start: i})
		return
	case '[':
		l.stack = append(l.stack, jsFrame{kind: '[', start: i})
		l.i = i + 1
		l.push(jsTok{kind: '[', start: i})
		return
	case '{':
		kind := byte('o')
		if !l.exprStart() {
			kind = '{'
		}
		if l.prev.kind == ')' && l.prev.paren != nil {
			if p := l.prev.paren; !p.control && !p.funcHead {
				l.mark(p.start) // a method: "name(...) {"
			}
		}
		if l.classHead == len(l.stack)+1 {
			kind = 'C'
			l.classHead = 0
		}
		l.funcHead = false
		l.retParen = nil
		l.stack = append(l.stack, jsFrame{kind: kind, start: i, try: l.prev.kind == 'k' && l.prev.word == "try"})
		l.i = i + 1
		l.push(jsTok{kind: '{', start: i})
		return
	case ')', ']', '}':
		var f jsFrame
		if len(l.stack) > 0 {
			f = l.stack[len(l.stack)-1]
			l.stack = l.stack[:len(l.stack)-1]
		}
		l.i = i + 1
		switch {
		case c == '}' && f.kind == 't':
			l.template(f.start)
			return
		case c == '}' && (f.kind == 'x' || f.kind == 'y'):
			l.jsxScan(f.depth, f.kind == 'y')
			return
		case c == ')':
			p := f
			l.push(jsTok{kind: ')', start: i, paren: &p})
			if l.ts && l.nextByte(i+1) == ':' {
				l.retParen = &p
				if l.methodAhead(&p) {
					l.mark(p.start)
				}
			}
			return
		case c == '}' && f.kind == 'o':
			l.push(jsTok{kind: 'o', start: i})
			return
		case c == '}':
			l.push(jsTok{kind: '}', start: i, try: f.try})
			return
		}
		l.push(jsTok{kind: c, start: i})
		return
	case ';':
		l.frame().decl = false
		l.retParen = nil
	case '?':
		switch {
		case i+1 < n && src[i+1] == '?':
			if !(i+2 < n && src[i+2] == '=') && l.binaryLeft() {
				out.branches = append(out.branches, uint32(i))
			}
			l.i = i + 2
			if i+2 < n && src[i+2] == '=' {
				l.i++
			}
			l.push(jsTok{kind: '&', start: i})
			return
		case i+1 < n && src[i+1] == '.' && !(i+2 < n && cClass[src[i+2]] == clDigit):
			l.i = i + 2
			l.push(jsTok{kind: '.', start: i})
			return
		case !l.ts:
			out.branches = append(out.branches, uint32(i))
		default:
			switch l.nextByte(i + 1) {
			case ':', ')', ',':
			default:
				out.logic = append(out.logic, uint32(i))
			}
		}
	case '&', '|':
		if i+1 < n && src[i+1] == c {
			if !(i+2 < n && src[i+2] == '=') {
				if l.binaryLeft() {
					out.branches = append(out.branches, uint32(i))
				}
				l.i = i + 2
			} else {
				l.i = i + 3
			}
			l.push(jsTok{kind: '&', start: i})
			return
		}
	case '=':
		switch {
		case i+1 < n && src[i+1] == '>':
			l.arrow(i)
			l.i = i + 2
			l.push(jsTok{kind: '>', start: i, word: "=>"})
			return
		case i+1 < n && src[i+1] == '=', i > 0 && isOperatorByte(src[i-1]):
		default:
			if l.frame().decl {
				l.i = i + 1
				l.push(jsTok{kind: 'E', start: i})
				return
			}
		}
	case '+', '-':
		if i+1 < n && src[i+1] == c {
			// ++ and -- leave the operand state as it was.
			l.i = i + 2
			return
		}
	case '!':
		if l.operand() && !(i+1 < n && src[i+1] == '=') {
			l.i = i + 1 // TypeScript's non-null x!: still an operand
			return
		}
	case '#':
		l.i = i + 1
		l.push(jsTok{kind: '#', start: i})
		return
	}
	// Any other operator: consume runs of operator bytes one at a time.
	l.i = i + 1
	l.push(jsTok{kind: c, start: i})
}

// binaryLeft reports whether a && || or ?? here may have a left operand:
// not where a type starts, whose leading "||" is two union bars
// (TypeScript's "type A = || B").
func (l *jsLexer) binaryLeft() bool {
	switch l.prev.kind {
	case '=', 'E', ':', '(', ',', '<', '|', '&', '?':
		return false
	}
	return true
}

// exprStart reports whether a '{' here opens an expression (an object)
// rather than a block.
func (l *jsLexer) exprStart() bool {
	switch l.prev.kind {
	case ')', ';', '{', '}', 'o', 'a', '0', ']', 'c':
		return false
	case '>':
		return l.prev.word != "=>"
	case 'k':
		switch l.prev.word {
		case "else", "do", "try", "finally", "extends", "class":
			return false
		}
	}
	return true
}

// nextByte returns the first byte at or after i that is not blank.
func (l *jsLexer) nextByte(i int) byte {
	src := l.src
	for i < len(src) && (cClass[src[i]] == clSpace || src[i] == '\n') {
		i++
	}
	if i < len(src) {
		return src[i]
	}
	return 0
}

// methodAhead reports, for TypeScript's "name(...):", whether the paren
// follows a member's name (a method with a return type) rather than a
// call in an expression ("c ? f(x) : y", "case f(x):").
func (l *jsLexer) methodAhead(p *jsFrame) bool {
	if p.control || p.funcHead {
		return false
	}
	switch p.before.kind {
	case '?', '>', ']':
		return true
	case 'a', '0', 'k', 'c', 'A':
	default:
		return false
	}
	if p.before.nl {
		return true
	}
	switch p.before2.kind {
	case '{', '}', 'o', ';', ',', '*', 'a', 'A', 'k':
		return p.before2.kind != 'a' || isModifier(p.before2.word)
	}
	return false
}

// memberStart reports whether, in a class body, a word here starts a
// member: after '{', '}', ';', ',' (enum members), a modifier, or on a new line.
func (l *jsLexer) memberStart() bool {
	switch l.prev.kind {
	case '{', '}', ';', ',', 'o', '*', '@':
		return true
	case 'a', 'A':
		return isModifier(l.prev.word) || l.prev.word == "async"
	}
	return l.nl
}

func isOperatorByte(b byte) bool {
	switch b {
	case '=', '!', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^':
		return true
	}
	return false
}

func isModifier(w string) bool {
	switch w {
	case "static", "get", "set", "public", "private", "protected", "readonly", "override", "abstract", "accessor", "declare":
		return true
	}
	return false
}

// arrow marks, at "=>" at i, the '=' of a declaration whose value the
// arrow function is ("const f = (a) => ...", "= async x => ..."), or the
// arrow itself where its start cannot be told (TypeScript's generic
// arrows and return types).
func (l *jsLexer) arrow(i int) {
	var before, before2 jsTok
	switch l.prev.kind {
	case ')':
		if l.prev.paren == nil {
			return
		}
		before, before2 = l.prev.paren.before, l.prev.paren.before2
	case 'a':
		if l.ts {
			switch l.prev2.kind {
			case ':':
				if l.retParen != nil { // "(...): T =>"
					before, before2 = l.retParen.before, l.retParen.before2
					l.retParen = nil
					break
				}
				l.mark(i)
				return
			case '|', '&', '.', '>', ']', ')', '}', 'o', '0':
				l.mark(i) // the end of a return type: where the arrow starts is unknown
				return
			default:
				before, before2 = l.prev2, l.prev3
			}
			break
		}
		before, before2 = l.prev2, l.prev3
	default:
		if l.ts {
			l.mark(i) // "(...): Promise<T> =>" and other return types
		}
		return
	}
	l.retParen = nil
	if before.kind == 'A' {
		before = before2
	}
	switch {
	case before.kind == 'E':
		l.mark(before.start)
	case l.ts && before.kind == '>':
		l.mark(i) // "<T>(x) =>": where the arrow starts is unknown
	}
}

// str returns the index after the string whose quote is at src[i]: it
// ends at its quote or, unterminated, before a line break; a backslash
// escapes the next byte, a line break (LF or CRLF) included.
func (l *jsLexer) str(i int) int {
	src, out := l.src, l.out
	q := src[i]
	for i++; i < len(src); i++ {
		switch b := src[i]; b {
		case '\\':
			out.hasCode = true // the backslash is code, even before a line break
			i++
			if i < len(src) && src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			if i < len(src) && src[i] == '\n' {
				out.endLine()
			}
		case q:
			out.hasCode = true
			return i + 1
		case '\n':
			return i
		default:
			if !out.hasCode && !isBlank(b) {
				out.hasCode = true
			}
		}
	}
	return len(src)
}

// template scans a template literal's text from l.i (after its backquote
// or a substitution's '}') to its closing backquote, or to a "${", where it
// pushes a frame and returns to code.
func (l *jsLexer) template(start int) {
	src, out := l.src, l.out
	for i := l.i; i < len(src); i++ {
		switch b := src[i]; {
		case b == '`':
			out.hasCode = true
			l.i = i + 1
			l.push(jsTok{kind: '0', start: start})
			return
		case b == '\\':
			out.hasCode = true
			i++
			if i < len(src) && src[i] == '\n' {
				out.endLine()
			}
		case b == '$' && i+1 < len(src) && src[i+1] == '{':
			out.hasCode = true
			l.stack = append(l.stack, jsFrame{kind: 't', start: start})
			l.i = i + 2
			l.push(jsTok{kind: '(', start: i})
			return
		case b == '\n':
			out.endLine()
		case !out.hasCode && !isBlank(b):
			out.hasCode = true
		}
	}
	l.i = len(src)
}

// regex returns the index after the regular expression whose '/' is at
// src[i], or 0 if none can start there (a line break before its end).
//
// A scan is a walk of a two-state machine (inside a class [...] or not)
// from src[i+1]; once a scan from some state at some position has ended
// unclosed, any later scan that reaches the same state there ends so too,
// so a failed scan's steps are remembered and later scans stop on them:
// each (position, state) is walked at most once by failed scans.
func (l *jsLexer) regex(i int) int {
	src := l.src
	class := false
	path := l.regexPath[:0]
	fail := func() int {
		if l.regexDead == nil {
			l.regexDead = make([]uint8, len(src)+1)
		}
		for _, p := range path {
			if p < 0 {
				l.regexDead[-p-1] |= 2
			} else {
				l.regexDead[p] |= 1
			}
		}
		l.regexPath = path[:0]
		return 0
	}
	for j := i + 1; j < len(src); j++ {
		st, step := uint8(1), int32(j)
		if class {
			st, step = 2, -int32(j)-1
		}
		if l.regexDead != nil && l.regexDead[j]&st != 0 {
			return fail()
		}
		l.regexSteps++
		path = append(path, step)
		switch b := src[j]; {
		case b == '\n':
			return fail()
		case b == '\\':
			j++
			if j < len(src) && src[j] == '\n' {
				return fail()
			}
		case class:
			class = b != ']'
		case b == '[':
			class = true
		case b == '/':
			l.regexPath = path[:0]
			j++
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			return j
		}
	}
	return fail()
}

// jsxScan scans JSX from l.i: a tag (inTag, at its '<' or inside it) or
// the children of depth open elements, until the outermost element ends
// (then the element is an operand) or a '{' returns to code.
func (l *jsLexer) jsxScan(depth int, inTag bool) {
	src, out := l.src, l.out
	n := len(src)
	i := l.i
	for i < n {
		if !inTag {
			// Children: text up to '<' or '{'.
			b := src[i]
			switch {
			case b == '<':
				inTag = true
				continue
			case b == '{':
				out.hasCode = true
				l.stack = append(l.stack, jsFrame{kind: 'x', depth: depth})
				l.i = i + 1
				l.push(jsTok{kind: '(', start: i})
				return
			case b == '\n':
				out.endLine()
			case !out.hasCode && !isBlank(b):
				out.hasCode = true
			}
			i++
			continue
		}
		// A tag, from its '<' or from inside it.
		b := src[i]
		switch {
		case b == '<':
			out.hasCode = true
			if i+1 < n && src[i+1] == '/' {
				// A closing tag: to its '>'.
				for i += 2; i < n && src[i] != '>'; i++ {
					if src[i] == '\n' {
						out.endLine()
					}
				}
				i++
				depth--
				inTag = false
				if depth <= 0 {
					l.i = min(i, n)
					l.push(jsTok{kind: '0', start: i})
					return
				}
				continue
			}
			i++
		case b == '>':
			out.hasCode = true
			depth++
			inTag = false
			i++
		case b == '/' && i+1 < n && src[i+1] == '>':
			out.hasCode = true
			i += 2
			inTag = false
			if depth <= 0 {
				l.i = i
				l.push(jsTok{kind: '0', start: i})
				return
			}
		case b == '/' && i+1 < n && src[i+1] == '/':
			l.lineComment(i + 2)
			i = l.i
		case b == '/' && i+1 < n && src[i+1] == '*':
			if end := out.blockComment(src, i); end >= 0 {
				i = end
			} else {
				out.hasCode = true
				i++
			}
		case b == '"' || b == '\'':
			// An attribute string: no escapes; it may span lines.
			out.hasCode = true
			for i++; i < n && src[i] != b; i++ {
				if src[i] == '\n' {
					out.endLine()
				} else if !isBlank(src[i]) {
					out.hasCode = true
				}
			}
			i++
		case b == '{':
			out.hasCode = true
			l.stack = append(l.stack, jsFrame{kind: 'y', depth: depth})
			l.i = i + 1
			l.push(jsTok{kind: '(', start: i})
			return
		case b == '\n':
			out.endLine()
			i++
		default:
			if !isBlank(b) {
				out.hasCode = true
			}
			i++
		}
	}
	l.i = n
}
