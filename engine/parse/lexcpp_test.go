package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tscpp "github.com/tree-sitter/tree-sitter-cpp/bindings/go"
)

// cppReference is C++ with the whole-tree query it used before the shallow
// scan and the lexer: the oracle both are held to.
var cppReference = &Language{Name: "cpp", grammar: tscpp.Language, query: "cpp_reference.scm"}

// cppTreesEnv names more directories of C++ for TestCPPMatchesReference
// (separated by the OS's list separator), such as a Chromium checkout.
const cppTreesEnv = "HIVE_PARSE_CPP_TREES"

// TestCPPMatchesReference is the differential test: on real C++ the
// shallow scan and the lexer report what the whole-tree query reported
// (see diffReference for what may differ, and why). The code is
// tree-sitter-cpp's own examples and test corpus (from the module cache,
// where the build put it), the .cc files of GOROOT and this package's
// sample; more with HIVE_PARSE_CPP_TREES.
//
// The differences it allows, each seen on Chromium 150's sources:
//   - a "function" nested in a function body is not reported, and its
//     decision points count for the function around it: the grammar takes
//     a macro call followed by a block for a constructor definition,
//     "IPC_BEGIN_MESSAGE_MAP(Foo, msg) { ... }" inside a body, or error
//     recovery invents one; neither is a function;
//   - && and || in #if and #elif conditions are not decision points (the
//     reference analysis here leaves them out too);
//   - on a tree with syntax errors, only symbols are compared, and the
//     shallow scan reports a subset of the reference's: definitions deeper
//     than one level inside an error region or a broken function body are
//     not found.
func TestCPPMatchesReference(t *testing.T) {
	sources := map[string][]byte{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sources[path] = b
	}
	mod := moduleDir(t, "github.com/tree-sitter/tree-sitter-cpp")
	for _, f := range sourceFiles(t, filepath.Join(mod, "examples"), CPP) {
		add(f)
	}
	for _, dir := range []string{"test/corpus", "test/corpus/c"} {
		files, err := filepath.Glob(filepath.Join(mod, dir, "*.txt"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "tree-sitter-cpp's corpus under %s", dir)
		for _, f := range files {
			for name, src := range corpusCases(t, f) {
				sources[dir+"/"+name] = src
			}
		}
	}
	for _, f := range sourceFiles(t, filepath.Join(runtime.GOROOT(), "src"), CPP) {
		add(f)
	}
	// C is real code for the C++ grammar too (tree-sitter-cpp extends
	// tree-sitter-c): tree-sitter-c's examples and GOROOT's C.
	for _, f := range sourceFiles(t, filepath.Join(moduleDir(t, "github.com/tree-sitter/tree-sitter-c"), "examples"), C) {
		add(f)
	}
	for _, f := range sourceFiles(t, filepath.Join(runtime.GOROOT(), "src"), C) {
		add(f)
	}
	add("testdata/cpp/sample.cpp")
	if env := os.Getenv(cppTreesEnv); env != "" {
		for _, dir := range filepath.SplitList(env) {
			for _, f := range sourceFiles(t, dir, CPP) {
				add(f)
			}
			// A C++ tree's headers are C++ (hive parses a .h as C first,
			// then as C++ when C fails on C++ code).
			for _, f := range sourceFiles(t, dir, C) {
				if filepath.Ext(f) == ".h" {
					add(f)
				}
			}
		}
	}

	c := matchReference(t, CPP, cppReference, sources)
	require.Greater(t, c.valid, 300, "too few error-free sources to mean anything")
}

// TestLexCPPMatchesReference checks line classes and decision points
// against the whole-tree query, case by case, on what C++ lexes
// differently from C.
func TestLexCPPMatchesReference(t *testing.T) {
	cases := []lexCase{
		{"raw string with comment markers", "const char* s = R\"(// not a comment /* nor this */)\"; // but this\n", 0},
		{"raw string over lines", "auto s = R\"x(\n\n  a )\" b\n// c\n)x\";\nint y;\n", 0},
		{"raw string prefixes", "auto a = LR\"(x)\", b = u8R\"--(y)--\", c = uR\"(\")\", d = UR\"()\";\n", 0},
		{"not raw: a longer name", "#define FOOR\nauto s = FOOR\"(\" /* c */;\n", 0},
		{"rvalue references are not decisions", "void f(A&& a, B<C>&& b, auto&&... xs) { auto&& y = g(); }\nstruct S { void m() &&; };\n", 0},
		{"operator&& and operator|| are not", "struct S { bool operator&&(const S&) const; bool operator||(const S&) const; };\n", 0},
		{"folds are not", "template <class... T> bool all(T... t) { return (... && t); }\ntemplate <class... T> bool any(T... t) { return (t || ...); }\n", 0},
		{"requires clauses are not, a concept's expression is", "template <class T> requires A<T> && B<T> || C<T> void f(T);\ntemplate <class T> concept D = A<T> && B<T>;\n", 1},
		{"&& after a braced initializer is", "template <class T, typename a::b<!c<T>{} && (d<T>{} || e<T>{})>::type = 0> class X {};\n", 2},
		{"&& after a template argument list is", "bool b = std::is_same_v<A, B> && c;\nbool d = e > f && g;\n", 2},
		{"&& in a template argument is", "template <class T, class = std::enable_if_t<A<T>::value && B<T>::value>> void f();\n", 1},
		{"catch counts", "void f() try { g(); } catch (const E& e) { h(); } catch (...) {}\n", 2},
		{"do-while counts once", "void f(int a) { do { a--; } while (a > 0 && a != 3); }\n", 2},
		{"range for and if constexpr", "void f() { for (auto& x : v) { if constexpr (N > 1) {} } }\n", 2},
		{"digit separators", "int x = 1'000'000 ? 0b1010'1010 : 0x1'f; // c\n", 1},
		{"char literals with prefixes", "char16_t c = u'\\''; auto d = L'\"'; // x\n", 0},
		{"#if conditions count nothing", "#if defined(A) && (B || C)\nint x = 1 && 2;\n#endif\n", 1},
		{"lambdas count for their function", "void f() { auto g = [&](int a) { return a > 0 ? a : -a; }; if (g(1) || g(2)) {} }\n", 3},
		{"an unclosed block comment is a division", "int y = 1 /* c */;\nint x = 2 /*p && 1;\n", 1},
		{"user-defined literals", "auto s = \"a\"s + 'b'_c; auto t = 1.5_km && x;\n", 1},
	}
	checkLexCases(t, CPP, cppReference, cases)
}

// TestCPPShallowSymbols covers where the shallow C++ query looks for
// definitions: the items of the file, namespaces, extern blocks,
// templates, friend declarations, class bodies and preprocessor
// conditionals, and the function bodies the lexer marked.
func TestCPPShallowSymbols(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // name/kind/parent, in order
		imports   []string
	}{
		{"classes, methods and nested types",
			"class A {\n public:\n  void f() {}\n  struct B { int g() { return 1; } };\n  enum class E { X };\n  using T = int;\n  typedef int U;\n};\n",
			[]string{"A/class/", "f/method/A", "B/struct/", "g/method/B", "E/enum/", "T/type/", "U/type/"}, nil},
		{"namespaces, extern blocks, templates",
			"namespace n { namespace m {\ntemplate <class T> class C { T t; };\ntemplate <class T> T id(T x) { return x; }\n} }\nextern \"C\" { int h(int a) { return a; } }\nextern \"C\" int k() { return 0; }\n",
			[]string{"C/class/", "id/function/", "h/function/", "k/function/"}, nil},
		{"out-of-line methods and friends",
			"void A::f() {}\nA::A() : x_(1) {}\nstruct S { friend bool operator==(S, S) { return true; } };\n",
			[]string{"f/method/A", "A/method/A", "S/struct/", "operator==/method/S"}, nil},
		{"inside preprocessor conditionals",
			"#ifdef X\nint f() { return 0; }\n#else\nstruct P { void q(); };\n#endif\nclass K {\n#if Y\n  void m() {}\n#endif\n};\n",
			[]string{"f/function/", "P/struct/", "K/class/", "m/method/K"}, nil},
		{"a local class in a body is found, with its methods",
			"int f() {\n  struct Local { int g() { return x ? 1 : 2; } };\n  return Local().g();\n}\n",
			[]string{"f/function/", "Local/struct/", "g/method/Local"}, nil},
		{"local aliases, typedefs and includes in a body are found",
			"void f() {\n  using V = std::vector<int>;\n  typedef int I;\n#include \"body.inc\"\n}\n",
			[]string{"f/function/", "V/type/", "I/type/"}, []string{"body.inc"}},
		{"a macro block in an unmarked body is not a function",
			"void f() {\n  FOR_EACH(x) {\n    if (x) g();\n  }\n}\n",
			[]string{"f/function/"}, nil},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(CPP, []byte(tt.src))
			require.NoError(t, err)
			require.Zero(t, an.SyntaxErrors, "the case must be valid C++")
			var got []string
			for _, s := range an.Symbols {
				got = append(got, s.Name+"/"+s.Kind+"/"+s.Parent)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.imports, an.Imports)
		})
	}
}

