package parse

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
)

// goReference is Go with the whole-tree query it used before the shallow
// scan and the lexer: the oracle both are held to.
var goReference = &Language{Name: "go", grammar: tsgo.Language, query: "go_reference.scm"}

// goTreesEnv names more directories of Go for TestGoMatchesReference
// (separated by the OS's list separator); "GOROOT" stands for all of
// $(go env GOROOT)/src.
const goTreesEnv = "HIVE_PARSE_GO_TREES"

// TestGoMatchesReference is the differential test for Go: on real Go the
// shallow scan and the lexer report what the whole-tree query reported.
// The code is a sample of GOROOT/src (go/..., net/http, runtime, the
// compiler's SSA package, with go/parser's deliberately broken testdata)
// and tree-sitter-go's examples; HIVE_PARSE_GO_TREES=GOROOT takes all of
// GOROOT/src (11,000 files).
//
// The only difference diffReference allows on an error-free tree, a
// function nested in a function, cannot occur in Go. Over all of
// GOROOT/src (Go 1.26.8) no file differs.
func TestGoMatchesReference(t *testing.T) {
	src := filepath.Join(runtime.GOROOT(), "src")
	roots := []string{"go", "net/http", "runtime", "cmd/compile/internal/ssa"}
	for i, r := range roots {
		roots[i] = filepath.Join(src, r)
	}
	roots = append(roots, filepath.Join(moduleDir(t, "github.com/tree-sitter/tree-sitter-go"), "examples"))
	if env := os.Getenv(goTreesEnv); env != "" {
		roots = nil
		for _, dir := range filepath.SplitList(env) {
			if dir == "GOROOT" {
				dir = src
			}
			roots = append(roots, dir)
		}
	}
	var files []string
	for _, r := range roots {
		files = append(files, sourceFiles(t, r, Go)...)
	}
	slices.Sort(files)
	files = slices.Compact(files)

	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	var c tally
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		got := analyze(t, a, Go, b)
		ref, hasError := referenceAnalysis(t, ra, goReference, b)
		if d := c.add(got, ref, hasError); d != "" {
			if c.differ <= 20 {
				t.Errorf("%s:\n%s", f, d)
			}
		}
	}
	t.Logf("%d files: %v", len(files), &c)
	assert.Zero(t, c.differ, "files that differ from the reference")
	require.Greater(t, c.valid, 1000, "too few error-free files to mean anything")
	require.Positive(t, c.broken, "the sample should hold broken files (go/parser's testdata)")
}

// TestLexGoMatchesReference checks line classes and decision points
// against the whole-tree query, case by case.
func TestLexGoMatchesReference(t *testing.T) {
	cases := []lexCase{
		{"comment markers in strings", "package p\n\nvar s = \"/* no */ // no\" // yes\nvar r = '\"'\n", 0},
		{"raw strings over lines", "package p\n\nvar s = `\n\n  if a && b // not code\n`\n", 0},
		{"a line comment does not continue", "package p\n\n// a \\\nvar x = 1\n", 0},
		{"block comments over lines", "package p\n\n/*\n * a\n\n */\nvar x = 1 /* b */\n   /* c */   \n", 0},
		{"decisions", "package p\n\nfunc f(a, b bool, c chan int) int {\n\tif a && b || !a {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-c:\n\t\t\tdefault:\n\t\t\t}\n\t\t}\n\t}\n\tswitch {\n\tcase a, b:\n\tdefault:\n\t}\n\tswitch x := any(a).(type) {\n\tcase int, bool:\n\t\t_ = x\n\t}\n\treturn 0\n}\n", 7},
		{"closures count for their function", "package p\n\nfunc f() func() bool {\n\treturn func() bool { return g() && h() }\n}\n", 1},
		{"runes", "package p\n\nvar r = []rune{'\\'', '\\x41', '\\u00e9', 'é', '/'} // c\n", 0},
		{"escaped line break in a string", "package p\n\nvar s = \"a\\\n// not a comment\"\n", 0},
		{"numbers", "package p\n\nvar x = 1_000 + 0x1p-2 + .5e+3 + 1i // c\n", 0},
		{"no final newline", "package p\n\nvar x = 1 /* end */", 0},
		{"&& with no operand before it is two address-of operators to tree-sitter-go", "package p\n\nvar x = &&y\nvar z = .5 && w\n\nfunc f() **int { return &&v }\n", 1},
		{"an unclosed block comment is a division", "package p\n\nvar y = 1 /* c */\nvar x = 2 /*p && q\n", 1},
		{"CRLF", "package p\r\n\r\n// c\r\nfunc f(a bool) {\r\n\tif a {\r\n\t}\r\n}\r\n", 1},
	}
	checkLexCases(t, Go, goReference, cases)
}

// TestGoShallowSymbols covers where the shallow Go query finds symbols:
// top-level declarations, grouped ones, and local types in the bodies the
// lexer marked.
func TestGoShallowSymbols(t *testing.T) {
	src := "package p\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n)\nimport \"io\"\n\ntype (\n\tA struct{}\n\tB interface{ M() }\n\tC = int\n)\n\ntype D[T any] []T\n\nfunc (a *A) M() {}\n\nfunc f() {\n\tswitch any(nil).(type) {\n\t}\n}\n\nfunc g() {\n\ttype local struct{ x int }\n\tif true {\n\t\ttype deeper int\n\t}\n\t_ = func() {\n\t\ttype inClosure int\n\t}\n}\n\nfunc asm(x int) int\n"
	a := NewAnalyzer()
	defer a.Close()
	an, err := a.Analyze(Go, []byte(src))
	require.NoError(t, err)
	require.Zero(t, an.SyntaxErrors)
	var got []string
	for _, s := range an.Symbols {
		got = append(got, s.Name+"/"+s.Kind+"/"+s.Parent)
	}
	assert.Equal(t, []string{"A/struct/", "B/interface/", "C/type/", "D/type/", "M/method/A", "f/function/", "g/function/", "local/struct/", "deeper/type/", "inClosure/type/", "asm/function/"}, got)
	assert.Equal(t, []string{"fmt", "os", "io"}, an.Imports)

	var l cLex
	lexGo([]byte(src), &l)
	assert.Len(t, l.marks, 5, "type: the two declarations and three local types, not x.(type)")
}
