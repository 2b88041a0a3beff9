package parse

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ts "github.com/tree-sitter/go-tree-sitter"
	tsc "github.com/tree-sitter/tree-sitter-c/bindings/go"
)

// cReference is C with the whole-tree query it used before the lexer: the
// oracle the lexer is held to.
var cReference = &Language{Name: "c", grammar: tsc.Language, query: "c_reference.scm"}

// referenceC classifies src's lines from the reference query's comment
// nodes and counts its decision points, leaving out those on preprocessor
// lines (the query counts the && and || of #if conditions; the lexer, by
// design, does not). ok is false when the tree has a syntax error, or uses
// a keyword as a name: then the two may disagree, and neither is the truth.
func referenceC(t testing.TB, src []byte) (l cLex, ok bool) {
	t.Helper()
	tree, c := parseTree(t, cReference, src)
	if tree.RootNode().HasError() {
		return l, false
	}
	// tree-sitter-c accepts some invalid C without an error, taking a
	// keyword for a name ("A case {}" is a function named case): then the
	// lexer's keywords are not the tree's.
	kw, qerr := ts.NewQuery(c.lang, `([(identifier) (type_identifier) (field_identifier) (statement_identifier)] @id
		(#match? @id "^(if|for|while|do|case|default|switch|else|return|goto|sizeof|break|continue)$"))`)
	require.Nil(t, qerr)
	defer kw.Close()
	kc := ts.NewQueryCursor()
	defer kc.Close()
	if km := kc.Matches(kw, tree.RootNode(), src); km.Next() != nil {
		return l, false
	}
	cur := ts.NewQueryCursor()
	defer cur.Close()
	var comments []span
	m := cur.Matches(c.query, tree.RootNode(), src)
	for x := m.Next(); x != nil; x = m.Next() {
		for _, cp := range x.Captures {
			switch c.roles[cp.Index] {
			case roleComment:
				comments = append(comments, span{uint32(cp.Node.StartByte()), uint32(cp.Node.EndByte())})
			case roleBranch:
				if !onDirectiveLine(src, int(cp.Node.StartByte())) {
					l.branches = append(l.branches, uint32(cp.Node.StartByte()))
				}
			}
		}
	}
	l.lines, l.code, l.comments, l.blanks = classifyLines(src, comments)
	return l, true
}

// onDirectiveLine reports whether offset i is on a preprocessor line,
// following backslash continuations back to the line's start.
func onDirectiveLine(src []byte, i int) bool {
	start := i
	for start > 0 {
		j := start - 1
		for j >= 0 && src[j] != '\n' {
			j--
		}
		if j < 0 {
			start = 0
			break
		}
		start = j + 1
		k := j - 1
		if k >= 0 && src[k] == '\r' {
			k--
		}
		if k < 0 || src[k] != '\\' {
			break
		}
		start = k // continued from the line before
	}
	for start < len(src) && isBlank(src[start]) {
		start++
	}
	return start < len(src) && src[start] == '#'
}

func lex(src string) cLex {
	var l cLex
	lexC([]byte(src), &l)
	return l
}

// TestLexCMatchesReferenceQuery checks line classes and decision points
// against the whole-tree query on error-free C, case by case.
func TestLexCMatchesReferenceQuery(t *testing.T) {
	sample, err := os.ReadFile("testdata/c/sample.c")
	require.NoError(t, err)
	cases := []struct{ name, src string }{
		{"golden sample", string(sample)},
		{"comment markers in strings", "char *s = \"/* not a comment */ // nor this\";\nint x; // but this\n"},
		{"quote in a char literal", "char c = '\"'; /* c */\nchar d = '\\''; // d\n"},
		{"line comment continued", "int a; // one \\\n two\nint b;\n"},
		{"block comment over lines", "/*\n * a\n\n */\nint x;\n   /* x */   \n"},
		{"code after a block comment", "/* a */ int x;\n/* b\n */ int y;\n"},
		{"string continued", "char *s = \"a\\\nb\";\n"},
		{"include path with slashes", "#include <linux//x.h>\n#include \"a/*b*/\"\nint x;\n"},
		{"branches", "int f(int a, int b) {\n\tif (a && b || !a) return a ? 1 : 2;\n\tfor (;;) { while (a--) {} }\n\tdo { a++; } while (a < 3);\n\tswitch (a) { case 1: case 2: break; default: break; }\n\treturn 0;\n}\n"},
		{"postfix before &&", "int f(int n, int *p) { while (n-- && *p) p++; return n++ && 1; }\n"},
		{"an unclosed block comment is a division", "int y = 1 /* c */;\nint x = 2 /*p && 1;\n"},
		{"label addresses are not branches", "void f(void) { static void *t[] = { &&a, &&b }; a: b: return; }\n"},
		{"macros and #if conditions count nothing", "#if defined(A) && (B || C)\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n#define LOOP \\\n\tfor (;;) if (x) break\n#endif\nint x = 1 && 2;\n"},
		{"digit separators", "int x = 1'000'000; // c\nint y = 0x1'0 ? 1 : 0;\n"},
		{"keywords inside identifiers", "int if_x, for_y, while_z, xcase;\nint f(void) { return if_x; }\n"},
		{"no final newline", "int x; /* end */"},
		{"CRLF", "int x;\r\n// c\r\n\r\nint f(void) { return x ? 1 : 0; }\r\n"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			want, ok := referenceC(t, []byte(tt.src))
			require.True(t, ok, "the case must be valid C")
			got := lex(tt.src)
			assert.Equal(t, [4]int{want.lines, want.code, want.comments, want.blanks}, [4]int{got.lines, got.code, got.comments, got.blanks}, "lines, code, comments, blanks")
			assert.Equal(t, len(want.branches), len(got.branches), "decision points")
		})
	}
}

