package parse

import "unicode/utf8"

// The Rust lexer does for Rust what the C and Go lexers (lexc.go, lexgo.go)
// do for theirs: it finds comments (for line classes), decision points and
// the tokens that may start a definition with one byte scan, so that the
// query reads the items of the file, of modules, impl and trait bodies, and
// enters a function body only when the lexer marked a definition in it. On
// Chromium's vendored crates the whole-tree query cost 60% on top of
// parsing.
//
// The tokens that hide others are tree-sitter-rust's: line comments (doc
// comments too) run to the line break; block comments nest, by the grammar
// scanner's own state machine ("//*" opens nothing, "/*/" does); strings
// and byte and C strings take a backslash escape of any byte, line breaks
// included; raw strings (r, br, cr, then any number of #) hold anything up
// to a quote followed by as many #; r#name is an identifier; a quote starts
// a character literal only if one character or escape and a closing quote
// follow ('a', '\u{1F600}', even ''), else it starts a lifetime or a label
// ('a, 'static, 'outer:); a shebang is a first line starting "#!" but not
// "#![".
//
// Macros are token trees to tree-sitter-rust: the body of name!(...),
// name![...], name!{...}, the rules of macro_rules! and the arguments of an
// attribute (#[derive(...)], #![cfg(...)]) are flat tokens, in which an if,
// a => or a fn is no decision point and no definition. The lexer skips them
// as balanced trees (minding strings, characters and comments in them);
// != is not a macro's bang, and #[...] is no macro. An attribute's value
// after = is an expression and is lexed as code.
//
// What counts is what the whole-tree query (queries/rust_reference.scm)
// counted: if, while, for, each match arm (its =>), and the && and || of
// binary expressions; not loop, not ?. The tokens leave three questions to
// the tree (cLex.logic, decided by operatorOps like C++'s &&):
//   - && and || after a token that may end an operand: "a && b" is binary,
//     but the && of "if let Some(x) = a && b" joins a let chain, and "&&x"
//     is two references (after a token that ends no operand, it is always
//     that, and || opens a closure);
//   - if after a token that may end an operand ("S { .. } if c =>" is a
//     match guard, no if expression; "} if c {" after a block is one);
//   - none for for: after a type ("impl Trait for T", "impl X<T> for") it is
//     an impl's, before a < a higher-ranked bound (for<'a>), else a loop.
//
// Marks (the item a marked token starts is scanned at every depth, see
// @container.items): fn followed by a name (fn( is a pointer type), struct,
// enum, trait, type, mod, union followed by a name, impl, use (not use<..>,
// a capture list), extern followed by a name (extern crate), and
// macro_rules!. Definitions are real at any depth in Rust (nested fns,
// items in blocks, impls inside functions), so the shallow scan must find
// every one the whole-tree query found; a mark too many costs a small deep
// scan, never a wrong answer.
//
// What differs from the whole-tree query: nothing on an error-free tree
// (TestRustMatchesReference, over Chromium's 8,116 .rs files too). In a
// syntax error's region tree-sitter's recovery reads a doc comment's text
// as tokens (its scanner lexes nothing while recovering), where the lexer
// still sees a comment line; and definitions deeper than one level in a
// broken, unmarked body are not looked for.

// Token classes for the last token before the current one (lexRust's prev):
// what it says about an && or ||, an if or a for that follows.
const (
	rsNone  uint8 = iota // start, punctuation, keywords that end no operand
	rsIdent              // an identifier, or self, true, ...: ends an operand or a type
	rsLit                // a literal
	rsClose              // ) or ] (not an attribute's)
	rsBrace              // }
	rsGt                 // >, >>: ends generic arguments or a comparison's operand
	rsMaybe              // ?, .., a lifetime, break, continue, return, yield
)

