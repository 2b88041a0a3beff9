package parse

// The Go lexer does for Go what the C lexer (lexc.go) does for C: it finds
// comments (for line classes) and decision points with one byte scan, so
// that the query only looks at the file's top-level declarations. On
// GOROOT/src the whole-tree query cost 55–65% on top of parsing.
//
// Go is the easy case: a decision point is always the keyword if, for or
// case (default is none) or the operator && or ||, which in Go is never
// anything but a binary operator; there is no preprocessor and no
// conditional operator. The tokens that hide others are tree-sitter-go's:
// comments ("//" to the end of the line, with no continuation; "/* */"),
// interpreted strings (a backslash escapes the next byte, a line break
// included, as tree-sitter-go's escape_sequence allows), raw strings in
// backquotes, which span lines, and runes. A differential test and the
// fuzz target hold the lexer to the whole-tree query
// (queries/go_reference.scm).
//
// The keyword type marks a function body for a deep scan (a local type is
// a symbol, as the whole-tree query found it), except in a type switch's
// x.(type).

// lexGo scans src as Go into out (whose counts, branches and marks the
// caller has reset).
func lexGo(src []byte, out *cLex) {
	n := len(src)
	prev := byte(' ') // the last byte of the previous token (see operandEnd)
	for i := 0; i < n; {
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
			before := prev
			prev = 'a'
			switch string(src[start:i]) {
			case "if", "for", "case":
				out.branches = append(out.branches, uint32(start))
				prev = 'k'
			case "type":
				if before != '(' {
					out.marks = append(out.marks, uint32(start))
				}
				prev = 'k'
			case "break", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "func", "go", "goto",
				"import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "var":
				prev = 'k'
			}
			continue
		case clDigit:
			out.hasCode = true
			i = skipNumber(src, i)
			prev = '0'
			continue
		}
		switch {
		case c == '\n':
			out.endLine()
			i++
			continue
		case c == '/' && i+1 < n && src[i+1] == '/':
			out.hasComment = true
			for i += 2; i < n && src[i] != '\n'; i++ {
			}
			continue
		case c == '/' && i+1 < n && src[i+1] == '*':
			if end := out.blockComment(src, i); end >= 0 {
				i = end
				continue
			}
		}
		out.hasCode = true
		switch {
		case c == '"':
			i = out.skipQuoted(src, i)
		case c == '\'':
			i = out.skipRune(src, i)
		case c == '`':
			i = out.skipBackquoted(src, i)
		case c == '.' && i+1 < n && cClass[src[i+1]] == clDigit:
			i = skipNumber(src, i)
			c = '0'
		case c == '&' && i+1 < n && src[i+1] == '&':
			// Where no operand ends before it, tree-sitter-go reads "&&x"
			// as two address-of operators (Go itself rejects it).
			if operandEnd(prev) {
				out.branches = append(out.branches, uint32(i))
			}
			i += 2
		case c == '|' && i+1 < n && src[i+1] == '|':
			out.branches = append(out.branches, uint32(i))
			i += 2
		default:
			i++
		}
		prev = c
	}
	if n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
}

// operandEnd reports whether a token whose last byte is prev (as lexGo
// records it: 'a' for an identifier, 'k' for a keyword, '0' for a number,
// the quote for a string or rune) can end an operand.
func operandEnd(prev byte) bool {
	switch prev {
	case 'a', '0', '"', '\'', '`', ')', ']', '}':
		return true
	}
	return false
}

// skipRune returns the index after the rune literal whose quote is at
// src[i]: tree-sitter-go's token is a quote, one character other than a
// quote or a backslash (a line break too) or an escape, and a quote.
func (l *cLex) skipRune(src []byte, i int) int {
	n := len(src)
	j := i + 1
	switch {
	case j >= n:
		return n
	case src[j] == '\\':
		j += 2
	case src[j] == '\n':
		l.endLine()
		l.hasCode = true
		j++
	default:
		j++
	}
	for j < n && src[j] != '\'' && src[j] != '\n' {
		j++
	}
	if j < n && src[j] == '\'' {
		return j + 1
	}
	return j
}

// skipBackquoted returns the index after the raw string whose backquote
// is at src[i], tallying the lines it spans; unterminated, it runs to the
// end of the file.
func (l *cLex) skipBackquoted(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch b := src[j]; {
		case b == '`':
			l.hasCode = true
			return j + 1
		case b == '\n':
			l.endLine()
		case !l.hasCode && !isBlank(b):
			l.hasCode = true
		}
	}
	return len(src)
}
