package parse

import "bytes"

// The C lexer finds comments and decision points with one byte scan, so that
// the tree-sitter query for C only has to look at file-scope declarations.
//
// Why not the query: a tree-sitter query cursor visits every node of the
// tree, whatever its patterns (a query for comments alone costs 90% of the
// full query). Comments and branches can be anywhere, so a query that
// finds them walks the whole tree: on the Linux kernel that walk cost 40% on
// top of parsing, against a bound of 15% for the whole analysis. Comments
// and the decision keywords are tokens, though, and the lexer finds the same
// tokens the grammar does (its comment token is tree-sitter-c's own regular
// expression, strings and characters end where tree-sitter-c's end). A
// differential test and the fuzz target hold the lexer to the query's
// results on every error-free tree.
//
// What counts as a decision point is what the query counted: if, for, while,
// case with a value, ?: and the && and || operators. A do-while loop counts
// once, at its while (the query counted its do). Preprocessor lines count
// nothing: a macro body is opaque text to tree-sitter-c, so the query never
// saw branches there, and the && and || of an #if condition, which the query
// did count, are decided by the compiler, not paths through the code.

// cLex is the lexer's output for one file.
type cLex struct {
	// Lines = Code + Comments + Blanks, by the rules of classifyLines
	// (which the lexer does in the same pass).
	lines, code, comments, blanks int
	branches                      []uint32
	// logic holds, ascending, the offsets of && and || tokens that are
	// decision points only if the tree makes them binary operators (C++:
	// see operatorOps); the analyzer adds those to branches.
	logic []uint32
	// marks are ascending offsets of tokens that may start a definition
	// the whole-tree query would find inside a function body (C++: a class
	// with a body, typedef, using X =, #include; Go: type): a body holding
	// one is scanned deep (see @container.body in query.go).
	marks []uint32
	// cpp is set when the code (not comments or strings) holds a token that
	// only C++ has: "a::b", "template <", "namespace", "virtual", or an
	// access label. A .h file with C syntax errors is parsed again as C++
	// only then.
	cpp bool

	hasCode, hasComment bool // the current line's state

	// noClose, when not 0, is 1 + an offset after which src holds no "*/"
	// (see blockComment).
	noClose int
}

// blockComment returns the index after the block comment that opens at
// src[i] ("/*"), tallying the lines it spans, or -1 if no "*/" closes it:
// then the grammars (C, C++, Go) see no comment but a '/' operator, and so
// must the lexer. Once no "*/" follows an offset, none follows a later one,
// which keeps a file of unclosed "/*" linear.
func (l *cLex) blockComment(src []byte, i int) int {
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
	for j := i + 2; j < end; j++ {
		if b := src[j]; b == '\n' {
			l.endLine()
		} else if !l.hasComment && !isBlank(b) {
			l.hasComment = true
		}
	}
	l.hasComment = true
	return end + 2
}

// endLine tallies the current line and starts the next.
func (l *cLex) endLine() {
	l.lines++
	switch {
	case l.hasCode:
		l.code++
	case l.hasComment:
		l.comments++
	default:
		l.blanks++
	}
	l.hasCode, l.hasComment = false, false
}

// byte classes for the lexer's main loop.
const (
	clOther uint8 = iota
	clSpace       // blank, not a line break
	clIdent       // starts an identifier
	clDigit
)

var cClass = func() (t [256]uint8) {
	for _, b := range []byte(" \t\r\f\v") {
		t[b] = clSpace
	}
	for b := 0; b < 256; b++ {
		if b == '_' || b == '$' || b >= 0x80 || b|0x20 >= 'a' && b|0x20 <= 'z' {
			t[b] = clIdent
		}
	}
	for b := '0'; b <= '9'; b++ {
		t[b] = clDigit
	}
	return t
}()

func isIdentByte(b byte) bool { c := cClass[b]; return c == clIdent || c == clDigit }

func isBlank(b byte) bool { return cClass[b] == clSpace }