func TestLexCDecisions(t *testing.T) {
	cases := []struct {
		src  string
		want int
	}{
		{"x = a && b;", 1},
		{"x = &&label;", 0},
		{"return &&label;", 0},
		{"x = f(a) && g[b] || c;", 2},
		{"x = a ?: b;", 1},
		{"do { } while (x);", 1}, // once, at the while
		{"#if A && B\n#endif\n", 0},
		{"#define F(x) if (x) y\n", 0},
		{"s = \"if (a && b)\"; c = '?';", 0},
		{"/* if (a) */ // for (;;)\n", 0},
	}
	for _, tt := range cases {
		assert.Equal(t, tt.want, len(lex(tt.src).branches), "%q", tt.src)
	}
}

func TestLexCCPPHint(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"namespace foo { }", true},
		{"template <typename T> T f();", true},
		{"class A { public: int x; };", true},
		{"std::string s;", true},
		{"virtual void f();", true},
		{"int class, public, template; struct device_class *namespace;", false},
		{"asm volatile(\"nop\" ::: \"memory\");", false},
		{"asm volatile(\"\" : : \"r\"(x) :: \"memory\");", false},
		{"/* std::string */ // namespace x {\nchar *s = \"a::b\";", false},
		{"#define X std::y\n", false},
	}
	for _, tt := range cases {
		assert.Equal(t, tt.want, lex(tt.src).cpp, "%q", tt.src)
	}
}

// TestCShallowSymbols covers where the shallow C query looks for
// definitions, and where it does not.
func TestCShallowSymbols(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // name/kind, in order
	}{
		{"nested types, named or inside anonymous ones",
			"struct a {\n struct b { int c; } d;\n union { struct e { int f; } g; } h;\n};\n",
			[]string{"a/struct", "b/struct", "e/struct"}},
		{"typedefs and declarations",
			"typedef struct s { int x; } s_t;\nstatic struct t { int y; } tv;\nenum color { RED };\ntypedef union { int i; } u_t;\n",
			[]string{"s_t/type", "s/struct", "t/struct", "color/enum", "u_t/type"}},
		{"inside preprocessor conditionals",
			"#ifndef G\n#define G\n#ifdef X\nint f(void) { return 0; }\n#elif Y\nstruct p { int q; };\n#else\nint g(void) { return 1; }\n#endif\n#endif\n",
			[]string{"f/function", "p/struct", "g/function"}},
		{"extern block",
			"extern \"C\" {\nint h(int a) { return a; }\n}\n",
			[]string{"h/function"}},
		{"a local type is not a symbol",
			"int f(void) {\n struct local { int x; } l;\n return 0;\n}\n",
			[]string{"f/function"}},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(C, []byte(tt.src))
			require.NoError(t, err)
			var got []string
			for _, s := range an.Symbols {
				got = append(got, s.Name+"/"+s.Kind)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// A function swallowed by a broken one's body (tree-sitter's error
// recovery) is still found, like the whole-tree query found it.
func TestCShallowFindsSwallowedFunctions(t *testing.T) {
	src := []byte("static int a(void)\n{\n\tFOO(x y z {\n\treturn 0;\n}\n\nstatic int b(int n)\n{\n\treturn n;\n}\n\nstatic int c(void)\n{\n\treturn 2;\n}\n")
	ref, err := NewAnalyzer().Analyze(cReference, src)
	require.NoError(t, err)
	got, err := NewAnalyzer().Analyze(C, src)
	require.NoError(t, err)
	require.Positive(t, got.SyntaxErrors, "the case must have a syntax error")
	names := func(an Analysis) (out []string) {
		for _, s := range an.Symbols {
			out = append(out, s.Name)
		}
		return out
	}
	assert.Equal(t, names(ref), names(got))
	assert.Contains(t, names(got), "c")
}
