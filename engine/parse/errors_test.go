package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ts "github.com/tree-sitter/go-tree-sitter"
)

// parseTree parses src as lang with a parser of its own, for tests that
// look at the tree the analyzer would see. The tree is closed with the test.
func parseTree(t testing.TB, lang *Language, src []byte) (*ts.Tree, *compiled) {
	t.Helper()
	c, err := lang.load()
	require.NoError(t, err)
	p := ts.NewParser()
	defer p.Close()
	require.NoError(t, p.SetLanguage(c.lang))
	tree := p.Parse(src, nil)
	require.NotNil(t, tree)
	t.Cleanup(tree.Close)
	return tree, c
}

// walkErrors counts syntax errors the slow, obviously right way: it visits
// every node of the tree. (An (ERROR)/(MISSING) query is not a safe oracle:
// on the Go source "\x00\"" it misses the zero-width MISSING identifier at
// the start of the file, which the fuzzer found.)
func walkErrors(t testing.TB, lang *Language, src []byte) int {
	t.Helper()
	tree, _ := parseTree(t, lang, src)
	cur := tree.Walk()
	defer cur.Close()
	n := 0
	for {
		if node := cur.Node(); node.IsError() || node.IsMissing() {
			n++
		}
		if cur.GotoFirstChild() {
			continue
		}
		for !cur.GotoNextSibling() {
			if !cur.GotoParent() {
				return n
			}
		}
	}
}

func TestCountErrorsAgreesWithFullWalk(t *testing.T) {
	cases := []struct {
		name string
		lang *Language
		src  string
	}{
		{"clean C", C, "int main(void) { return 0; }\n"},
		{"unbalanced C braces", C, "int main(void) {\n  if (x) {\n    return 1;\n"},
		// Macro soup of the kind Linux headers hold: tree-sitter nests
		// ERROR nodes inside ERROR nodes, and some of the inner ones have
		// their has-error flag clear.
		{"nested errors in C macros", C, "#define X(a) a\nX(.foo = 1, .bar = 2) ->x ->y\nstatic int a = {.b = c d e};\nint f(int a b c) { return a +; }\n"},
		// Assembler macros in a C header (arch/arm64/include/asm/
		// alternative-macros.h): ERROR nodes inside ERROR nodes.
		{"assembler in a C header", C, ".macro altinstruction_entry orig_offset alt_offset cpucap orig_len alt_len\n\t.word \\orig_offset - .\n\t.word \\alt_offset - .\n\t.hword (\\cpucap)\n\t.byte \\orig_len\n.endm\n"},
		{"missing semicolon", C, "int a = 1\nint b = 2;\n"},
		{"broken Go", Go, "package a\nfunc f( {\n\tif x {\n}\n"},
		{"broken Python", Python, "def f(:\n    return (1,\nclass\n"},
		{"broken C++", CPP, "class A { public: void f() { template<typename T> } ; namespace }\n"},
		{"broken TypeScript", TypeScript, "function f(a: number, { return a + ; }\ninterface I { x: }\n"},
		// A MISSING node at offset 0, which an (ERROR)/(MISSING) query misses.
		{"missing identifier at the start", Go, "\x00\""},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(tt.lang, []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, walkErrors(t, tt.lang, []byte(tt.src)), an.SyntaxErrors)
		})
	}
}