// lexC scans src as C into out (whose counts and branches the caller has
// reset): line classes, decision points and the C++ hint, in one pass.
func lexC(src []byte, out *cLex) { lexCFamily(src, out, false) }

// lexCPP scans src as C++. C++ lexes like C (the grammar extends
// tree-sitter-c's, comments and strings included) except where this
// lexer says cpp:
//   - raw strings, R"d(...)d" with the prefixes LR, uR, UR and u8R, which
//     hold anything, line breaks and comment markers included;
//   - catch is a decision point;
//   - && and || go to out.logic for the tree to decide (operatorOps), since
//     T&& and operator&& are not decisions; a > before && ends an operand
//     (is_same_v<A, B> && c);
//   - class, struct, union and enum followed by a body, typedef, using X =
//     and #include are marks (a function body holding one is scanned deep,
//     as the whole-tree query saw it).
//
// Digit separators (1'000) are C23's too.
func lexCPP(src []byte, out *cLex) { lexCFamily(src, out, true) }

func lexCFamily(src []byte, out *cLex, cpp bool) {
	n := len(src)
	lineStart := true  // only white space (or comments) since the last line break
	directive := false // inside a preprocessor line
	include := false   // the directive is #include-like: <...> is a path
	wantName := false  // the next identifier is the directive's name
	operand := false   // the previous token ends an operand: a following && is binary
	for i := 0; i < n; {
		c := src[i]
		switch cClass[c] {
		case clSpace:
			i++
			continue
		case clIdent:
			out.hasCode, lineStart = true, false
			start := i
			for i++; i < n && isIdentByte(src[i]); i++ {
			}
			word := src[start:i]
			if wantName {
				wantName = false
				d := string(word)
				include = d == "include" || d == "include_next" || d == "import"
				if cpp && include {
					out.marks = append(out.marks, uint32(start))
				}
				continue
			}
			operand = true
			if len(word) > 9 {
				continue // longer than any word below
			}
			if cpp && i < n && src[i] == '"' && isRawPrefix(word) {
				i = out.skipRaw(src, i)
				continue
			}
			switch string(word) {
			case "if", "for", "while", "case":
				if !directive {
					out.branches = append(out.branches, uint32(start))
				}
				operand = false
			case "return", "goto", "sizeof", "else", "do", "_Alignof", "alignof", "typeof", "__typeof":
				operand = false
			case "template", "namespace", "virtual", "public", "private", "protected":
				if !directive && cppWord(src, string(word), i) {
					out.cpp = true
				}
			case "catch":
				if cpp && !directive {
					out.branches = append(out.branches, uint32(start))
					operand = false
				}
			case "class", "struct", "union", "enum":
				if cpp && !directive && typeBodyAhead(src, i, word[0] == 'e') {
					out.marks = append(out.marks, uint32(start))
				}
			case "typedef":
				if cpp && !directive {
					out.marks = append(out.marks, uint32(start))
				}
			case "using":
				if cpp && !directive && aliasAhead(src, i) {
					out.marks = append(out.marks, uint32(start))
				}
			}
			continue
		case clDigit:
			out.hasCode, lineStart = true, false
			i = skipNumber(src, i)
			operand = true
			continue
		}
		switch {
		case c == '\n':
			out.endLine()
			i++
			lineStart, directive, include, wantName = true, false, false, false
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			// To the end of the line; a backslash continues it.
			out.hasComment = true
			for i += 2; i < n && src[i] != '\n'; i++ {
				switch b := src[i]; {
				case b == '\\' && i+1 < n && src[i+1] == '\n':
					out.endLine()
					i++
				case b == '\\' && i+2 < n && src[i+1] == '\r' && src[i+2] == '\n':
					out.hasComment = true
					out.endLine()
					i += 2
				case !out.hasComment && !isBlank(b):
					out.hasComment = true
				}
			}
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			// A comment is white space: lineStart and operand stay.
			if end := out.blockComment(src, i); end >= 0 {
				i = end
				continue
			}
		}

		out.hasCode = true
		if lineStart && c == '#' {
			directive, wantName = true, true
			lineStart, operand = false, false
			i++
			continue
		}
		lineStart = false
		switch {
		case c == '\\' && i+1 < n && (src[i+1] == '\n' || src[i+1] == '\r' && i+2 < n && src[i+2] == '\n'):
			// A line continuation: the logical line goes on.
			if src[i+1] == '\r' {
				i++
			}
			i++
			out.endLine()
			i++
		case c == '"' || c == '\'':
			i = out.skipQuoted(src, i)
			operand = true
		case include && c == '<':
			for i++; i < n && src[i] != '>' && src[i] != '\n'; i++ {
			}
			if i < n && src[i] == '>' {
				i++
			}
		case c == '.' && i+1 < n && cClass[src[i+1]] == clDigit:
			i = skipNumber(src, i)
			operand = true
		default:
			wantName = false
			switch {
			case c == '&' && i+1 < n && src[i+1] == '&':
				switch {
				case !operand || directive:
				case cpp:
					out.logic = append(out.logic, uint32(i))
				default:
					out.branches = append(out.branches, uint32(i))
				}
				i += 2
				operand = false
				continue
			case c == '|' && i+1 < n && src[i+1] == '|':
				switch {
				case directive:
				case cpp:
					out.logic = append(out.logic, uint32(i))
				default:
					out.branches = append(out.branches, uint32(i))
				}
				i += 2
				operand = false
				continue
			case (c == '+' || c == '-') && i+1 < n && src[i+1] == c:
				// x++ && y: a postfix operator leaves an operand; a prefix
				// one starts one.
				i += 2
				continue
			case c == '?':
				if !directive {
					out.branches = append(out.branches, uint32(i))
				}
			case c == ':' && i+2 < n && src[i+1] == ':' && i > 0 && isIdentByte(src[i-1]) && (isIdentByte(src[i+2]) || src[i+2] == '~'):
				if !directive {
					out.cpp = true
				}
				i += 2
				operand = false
				continue
			}
			operand = c == ')' || c == ']' || cpp && (c == '>' || c == '}')
			i++
		}
	}
	if n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
}