// The one kind of difference on error-free trees, shown: the reference
// reported the macro block as a function FOR_EACH (a constructor, to the
// grammar) and counted its if there; the shallow scan reports f alone,
// with the if.
func TestCPPInventedFunctionDifference(t *testing.T) {
	src := []byte("void f() {\n  FOR_EACH(x) {\n    if (x) g();\n  }\n}\n")
	ra := NewAnalyzer()
	defer ra.Close()
	ref, hasError := referenceAnalysis(t, ra, cppReference, src)
	require.False(t, hasError)
	var refNames []string
	for _, s := range ref.Symbols {
		refNames = append(refNames, fmt.Sprintf("%s/%d", s.Name, s.Complexity))
	}
	assert.Equal(t, []string{"f/1", "FOR_EACH/2"}, refNames, "what the whole-tree query reported")
	a := NewAnalyzer()
	defer a.Close()
	got := analyze(t, a, CPP, src)
	require.Len(t, got.Symbols, 1)
	assert.Equal(t, 2, got.Symbols[0].Complexity)
	d, nested := diffReference(got, ref, false)
	assert.Empty(t, d, "the difference is the accepted kind")
	assert.Equal(t, 1, nested)
}

// A function swallowed by a broken one's body (tree-sitter's error
// recovery) is still found, as the whole-tree query found it.
func TestCPPShallowFindsSwallowedFunctions(t *testing.T) {
	src := []byte("int a()\n{\n\tFOO(x y z {\n\treturn 0;\n}\n\nint b(int n)\n{\n\treturn n;\n}\n\nclass C { void m() {} };\n")
	ra := NewAnalyzer()
	defer ra.Close()
	ref, hasError := referenceAnalysis(t, ra, cppReference, src)
	require.True(t, hasError, "the case must have a syntax error")
	a := NewAnalyzer()
	defer a.Close()
	got := analyze(t, a, CPP, src)
	names := func(an analysed) (out []string) {
		for _, s := range an.Symbols {
			out = append(out, s.Name)
		}
		return out
	}
	assert.Equal(t, names(ref), names(got))
	assert.Contains(t, names(got), "b")
	d, _ := diffReference(got, ref, true)
	assert.Empty(t, d)
}

