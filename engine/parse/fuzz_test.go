package parse

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ts "github.com/tree-sitter/go-tree-sitter"
)

// FuzzAnalyze feeds arbitrary bytes to the per-file analyzer in every
// language. It must never fail or crash, and what it reports must be
// consistent: line classes add up, symbols lie within the file, and the
// syntax-error count is what a walk of every node finds. For C, the lexer
// finds the lines and decision points the reference query does; for C++,
// Go, Java and Python, the analysis is the whole-tree reference's
// (diffReference).
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
	a, ra := NewAnalyzer(), NewAnalyzer()
	f.Cleanup(a.Close)
	f.Cleanup(ra.Close)
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
		switch lang {
		case C:
			// The lexer finds what the whole-tree query found, wherever
			// the tree is valid C.
			if ref, ok := referenceC(t, src); ok {
				var got cLex
				lexC(src, &got)
				assert.Equal(t, [4]int{ref.lines, ref.code, ref.comments, ref.blanks}, [4]int{an.Lines, an.Code, an.Comments, an.Blanks}, "lines, code, comments, blanks against the reference query")
				assert.Equal(t, len(ref.branches), len(got.branches), "decision points against the reference query")
			}
		case CPP:
			checkAgainstReference(t, ra, cppReference, src, analysed{an, a.spans})
		case Go:
			checkAgainstReference(t, ra, goReference, src, analysed{an, a.spans})
		case Java:
			checkAgainstReference(t, ra, javaReference, src, analysed{an, a.spans})
		case Rust:
			checkAgainstReference(t, ra, rustReference, src, analysed{an, a.spans})
		case Python:
			checkAgainstReference(t, ra, pythonReference, src, analysed{an, a.spans})
		}
		assert.GreaterOrEqual(t, an.Complexity, functions)
	})
}

// FuzzCPP holds the C++ analysis, the shallow scan and the lexer, to the
// whole-tree reference query on arbitrary input, starting from
// tree-sitter-cpp's test corpus: on an error-free tree everything agrees
// (but for what diffReference allows), on a broken one the shallow scan's
// symbols are among the reference's.
func FuzzCPP(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-cpp", CPP, cppReference,
		"auto s = R\"x(/* )\" */\n)x\"; // c\nvoid f(A&& a) { if (a && b) {} }\n",
		"void f() {\n  struct L { int g() { return x ? 1 : 2; } };\n  FOR_EACH(x) { if (x) {} }\n}\n")
}

// FuzzGo does for Go what FuzzCPP does for C++, from tree-sitter-go's
// corpus.
func FuzzGo(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-go", Go, goReference,
		"package p\n\nvar s = `\n// x\n` /* c */\nfunc f() { type t int; if a && b {} }\n")
}