// skipQuoted returns the index after the string or character literal that
// starts at src[i] (a quote). Like tree-sitter-c's tokens, a literal ends at
// its closing quote or, unterminated, before a line break; a backslash
// escapes the next byte, a line break included (the literal goes on on the
// next line, which is code if it holds anything but blanks).
func (l *cLex) skipQuoted(src []byte, i int) int {
	q := src[i]
	for i++; i < len(src); i++ {
		switch b := src[i]; b {
		case '\\':
			if i+1 < len(src) && src[i+1] == '\n' {
				l.endLine()
			}
			i++
			if i < len(src) && src[i] != '\n' {
				l.hasCode = true
			}
		case q:
			l.hasCode = true
			return i + 1
		case '\n':
			return i
		default:
			if !l.hasCode && !isBlank(b) {
				l.hasCode = true
			}
		}
	}
	return len(src)
}

// skipNumber returns the index after the preprocessing number at src[i]:
// digits, letters, dots, exponent signs and C23 digit separators (1'000).
func skipNumber(src []byte, i int) int {
	n := len(src)
	for i++; i < n; i++ {
		c := src[i]
		switch {
		case isIdentByte(c) || c == '.':
			if (c|0x20 == 'e' || c|0x20 == 'p') && i+1 < n && (src[i+1] == '+' || src[i+1] == '-') {
				i++
			}
		case c == '\'' && i+1 < n && isIdentByte(src[i+1]):
		default:
			return i
		}
	}
	return n
}

// cppWord reports whether the C++ keyword word, ending at src[end], is used
// the C++ way: "template <", "namespace x", "virtual T", "public:". C code
// may name a variable "public" or "template"; followed by these, it is
// not C.
func cppWord(src []byte, word string, end int) bool {
	j := end
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	if j >= len(src) {
		return false
	}
	next := src[j]
	switch word {
	case "template":
		return next == '<'
	case "namespace":
		return next == '{' || j > end && isIdentByte(next)
	case "virtual":
		return j > end && isIdentByte(next) || next == '~'
	default: // access labels
		return next == ':' && (j+1 >= len(src) || src[j+1] != ':')
	}
}