// lexRust scans src as Rust into out (whose counts, branches, logic and
// marks the caller has reset).
func lexRust(src []byte, out *cLex) {
	n := len(src)
	prev := rsNone
	seen := false      // a token has been seen: no shebang after it
	tt := 0            // depth inside a token tree
	macroWord := false // the last token is an identifier that may name a macro
	bang := false      // a macro's name and ! came last: a delimiter opens a token tree
	rulesName := false // after macro_rules!: the next identifier is the name
	hash := 0          // 1 after #, 2 after #!: a [ opens an attribute
	attrPath := false  // on an attribute's path: a delimiter opens a token tree
	var stackBuf [64]byte
	stack := stackBuf[:0] // open delimiters outside token trees; 'A' for an attribute's [
	for i := 0; i < n; {
		c := src[i]
		switch cClass[c] {
		case clSpace:
			for i++; i < n && cClass[src[i]] == clSpace; i++ {
			}
			continue
		case clIdent:
			out.hasCode, seen = true, true
			start := i
			for i++; i < n && isIdentByte(src[i]); i++ {
			}
			word := src[start:i]
			if i < n && (src[i] == '"' || src[i] == '#') && isRawStringPrefix(word) {
				if end := out.skipRawString(src, i); end >= 0 {
					i = end
					prev, macroWord, bang, hash, attrPath, rulesName = rsLit, false, false, 0, false, false
					continue
				}
				if len(word) == 1 && src[i] == '#' && i+1 < n && cClass[src[i+1]] == clIdent {
					// r#name is an identifier, whatever name is.
					for i += 2; i < n && isIdentByte(src[i]); i++ {
					}
					word = nil
				}
			}
			hash = 0
			if tt > 0 {
				continue
			}
			if attrPath {
				prev = rsIdent
				continue
			}
			bang = false
			if rulesName {
				rulesName, bang, macroWord, prev = false, true, false, rsIdent
				continue
			}
			before := prev
			macroWord, prev = false, rsNone
			switch string(word) {
			case "if":
				if before != rsNone {
					out.logic = append(out.logic, uint32(start))
				} else {
					out.branches = append(out.branches, uint32(start))
				}
			case "while":
				out.branches = append(out.branches, uint32(start))
			case "for":
				if before != rsIdent && before != rsGt && nextByte(src, i) != '<' {
					out.branches = append(out.branches, uint32(start))
				}
			case "fn":
				if nextByte(src, i) != '(' {
					out.marks = append(out.marks, uint32(start))
				}
			case "struct", "enum", "trait", "type", "mod", "impl":
				out.marks = append(out.marks, uint32(start))
			case "union":
				if b := nextByte(src, i); cClass[b] == clIdent {
					out.marks = append(out.marks, uint32(start))
				} else {
					macroWord, prev = true, rsIdent // a name
				}
			case "use":
				if nextByte(src, i) != '<' {
					out.marks = append(out.marks, uint32(start))
				}
			case "extern":
				if b := nextByte(src, i); cClass[b] == clIdent {
					out.marks = append(out.marks, uint32(start)) // extern crate
				}
			case "macro_rules":
				if i < n && src[i] == '!' {
					out.marks = append(out.marks, uint32(start))
					i++
					rulesName = true
				} else {
					macroWord, prev = true, rsIdent
				}
			case "self", "super", "crate", "true", "false", "await":
				prev = rsIdent
			case "break", "continue", "return", "yield":
				prev = rsMaybe
			case "as", "async", "const", "dyn", "else", "in", "let", "loop", "match", "move", "mut", "pub",
				"ref", "static", "try", "unsafe", "where":
			default:
				macroWord, prev = true, rsIdent
			}
			continue
		case clDigit:
			out.hasCode, seen = true, true
			i = skipRustNumber(src, i)
			prev, macroWord, bang, hash, attrPath, rulesName = rsLit, false, false, 0, false, false
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
			i = out.rustBlockComment(src, i)
			continue
		}
		out.hasCode = true
		if c == '#' && !seen && i+1 < n && src[i+1] == '!' && (i+2 >= n || src[i+2] != '[') {
			// A shebang, if a line break ends it.
			j := i + 2
			for j < n && src[j] != '\n' {
				j++
			}
			if j < n {
				seen = true
				i = j
				continue
			}
		}
		seen = true
		// One-shot states: the token that keeps one says so below.
		wasBang, wasHash, wasAttrPath, wasMacroWord := bang, hash, attrPath, macroWord
		bang, hash, attrPath, macroWord, rulesName = false, 0, false, false, false
		before := prev
		prev = rsNone
		switch c {
		case '"':
			i = out.skipRustString(src, i)
			prev = rsLit
			continue
		case '\'':
			if end := out.skipRustChar(src, i); end >= 0 {
				i = end
				prev = rsLit
				continue
			}
			// A lifetime or a label: the quote and the name after it.
			for i++; i < n && isIdentByte(src[i]); i++ {
			}
			prev = rsMaybe
			continue
		case '(', '[', '{':
			i++
			switch {
			case tt > 0:
				tt++
			case wasBang || wasAttrPath:
				tt = 1
			case c == '[' && wasHash > 0:
				stack = append(stack, 'A')
				attrPath = true
			default:
				stack = append(stack, c)
			}
			continue
		case ')', ']', '}':
			i++
			switch {
			case tt > 1:
				tt--
				continue
			case tt == 1:
				tt = 0
			case len(stack) > 0:
				open := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if open == 'A' {
					continue // an attribute ends no operand
				}
			}
			if c == '}' {
				prev = rsBrace
			} else {
				prev = rsClose
			}
			continue
		}
		if tt > 0 {
			i++
			continue
		}
		switch {
		case c == '&' && i+1 < n && src[i+1] == '&', c == '|' && i+1 < n && src[i+1] == '|':
			if before != rsNone {
				out.logic = append(out.logic, uint32(i))
			}
			i += 2
		case c == '=' && i+1 < n && src[i+1] == '=':
			i += 2
		case c == '=' && i+1 < n && src[i+1] == '>':
			out.branches = append(out.branches, uint32(i))
			i += 2
		case c == '-' && i+1 < n && src[i+1] == '>':
			i += 2
		case c == '>':
			switch {
			case i+1 < n && src[i+1] == '=':
				i += 2
			case i+2 < n && src[i+1] == '>' && src[i+2] == '=':
				i += 3
			case i+1 < n && src[i+1] == '>':
				i += 2
				prev = rsGt
			default:
				i++
				prev = rsGt
			}
		case c == '?':
			i++
			prev = rsMaybe
		case c == '.' && i+1 < n && src[i+1] == '.':
			switch {
			case i+2 < n && (src[i+2] == '=' || src[i+2] == '.'):
				i += 3
			default:
				i += 2
				prev = rsMaybe
			}
		case c == '!':
			switch {
			case i+1 < n && src[i+1] == '=':
				i += 2
			case wasHash == 1:
				hash = 2
				i++
			default:
				bang = wasMacroWord
				i++
			}
		case c == '#':
			hash = 1
			i++
		case c == ':' && i+1 < n && src[i+1] == ':':
			attrPath = wasAttrPath
			macroWord = false
			i += 2
		default:
			i++
		}
	}
	if n > 0 && src[n-1] != '\n' {
		out.endLine()
	}
}

