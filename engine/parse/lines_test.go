package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLineClasses(t *testing.T) {
	tests := []struct {
		name                         string
		lang                         *Language
		src                          string
		lines, code, comments, blank int
	}{
		{"empty", Go, "", 0, 0, 0, 0},
		{"one line without newline", Go, "package a", 1, 1, 0, 0},
		{"blank lines with spaces and CRLF", Go, "package a\r\n\r\n   \t\n", 3, 1, 0, 2},
		{"trailing comment is code", Go, "package a // pkg\n", 1, 1, 0, 0},
		{"comment lines", Go, "// a\n// b\npackage a\n", 3, 1, 2, 0},
		{"block comment lines, blank inside is blank", Go, "/*\n x\n\n*/\npackage a\n", 5, 1, 3, 1},
		{"code after a block comment on the same line", Go, "/* c */ package a\n", 1, 1, 0, 0},
		{"comment marker inside a string is code", Go, "package a\nvar s = \"// not a comment\"\n", 2, 2, 0, 0},
		{"python hash comments, docstring is code", Python, "# c\n\"\"\"doc\"\"\"\nx = 1  # c\n", 3, 2, 1, 0},
		{"rust doc and block comments", Rust, "/// doc\n/* a\n b */\nfn f() {}\n", 4, 1, 3, 0},
		{"java block comment", Java, "/** A. */\nclass A {}\n", 2, 1, 1, 0},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(tt.lang, []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, []int{tt.lines, tt.code, tt.comments, tt.blank}, []int{an.Lines, an.Code, an.Comments, an.Blanks})
		})
	}
}

func TestSyntaxErrorsAndComplexity(t *testing.T) {
	tests := []struct {
		name       string
		lang       *Language
		src        string
		errors     bool
		complexity int
	}{
		{"valid go", Go, "package a\nfunc f(x int) int { if x > 0 && x < 9 { return 1 }; return 0 }\n", false, 3},
		{"top-level python branches count for the file", Python, "if a:\n    pass\nelif b:\n    pass\n", false, 2},
		{"unbalanced C braces", C, "int main(void) {\n  if (x) {\n    return 1;\n", true, -1},
		{"missing go brace", Go, "package a\nfunc f() {\n", true, -1},
		{"garbage", JavaScript, ")))(((;;;}}}{{{", true, -1},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(tt.lang, []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, tt.errors, an.SyntaxErrors > 0, "syntax errors: %d", an.SyntaxErrors)
			if tt.complexity >= 0 {
				assert.Equal(t, tt.complexity, an.Complexity)
			}
		})
	}
}

func TestSymbolDetails(t *testing.T) {
	tests := []struct {
		name string
		lang *Language
		src  string
		want []Symbol
	}{
		{"go generic pointer receiver", Go, "package a\nfunc (s *Set[K, V]) Add(k K) {}\n",
			[]Symbol{{Name: "Add", Kind: "method", Parent: "Set", StartLine: 2, EndLine: 2, Complexity: 1}}},
		{"c function returning a pointer", C, "char **names(void)\n{\n  return 0;\n}\n",
			[]Symbol{{Name: "names", Kind: "function", StartLine: 1, EndLine: 4, Complexity: 1}}},
		{"c++ nested qualified method", CPP, "void a::B::run() {}\n",
			[]Symbol{{Name: "run", Kind: "method", Parent: "a::B", StartLine: 1, EndLine: 1, Complexity: 1}}},
		{"c++ destructor out of line", CPP, "Foo::~Foo() {}\n",
			[]Symbol{{Name: "~Foo", Kind: "method", Parent: "Foo", StartLine: 1, EndLine: 1, Complexity: 1}}},
		{"js function nested in a method is not a method", JavaScript, "class A {\n  m() {\n    function inner() {}\n  }\n}\n",
			[]Symbol{
				{Name: "A", Kind: "class", StartLine: 1, EndLine: 5},
				{Name: "m", Kind: "method", Parent: "A", StartLine: 2, EndLine: 4, Complexity: 1},
				{Name: "inner", Kind: "function", StartLine: 3, EndLine: 3, Complexity: 1},
			}},
		{"rust impl of a reference type", Rust, "impl<'a> Foo for &'a Bar {\n    fn f(&self) {}\n}\n",
			[]Symbol{{Name: "f", Kind: "method", Parent: "Bar", StartLine: 2, EndLine: 2, Complexity: 1}}},
		{"python nested class method", Python, "class A:\n    class B:\n        def f(self):\n            pass\n",
			[]Symbol{
				{Name: "A", Kind: "class", StartLine: 1, EndLine: 4},
				{Name: "B", Kind: "class", StartLine: 2, EndLine: 4},
				{Name: "f", Kind: "method", Parent: "B", StartLine: 3, EndLine: 4, Complexity: 1},
			}},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(tt.lang, []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, tt.want, an.Symbols)
		})
	}
}

func TestImportPaths(t *testing.T) {
	tests := []struct {
		lang *Language
		src  string
		want []string
	}{
		{Go, "package a\nimport (\n  \"fmt\"\n  x `net/http`\n)\n", []string{"fmt", "net/http"}},
		{C, "#include <stdio.h>\n#include \"a/b.h\"\n", []string{"stdio.h", "a/b.h"}},
		{Python, "import importlib\nimport a.b as c\nfrom . import d\nfrom x.y import z\n", []string{"importlib", "a.b", ".", "x.y"}},
		{Java, "import static java.lang.Math.max;\nimport java.util.*;\nclass A {}\n", []string{"java.lang.Math.max", "java.util.*"}},
		{JavaScript, "import a from 'a';\nexport * from \"b\";\nconst c = require('c');\nrequire(x);\n", []string{"a", "b", "c"}},
		{TypeScript, "import fs = require(\"fs\");\n", []string{"fs"}},
		{Rust, "use std::io;\nextern crate serde;\n", []string{"std::io", "serde"}},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range tests {
		t.Run(tt.lang.Name, func(t *testing.T) {
			an, err := a.Analyze(tt.lang, []byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, tt.want, an.Imports)
		})
	}
}
