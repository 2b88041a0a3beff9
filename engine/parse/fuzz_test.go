package parse

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzAnalyze feeds arbitrary bytes to the per-file analyzer in every
// language. It must never fail or crash, and what it reports must be
// consistent: line classes add up, symbols lie within the file, and the
// syntax-error count is what a walk of every node finds. For C, the lexer
// finds the lines and decision points the reference query does.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint8(0), []byte("package a\nfunc (s *S[T]) M() { if a && b {} }\n"))
	f.Add(uint8(1), []byte("int main(void) { if (x) { return 1;\n"))
	f.Add(uint8(2), []byte("void a::B::f() try {} catch (...) {}\n"))
	f.Add(uint8(3), []byte("class A { m() { return x ?? y } }\n// c"))
	f.Add(uint8(4), []byte("interface I {}\nenum E { A }\n"))
	f.Add(uint8(5), []byte("const A = () => <div>{a ? b : c}</div>;\n"))
	f.Add(uint8(6), []byte("class A:\n    def f(self):\n        return [x for x in y if x]\n"))
	f.Add(uint8(7), []byte("impl<T> Foo for &T { fn f(&self) { match x { _ => {} } } }\n"))
	f.Add(uint8(8), []byte("import java.util.*;\nclass A { void f() { switch (x) { case 1, 2: } } }\n"))
	f.Add(uint8(0), []byte("\xff\xfe\x00/*\n"))
	f.Add(uint8(1), []byte("/* a */ int f(int a) { // b \\\n c\n return a && \"/*\" ? '\\'' : 1'0; }\n#if A && B\n#endif\n"))
	a := NewAnalyzer()
	f.Cleanup(a.Close)
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		lang := Languages[int(which)%len(Languages)]
		an, err := a.Analyze(lang, src)
		require.NoError(t, err)
		assert.Equal(t, an.Lines, an.Code+an.Comments+an.Blanks)
		assert.Equal(t, walkErrors(t, lang, src), an.SyntaxErrors, "the syntax-error count must be what a walk of every node finds")
		functions := 0
		for _, s := range an.Symbols {
			assert.NotEmpty(t, s.Name)
			assert.True(t, 1 <= s.StartLine && s.StartLine <= s.EndLine, "%+v", s)
			assert.LessOrEqual(t, s.EndLine, an.Lines+1, "%+v", s) // +1: a node may end on the empty line after a final newline
			if s.IsFunction() {
				functions++
				assert.GreaterOrEqual(t, s.Complexity, 1)
			}
			_ = utf8.ValidString(s.Name) // names may carry invalid bytes from invalid input; they must not panic anything
		}
		assert.Equal(t, functions, an.Functions)
		if lang == C {
			// The lexer finds what the whole-tree query found, wherever
			// the tree is valid C.
			if ref, ok := referenceC(t, src); ok {
				var got cLex
				lexC(src, &got)
				assert.Equal(t, [4]int{ref.lines, ref.code, ref.comments, ref.blanks}, [4]int{an.Lines, an.Code, an.Comments, an.Blanks}, "lines, code, comments, blanks against the reference query")
				assert.Equal(t, len(ref.branches), len(got.branches), "decision points against the reference query")
			}
		}
		assert.GreaterOrEqual(t, an.Complexity, functions)
	})
}
