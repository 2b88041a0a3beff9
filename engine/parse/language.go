package parse

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"
	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// Language is one supported source language: how files are recognised and
// the grammar and query that analyse them. Languages are package-level
// values; their grammar and compiled queries are built once, on first use,
// and shared by every worker (a compiled tree-sitter query is immutable, so
// sharing it is safe; the per-run state lives in each worker's cursor).
type Language struct {
	// Name is the key used in summaries, NDJSON and the store.
	Name string
	// Extensions are lower-case, with the dot.
	Extensions []string
	// Interpreters are shebang program names (version suffixes such as
	// "3" or "3.12" are stripped before comparing).
	Interpreters []string

	grammar func() unsafe.Pointer
	query   string // file name under queries/
	// lex, when set, finds the comments and decision points by scanning
	// the source, and the query has no @comment or @branch captures (see
	// lexc.go for why C does this).
	lex func(src []byte, out *cLex)
	// logicKind, when set, is the node kind of which the lexer's
	// cLex.logic tokens (logicLen bytes each) must be a child to count
	// (TypeScript's '?', a ternary's or not; Python's case, a case
	// clause's or a name); unset, binary_expression and 2.
	logicKind string
	logicLen  uint32

	once     sync.Once
	compiled *compiled
	err      error
}

// The supported languages. Their Name values are stable: they key stored
// rows and results files.
var (
	Go         = &Language{Name: "go", Extensions: []string{".go"}, grammar: tsgo.Language, query: "go.scm", lex: lexGo}
	C          = &Language{Name: "c", Extensions: []string{".c", ".h"}, grammar: tsc.Language, query: "c.scm", lex: lexC}
	CPP        = &Language{Name: "cpp", Extensions: []string{".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".tcc", ".inl"}, grammar: tscpp.Language, query: "cpp.scm", lex: lexCPP}
	JavaScript = &Language{Name: "javascript", Extensions: []string{".js", ".mjs", ".cjs", ".jsx"}, Interpreters: []string{"node", "nodejs"}, grammar: tsjs.Language, query: "javascript.scm", lex: lexJS}
	TypeScript = &Language{Name: "typescript", Extensions: []string{".ts", ".mts", ".cts"}, Interpreters: []string{"ts-node", "deno", "bun", "tsx"}, grammar: tsts.LanguageTypescript, query: "typescript.scm", lex: lexTS, logicKind: "ternary_expression", logicLen: 1}
	TSX        = &Language{Name: "tsx", Extensions: []string{".tsx"}, grammar: tsts.LanguageTSX, query: "tsx.scm", lex: lexTSX, logicKind: "ternary_expression", logicLen: 1}
	Python     = &Language{Name: "python", Extensions: []string{".py", ".pyi", ".pyw"}, Interpreters: []string{"python", "pypy"}, grammar: tspython.Language, query: "python.scm", lex: lexPython, logicKind: "case_clause", logicLen: 4}
	Rust       = &Language{Name: "rust", Extensions: []string{".rs"}, grammar: tsrust.Language, query: "rust.scm", lex: lexRust}
	Java       = &Language{Name: "java", Extensions: []string{".java"}, grammar: tsjava.Language, query: "java.scm", lex: lexJava}
)

// Languages lists every supported language in a stable order.
var Languages = []*Language{Go, C, CPP, JavaScript, TypeScript, TSX, Python, Rust, Java}

var byExt = func() map[string]*Language {
	m := map[string]*Language{}
	for _, l := range Languages {
		for _, e := range l.Extensions {
			m[e] = l
		}
	}
	return m
}()

// LanguageByName returns the language called name, or nil.
func LanguageByName(name string) *Language {
	for _, l := range Languages {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// ByExtension returns the language for path's extension, or nil. Matching
// is case-insensitive so that FOO.C and x.PY are recognised; .C is taken as
// C, not as the old C++ spelling.
func ByExtension(path string) *Language {
	ext := filepath.Ext(path)
	if ext == "" {
		return nil
	}
	if l := byExt[ext]; l != nil {
		return l
	}
	return byExt[strings.ToLower(ext)]
}

// ByShebang returns the language named by a "#!" first line of head, or nil.
// It understands "#!/usr/bin/python3", "#!/usr/bin/env node" and
// "#!/usr/bin/env -S deno run".
func ByShebang(head []byte) *Language {
	if !bytes.HasPrefix(head, []byte("#!")) {
		return nil
	}
	line := head[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return nil
	}
	prog := filepath.Base(fields[0])
	if prog == "env" {
		prog = ""
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "-") || strings.Contains(f, "=") {
				continue // env flags (-S) and VAR=value assignments
			}
			prog = filepath.Base(f)
			break
		}
	}
	prog = strings.TrimRight(prog, "0123456789.")
	for _, l := range Languages {
		for _, in := range l.Interpreters {
			if prog == in {
				return l
			}
		}
	}
	return nil
}

// load returns the language's compiled grammar and queries, building
// them on first use.
func (l *Language) load() (*compiled, error) {
	l.once.Do(func() { l.compiled, l.err = compile(l) })
	return l.compiled, l.err
}

// String returns the language's name.
func (l *Language) String() string { return l.Name }