// isRawStringPrefix reports whether word, followed by '"' or '#', may open
// a raw string: r, br or cr (tree-sitter-rust's scanner tries these).
func isRawStringPrefix(word []byte) bool {
	switch string(word) {
	case "r", "br", "cr":
		return true
	}
	return false
}

// nextByte returns the first byte at or after src[i] that is not white
// space or a line break, or 0 at the end.
func nextByte(src []byte, i int) byte {
	for ; i < len(src); i++ {
		if b := src[i]; cClass[b] != clSpace && b != '\n' {
			return b
		}
	}
	return 0
}

// skipRustNumber returns the index after the number literal at src[i]:
// digits, letters and underscores (a radix prefix, an exponent, a type
// suffix), and a fraction's dot when no dot or letter follows it ("1.5",
// "1." are floats; "1..2" a range, "1.max(2)" a call), as tree-sitter-
// rust's scanner has it. An exponent's sign is left to the next token,
// which changes nothing the lexer looks at.
func skipRustNumber(src []byte, i int) int {
	n := len(src)
	for i++; i < n; i++ {
		c := src[i]
		switch {
		case isIdentByte(c):
		case c == '.' && (i+1 >= n || src[i+1] != '.' && cClass[src[i+1]] != clIdent):
		default:
			return i
		}
	}
	return n
}