// fuzzAgainstReference seeds f with the grammar module's test corpus and
// seeds, and holds lang's analysis to the whole-tree reference ref.
func fuzzAgainstReference(f *testing.F, module string, lang, ref *Language, seeds ...string) {
	files, err := filepath.Glob(filepath.Join(moduleDir(f, module), "test", "corpus", "*.txt"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, file := range files {
		for _, src := range corpusCases(f, file) {
			f.Add(src)
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	a, ra := NewAnalyzer(), NewAnalyzer()
	f.Cleanup(a.Close)
	f.Cleanup(ra.Close)
	f.Fuzz(func(t *testing.T, src []byte) {
		an, err := a.Analyze(lang, src)
		require.NoError(t, err)
		assert.Equal(t, an.Lines, an.Code+an.Comments+an.Blanks)
		checkAgainstReference(t, ra, ref, src, analysed{an, a.spans})
	})
}

// checkAgainstReference asserts that got, src's analysis as lang, is what
// the whole-tree reference ref reports (see diffReference), unless the
// tree uses a keyword as a name: tree-sitter accepts some invalid code
// without an error that way ("A case {}" is a function named case), and
// then the lexer's keywords are not the tree's.
func checkAgainstReference(t *testing.T, ra *Analyzer, ref *Language, src []byte, got analysed) {
	t.Helper()
	if keywordAsName(t, ref, src) {
		return
	}
	want, hasError := referenceAnalysis(t, ra, ref, src)
	d := diffReferenceFor(ref.Name, got, want, hasError)
	assert.Empty(t, d, "against the whole-tree reference")
}

// keywordAsName reports whether src's tree, as lang, has an identifier
// spelt like a keyword the lexers act on.
func keywordAsName(t *testing.T, lang *Language, src []byte) bool {
	t.Helper()
	tree, c := parseTree(t, lang, src)
	kw, ok := keywordQueries.Load(lang.Name)
	if !ok {
		q, qerr := ts.NewQuery(c.lang, keywordQuery[lang.Name])
		require.Nil(t, qerr)
		kw, _ = keywordQueries.LoadOrStore(lang.Name, q)
	}
	kc := ts.NewQueryCursor()
	defer kc.Close()
	m := kc.Matches(kw.(*ts.Query), tree.RootNode(), src)
	return m.Next() != nil
}

// keywordQueries holds keywordQuery compiled, by language name, for the
// life of the process: compiling it for every input took most of a fuzz
// execution's time.
var keywordQueries sync.Map

var keywordQuery = map[string]string{
	"cpp": `([(identifier) (type_identifier) (field_identifier) (namespace_identifier) (statement_identifier)] @id
		(#match? @id "^(if|for|while|do|case|catch|else|return|goto|sizeof|alignof|typeof)$"))`,
	"go": `([(identifier) (type_identifier) (field_identifier) (package_identifier) (label_name)] @id
		(#match? @id "^(if|for|case|type)$"))`,
	"java": `([(identifier) (type_identifier)] @id
		(#match? @id "^(if|for|while|case|catch|switch|synchronized|try|class|interface|enum|import|extends)$"))`,
	// JavaScript and TypeScript: a method of an object literal named like a
	// keyword ("{ if() {} }"), which only the tree tells from a statement.
	"javascript": jsKeywordQuery,
	"typescript": jsKeywordQuery,
	"tsx":        jsKeywordQuery,
	"rust": `([(identifier) (type_identifier) (field_identifier) (shorthand_field_identifier)] @id
		(#match? @id "^(if|for|while|else|match|loop|return|break|continue|yield|as|in|let|mut|ref|move|self|super|crate|true|false|await|async|const|dyn|pub|static|try|unsafe|where|fn|struct|enum|trait|type|mod|impl|use|extern|macro_rules)$"))`,
	// match and case are names in Python, and the lexer must tell them.
	"python": `((identifier) @id (#match? @id "^(if|elif|for|while|except|and|or|lambda)$"))`,
}

const jsKeywordQuery = `((object (method_definition name: (property_identifier) @id))
	(#match? @id "^(if|for|while|case|catch|switch|with|function|class|return|typeof|instanceof|in|new|delete|void|throw|do|else|yield|await|extends|export|default|try|finally|const|let|var)$"))`

// FuzzJS does for JavaScript what FuzzCPP does for C++, from
// tree-sitter-javascript's corpus and the lexer's tricky cases.
func FuzzJS(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-javascript", JavaScript, jsReference,
		"var r = /[/]\\//g, t = `a ${b ? `c ${d && e}` : '}'} f`; // c\nif (x) /a/.test(y) && z;\n",
		"const A = () => <div a=\"// x\" b={c ? 1 : 2}>// text {d && e}<br/></div>;\n<!-- c\n--> d\n",
		"function f() {\n  const g = async (a) => a?.b ?? c;\n  return { m() { function h() {} }, get x() { return 1 << 2 < 3; } };\n}\n",
		"#!/usr/bin/env node\nclass C { #a = 1; if(c) { return c ? [...this.#a] : require('x'); } }\n")
}

// FuzzTS does for TypeScript what FuzzJS does for JavaScript, from
// tree-sitter-typescript's corpus.
func FuzzTS(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-typescript", TypeScript, tsReference,
		"function f(a?: number): T extends U ? V : W { return a ? b! / 2 : c; }\ninterface I { m?(): void; if?: string }\n",
		"namespace N { export const g = <T,>(x: T): T => x; enum E { for = 1 } }\ndeclare module \"m\" { function h(): void; }\n",
		"class K { @d() m(): void { const k = class { n() {} }; } p?: number; }\nimport x = require(\"y\");\n")
}

// FuzzJava does for Java what FuzzCPP does for C++, from tree-sitter-java's
// corpus, and strictly: a method nested in a method (of a local or an
// anonymous class) is real, so none may go unreported (diffReferenceFor).
func FuzzJava(f *testing.F) {
	nested, err := os.ReadFile("testdata/java/nested.java")
	require.NoError(f, err)
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-java", Java, javaReference, string(nested),
		"class A {\n  String t = \"\"\"\n    // c \"\n    \\{ a ? b : c } /* d */\"\"\";\n  List<? super T> l = x ? super.y : z;\n}\n",
		"class A { void f() { Object o = new Object() { int g() { return a && b ? 1 : 2; } }; record R(int x) {} } }\n",
		"enum E { A(1) { void f() { class L {} } }; }\n@interface N { int v() default 1; }\nvoid top() {}\n")
}

// FuzzRust does for Rust what FuzzCPP does for C++, from tree-sitter-rust's
// corpus and the lexer's tricky tokens.
func FuzzRust(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-rust", Rust, rustReference,
		"/* a /* b */ */ fn f<'a>(x: &'a str) -> char { let s = r#\"\"// \"#; if let Some(c) = x.chars().next() && c != '\\'' { c } else { '\\u{1F600}' } }\n",
		"fn outer() { fn inner() { if a && b {} } impl S { fn m(&self) {} } use a::b; m! { fn not_one() {} } }\n",
		"#![allow(x)]\n#[cfg(test)]\nmod tests { #[test] fn t() { match x { S { .. } if a => {} _ => {} } } }\nmacro_rules! m { ($x:expr) => { if $x {} }; }\n",
		"impl<T> Tr for Vec<T> where for<'b> T: Fn(&'b u8) { fn f(&self) -> bool { let g = || &&x; g() || h() } }\n")
}

// FuzzPython does for Python what FuzzJava does for Java, strictly (a
// function nested in a function is real), from tree-sitter-python's
// corpus and the strings, f-strings, numbers and match statements that
// the lexer must read as the grammar does.
func FuzzPython(f *testing.F) {
	fuzzAgainstReference(f, "github.com/tree-sitter/tree-sitter-python", Python, pythonReference,
		"s = rb'\\\\' if x else Rb\"\\\"\" # c\nt = f\"{a if b else c:#x} {{if}} {d!r:>{w}}\"\n",
		"x = \"\"\"\n\n# not\n\"\"\" + r\"\\\n\" and \"\\N{a}\" or `b`\ny = 1if a else 0x1for z in w\n",
		"match x:\n    case 1 if y:\n        case = 2\n    case [a, b]:\n        def f(): import os\ncase = 3\n",
		"def f():\n    @d\n    class C:\n        def m(self): return lambda: 1 if a else 2\n    try:\n        import x\n    except* E:\n        pass\n")
}