// isRawPrefix reports whether word, directly followed by '"', opens a C++
// raw string.
func isRawPrefix(word []byte) bool {
	switch string(word) {
	case "R", "LR", "uR", "UR", "u8R":
		return true
	}
	return false
}

// maxRawDelimiter bounds a raw string's delimiter: tree-sitter-cpp's
// scanner takes at most 15 bytes (it gives up on the 16th, where the
// standard allows 16).
const maxRawDelimiter = 15

// skipRaw returns the index after the C++ raw string whose quote is at
// src[i], tallying the lines it spans. Like tree-sitter-cpp's scanner, the
// delimiter is up to 15 bytes other than parentheses, a backslash and
// white space, and an unterminated string runs to the end of the file. A
// malformed opening (no '(' in time) ends the string at the quote, where
// the grammar sees an error.
func (l *cLex) skipRaw(src []byte, i int) int {
	l.hasCode = true
	n := len(src)
	d := i + 1
	for d < n && src[d] != '(' {
		if b := src[d]; d-i-1 >= maxRawDelimiter || b == ')' || b == '\\' || isBlank(b) || b == '\n' {
			return i + 1
		}
		d++
	}
	if d >= n {
		return i + 1
	}
	delim := src[i+1 : d]
	for j := d + 1; j < n; j++ {
		switch b := src[j]; {
		case b == '\n':
			l.endLine()
		case b == ')' && j+1+len(delim) < n && bytes.Equal(src[j+1:j+1+len(delim)], delim) && src[j+1+len(delim)] == '"':
			l.hasCode = true
			return j + 2 + len(delim)
		case !l.hasCode && !isBlank(b):
			l.hasCode = true
		}
	}
	return n
}

// maxLookahead bounds the bytes typeBodyAhead and aliasAhead look at, so
// that a file of keywords costs linear time.
const maxLookahead = 1024

// typeBodyAhead reports whether the class-key or enum ending at src[i]
// starts a definition with a body: a '{' comes before anything that ends a
// declaration or starts an expression ("struct a *p;", "enum e x = f();",
// "static_cast<struct s *>(p)"). An enum must be named to be a symbol, so
// for one (enum) an identifier must come first. It may say yes wrongly:
// that costs a deep scan, not a wrong answer.
func typeBodyAhead(src []byte, i int, enum bool) bool {
	named := !enum
	for j, end := i, min(len(src), i+maxLookahead); j < end; j++ {
		switch b := src[j]; {
		case b == '{':
			return named
		case b == ';', b == '(', b == ')', b == '=', b == '}', b == '*', b == '&', b == '"', b == '\'':
			return false
		case b == '/' && j+1 < end && src[j+1] == '/':
			for j < end && src[j] != '\n' {
				j++
			}
		case b == '/' && j+1 < end && src[j+1] == '*':
			if k := bytes.Index(src[j+2:end], []byte("*/")); k >= 0 {
				j += k + 3
			} else {
				return false
			}
		case isIdentByte(b):
			named = true
		}
	}
	return false
}

// aliasAhead reports whether the using ending at src[i] starts an alias,
// "using X = T;", rather than "using namespace n;" or "using a::b;".
func aliasAhead(src []byte, i int) bool {
	j, end := i, min(len(src), i+maxLookahead)
	for j < end && cClass[src[j]] == clSpace || j < end && src[j] == '\n' {
		j++
	}
	k := j
	for k < end && isIdentByte(src[k]) {
		k++
	}
	if k == j {
		return false
	}
	for k < end && (cClass[src[k]] == clSpace || src[k] == '\n') {
		k++
	}
	return k < end && src[k] == '=' && (k+1 >= end || src[k+1] != '=')
}