// The marks, which decide which function bodies are scanned deep.
func TestLexCPPMarks(t *testing.T) {
	cases := []struct {
		src  string
		want []string // the marked words
	}{
		{"struct S { int x; };", []string{"struct"}},
		{"class D final : public B<int>, C { };", []string{"class"}},
		{"struct S // a comment\n{ };", []string{"struct"}},
		{"enum class E : int { A };", []string{"enum", "class"}}, // twice: no harm
		{"enum { A, B };", nil},                                  // an anonymous enum is no symbol
		{"struct s *p; enum e x = f(); auto q = static_cast<struct t *>(p); class C;", nil},
		{"typedef int I;", []string{"typedef"}},
		{"using V = int; using namespace std; using a::b; using W [[maybe_unused]] = int;", []string{"using"}},
		{"#include <vector>\n", []string{"include"}},
		{"// struct S {\n/* class C { */ auto s = \"union U {\"; auto r = R\"(enum E {)\";", nil},
		{"#define S struct s {\n", nil},
	}
	for _, tt := range cases {
		var l cLex
		lexCPP([]byte(tt.src), &l)
		var got []string
		for _, m := range l.marks {
			end := int(m)
			for end < len(tt.src) && isIdentByte(tt.src[end]) {
				end++
			}
			got = append(got, tt.src[m:end])
		}
		assert.Equal(t, tt.want, got, "%q", tt.src)
	}
}

// operatorOps keeps exactly the operators of binary expressions, whatever
// else the tree puts at the offsets it is given.
func TestBinaryOps(t *testing.T) {
	src := "bool f(A&& a) { return a && b || (c && d); }\n#if X && Y\n#endif\nauto s = \"&&\";\n"
	tree, c := parseTree(t, CPP, []byte(src))
	var offs []uint32
	for i := 0; i+1 < len(src); i++ {
		if (src[i] == '&' || src[i] == '|') && src[i+1] == src[i] {
			offs = append(offs, uint32(i))
			i++
		}
	}
	require.Len(t, offs, 6)
	got := operatorOps(tree.RootNode(), offs, c.kindBinary, 0, 2)
	var ops []string
	for _, o := range got {
		ops = append(ops, src[o:o+2]+"@"+fmt.Sprint(strings.Count(src[:o], "\n")+1))
	}
	// A&&, the string's && are not binary; the #if condition is (the
	// lexer leaves directives out before asking).
	assert.Equal(t, []string{"&&@1", "||@1", "&&@1", "&&@2"}, ops)
}