// skipRustString returns the index after the string whose quote is at
// src[i], tallying the lines it spans: a backslash escapes the next byte,
// a line break included; unterminated, it runs to the end of the file.
func (l *cLex) skipRustString(src []byte, i int) int {
	n := len(src)
	for j := i + 1; j < n; j++ {
		switch b := src[j]; b {
		case '\\':
			l.hasCode = true
			j++
			if j < n {
				if src[j] == '\n' {
					l.endLine()
				} else {
					l.hasCode = true
				}
			}
		case '"':
			l.hasCode = true
			return j + 1
		case '\n':
			l.endLine()
		default:
			if !l.hasCode && !isBlank(b) {
				l.hasCode = true
			}
		}
	}
	return n
}

// skipRawString returns the index after the raw string whose prefix (r,
// br or cr) ends at src[i], where zero or more # and a quote must follow,
// tallying the lines it spans; or -1 if no quote follows the #s. Like
// tree-sitter-rust's scanner, it ends at the first quote followed by as
// many # as opened it, or runs to the end of the file.
func (l *cLex) skipRawString(src []byte, i int) int {
	n := len(src)
	j := i
	for j < n && src[j] == '#' {
		j++
	}
	if j >= n || src[j] != '"' {
		return -1
	}
	hashes := j - i
	for j++; j < n; j++ {
		switch b := src[j]; {
		case b == '"':
			k := j + 1
			for k < n && k-j-1 < hashes && src[k] == '#' {
				k++
			}
			if k-j-1 == hashes {
				l.hasCode = true
				return k
			}
		case b == '\n':
			l.endLine()
		case !l.hasCode && !isBlank(b):
			l.hasCode = true
		}
	}
	return n
}

// skipRustChar returns the index after the character literal whose quote
// is at src[i], or -1 if none starts there (a lifetime or a label does).
// tree-sitter-rust's token is a quote, then nothing, one character other
// than a backslash or a quote (a line break too), or an escape (\ and one
// character other than x and u, \x and two hex digits, \u and four, \u{
// and hex digits }), then a quote.
func (l *cLex) skipRustChar(src []byte, i int) int {
	n := len(src)
	j := i + 1
	if j >= n {
		return -1
	}
	newline := false
	switch src[j] {
	case '\'':
		return j + 1
	case '\\':
		j++
		if j >= n {
			return -1
		}
		switch src[j] {
		case 'x':
			if j+2 >= n || !isHex(src[j+1]) || !isHex(src[j+2]) {
				return -1
			}
			j += 3
		case 'u':
			if j+1 < n && src[j+1] == '{' {
				k := j + 2
				for k < n && isHex(src[k]) {
					k++
				}
				if k == j+2 || k >= n || src[k] != '}' {
					return -1
				}
				j = k + 1
				break
			}
			for k := 1; k <= 4; k++ {
				if j+k >= n || !isHex(src[j+k]) {
					return -1
				}
			}
			j += 5
		default:
			newline = src[j] == '\n'
			_, size := utf8.DecodeRune(src[j:])
			j += size
		}
	default:
		newline = src[j] == '\n'
		_, size := utf8.DecodeRune(src[j:])
		j += size
	}
	if j >= n || src[j] != '\'' {
		return -1
	}
	if newline {
		l.endLine()
		l.hasCode = true
	}
	return j + 1
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'f'
}

// rustBlockComment returns the index after the block comment that opens at
// src[i] ("/*"), tallying the lines it spans; unterminated, it runs to the
// end of the file (the grammar's scanner reads it so, and the tree has an
// error). Comments nest, by the scanner's state machine: after a '/', a
// '*' opens a nested comment; after a '*', a '/' closes one; a '/' after a
// '/' or a '*' after a '*' starts no new pair.
func (l *cLex) rustBlockComment(src []byte, i int) int {
	const (
		cont = iota
		slash
		star
	)
	l.hasComment = true
	depth, state := 1, cont
	for j := i + 2; j < len(src); j++ {
		b := src[j]
		switch state {
		case slash:
			if b == '*' {
				depth++
			}
			state = cont
		case star:
			switch b {
			case '*':
			case '/':
				depth--
				state = cont
			default:
				state = cont
			}
		default:
			switch b {
			case '/':
				state = slash
			case '*':
				state = star
			}
		}
		if b == '\n' {
			l.endLine()
		} else if !l.hasComment && !isBlank(b) {
			l.hasComment = true
		}
		if depth == 0 {
			return j + 1
		}
	}
	return len(src)
}
