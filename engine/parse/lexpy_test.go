package parse

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// pythonReference is Python with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var pythonReference = &Language{Name: "python", grammar: tspython.Language, query: "python_reference.scm"}

// pythonTreesEnv names more directories of Python for
// TestPythonMatchesReference (separated by the OS's list separator), such
// as Chromium's sources.
const pythonTreesEnv = "HIVE_PARSE_PYTHON_TREES"

// pythonStdlibs are CPython standard libraries the test reads when they are
// there (Debian's python3.11 puts its own here).
var pythonStdlibs = []string{"/usr/lib/python3.11", "/usr/lib/python3.12", "/usr/lib/python3.13"}

// TestPythonMatchesReference is the differential test for Python: on real
// Python the shallow scan and the lexer report what the whole-tree query
// reported. The code is tree-sitter-python's examples and test corpus, the
// Python of the other grammar modules this one requires (their bindings)
// and of GOROOT, this package's sample, a CPython standard library where
// one is installed; more with HIVE_PARSE_PYTHON_TREES.
//
// On an error-free tree nothing may differ: unlike C++'s, Python's nested
// functions are real (closures, decorators, local classes), so every one
// must be reported (tally.nested must be 0), with the whole-tree query's
// complexity.
//
// On a tree with syntax errors only the symbols are compared, and the
// shallow scan's are a subset of the reference's: a definition is found
// only where the lexer marked the blocks around it or error recovery left
// an ERROR node or a has-error flag on the way, and the lexer's tokens may
// not be the tree's (an unterminated string is text to the lexer up to
// the line's end, where the tree may resume code). Over Chromium's Python
// and CPython 3.11's library the broken files agree anyway.
func TestPythonMatchesReference(t *testing.T) {
	sources := map[string][]byte{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sources[path] = b
	}
	mod := moduleDir(t, "github.com/tree-sitter/tree-sitter-python")
	for _, f := range sourceFiles(t, filepath.Join(mod, "examples"), Python) {
		add(f)
	}
	corpus, err := filepath.Glob(filepath.Join(mod, "test", "corpus", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, corpus, "tree-sitter-python's corpus")
	for _, f := range corpus {
		for name, src := range corpusCases(t, f) {
			sources["corpus/"+name] = src
		}
	}
	for _, m := range []string{"c", "cpp", "go", "java", "javascript", "python", "rust", "typescript"} {
		for _, f := range sourceFiles(t, filepath.Join(moduleDir(t, "github.com/tree-sitter/tree-sitter-"+m), "bindings"), Python) {
			add(f)
		}
	}
	for _, f := range sourceFiles(t, runtime.GOROOT(), Python) {
		add(f)
	}
	add("testdata/python/sample.py")
	for _, dir := range pythonStdlibs {
		if _, err := os.Stat(dir); err == nil {
			for _, f := range sourceFiles(t, dir, Python) {
				add(f)
			}
		}
	}
	if env := os.Getenv(pythonTreesEnv); env != "" {
		for _, dir := range filepath.SplitList(env) {
			for _, f := range sourceFiles(t, dir, Python) {
				add(f)
			}
		}
	}

	c := matchReference(t, Python, pythonReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")
}

// TestLexPythonMatchesReference checks line classes and decision points
// against the whole-tree query, case by case, on the tokens that hide
// others and the decision points the tokens alone do not tell.
func TestLexPythonMatchesReference(t *testing.T) {
	cases := []lexCase{
		{"comment markers in strings", "s = \"# not a comment\"  # but this\nt = '#'\n# c\n", 0},
		{"triple-quoted strings over lines", "s = \"\"\"\n\n  if a and b:  # not code\n\"\"\"\nt = '''x\n''' if c else ''\n", 1},
		{"docstrings are code", "def f():\n    \"\"\"Doc.\n\n    More.\n    \"\"\"\n    return 1\n", 0},
		{"a triple-quoted string ends at its first three quotes", "s = \"\"\"a\"\"\"\"b\" if x else 1\n", 1},
		{"prefixes in any case and order", "a = rb'\\\\' if x else Rb\"\\\"\"\nb = BR'#' + u'#' + U\"#\" + F'{x}' + fR\"{y}\\\" # c\"\n", 1},
		{"a raw string steps over an escaped quote", "s = r\"\\\"# not a comment\" if a else r'\\\\'\n", 1},
		{"escapes", "s = \"\\\"#\\\\\" + '\\'#' + \"\\x41\\u00e9\\N{DASH} # no\\777\\q\" or 1\n", 1},
		{"an escaped line break goes on in a string", "s = \"a\\\n# not a comment\" or 1\n", 1},
		{"a raw string goes on after a backslash and a line break", "s = r\"a\\\nb # not a comment\" or 1\n", 1},
		{"a line break right after the quote is the string's", "s = \"\n# not a comment\" or 1\n", 1},
		{"where a single-quoted string breaks off, tree-sitter's lexer may find a comment or an interpolation", "x = \"#00\n#0\" or \"\\t  # c\n\" or \"  \n  # d\n  e\"\ny = \"{a if b else c}\n\"\n", 3},
		{"a backslash and a NUL are a line continuation", "x = \"\\\x00\"or r\"\\\x00\" or \\\x00 1\n", 2},
		{"\\N{...} runs to its brace", "s = \"\\N{a\nif b}\" or 1\n", 1},
		{"line continuation", "x = 1 + \\\n    2 if a else 3\n", 1},
		{"backquotes are strings", "x = `# not a comment` or `a if b else c`\n", 1},
		{"f-string interpolations are code", "s = f\"{a if b else c} {'x' if d and e else \"y\"}\"\n", 3},
		{"doubled braces are text", "s = f\"{{if a and b}}\" + f'}}{{'\n", 0},
		{"format specifiers are text", "s = f\"{x:#x} {y:{w if a else 1}.{p}} {z!r:>10} {q=}\"  # c\n", 1},
		{"a walrus follows a name, else ':' starts a format specifier", "s = f\"{a:=1 if b else 2} {c, d:=e or f} {g.h:=if or} {1:=and} {(i):=or}\"\n", 2},
		{"a format specifier goes on after an interpolation in it", "s = f\"{x:{w}\"#{y if a else b}}\" if c else 1\nt = f\"{x:{w}{{y if a else b}}}\"\n", 3},
		{"a format specifier may hold words", "s = f\"{x:if and or}\"\n", 0},
		{"lambdas and walruses in interpolations", "s = f\"{(lambda: 1 if a else 2)()} {(y:=3)} {d[1:2]} { {'k': v or w}['k'] }\"\n", 2},
		{"interpolations over lines", "s = f\"\"\"{\n    a  # a comment in code\n    if b else c\n}\"\"\"\nt = f\"{a and\n b}\"\n", 2},
		{"nested f-strings", "s = f\"{f'{a if b else c}' if d else f\"{e or g}\"}\"\n", 3},
		{"numbers end where the grammar says", "a = 1if x else 2\nb = [0x1for y in z]\nc = 1_000and d\ne = 1.5jif f else 1e5if g else .5if h else 2\n", 6},
		{"blanks that are not ASCII", "\ufeffimport os\nx = 1\u200bif a else 2\u2060or 3\n", 2},
		{"statements", "for a in b:\n    while c:\n        if d:\n            pass\n        elif e:\n            pass\n        else:\n            pass\nelse:\n    pass\ntry:\n    pass\nexcept E:\n    pass\nexcept:\n    pass\n", 6},
		{"except groups", "try:\n    pass\nexcept* ValueError:\n    pass\nexcept* (TypeError, KeyError):\n    pass\n", 2},
		{"comprehensions", "x = [a for a in b if a for c in a if c] + {k: v for k, v in d} + list(e for e in f)\n", 6},
		{"match and case", "match x:\n    case 1 if y:\n        case = 2\n    case [a, b]:\n        match = a\n    case _:\n        pass\ncase = 3\nmatch = 4\nmatch(case)\n", 4},
		{"nested matches", "def f(x):\n    match x:\n        case {'a': y}:\n            match y:\n                case 1 | 2:\n                    pass\n                case str():\n                    pass\n        case (a, b):  # c\n            pass\n    case = 1\n    return case\n", 4},
		{"a match line that is not a statement", "match(a)\nmatch[b]: int = 1\nmatch = {'case': 1}\ncase: int = 2\n", 0},
		{"annotated assignments over lines (tree-sitter skips a line break where no statement may end)", "match :\n case\nmatch ,:\n case\nmatch[x]:\n    case[1]\n", 0},
		{"an empty match block", "match x:\ncase = 1\n", 0},
		{"Python 2", "print \"a\" if x else \"b\"\nexec code in ns\nprint >>f, `x`\n", 1},
		{"CRLF", "# c\r\ndef f(a):\r\n    if a:\r\n        return \"\"\"\r\n\r\n\"\"\"\r\n", 1},
		{"no final newline", "x = 1 if a else 2  # end", 1},
		{"soft keywords as names", "type = 1\nprint(type)\nx.case = y.match\n", 0},
	}
	checkLexCases(t, Python, pythonReference, cases)
}

// TestPythonShallowSymbols covers where the shallow Python query finds
// symbols and imports: at every depth, but only by way of the blocks and
// compound statements the lexer marked.
func TestPythonShallowSymbols(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // name/kind/parent, in order
		imports   []string
	}{
		{"methods, nested classes, decorators",
			"class A(B):\n    x = 1\n\n    @property\n    def f(self):\n        return 1\n\n    class C:\n        async def g(self): pass\n",
			[]string{"A/class/", "f/method/A", "C/class/", "g/method/C"}, nil},
		{"closures and local classes at any depth",
			"def deco(fn):\n    @functools.wraps(fn)\n    def wrapper(*a):\n        if a:\n            class Local:\n                def m(self):\n                    def inner(): return a\n        return fn(*a)\n    return wrapper\n",
			[]string{"deco/function/", "wrapper/function/", "Local/class/", "m/method/Local", "inner/function/"}, nil},
		{"module-level compound statements",
			"try:\n    import json\nexcept ImportError:\n    json = None\nelse:\n    from a.b import c as d\nfinally:\n    pass\nif TYPE_CHECKING:\n    from typing import List\nelif X:\n    def f(): pass\nelse:\n    class K: pass\nwith open(p) as fh:\n    import csv\nfor x in y:\n    import os.path, sys as system\nelse:\n    from . import z\nwhile w:\n    from ..m import (n, o)\nif __name__ == '__main__':\n    def main(): pass\n",
			[]string{"f/function/", "K/class/", "main/function/"}, []string{"json", "a.b", "typing", "csv", "os.path", "sys", ".", "..m"}},
		{"lazy imports in function bodies",
			"def f():\n    import re\n    try:\n        from x import y\n    except* E:\n        from z import w\n    match v:\n        case 1:\n            import q\n            def local(): pass\n",
			[]string{"f/function/", "local/function/"}, []string{"re", "x", "z", "q"}},
		{"an inline suite", "def f(): import os\nclass C: import sys\n",
			[]string{"f/function/", "C/class/"}, []string{"os", "sys"}},
		{"marks in strings and comments find nothing new",
			"def f():\n    s = \"def g(): import h\"  # class K\n    return s\n",
			[]string{"f/function/"}, nil},
		{"a future import is no import", "from __future__ import annotations\nimport os\n", nil, []string{"os"}},
	}
	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			got := analyze(t, a, Python, src)
			require.Zero(t, got.SyntaxErrors, "the case must parse without errors")
			var names []string
			for _, s := range got.Symbols {
				names = append(names, s.Name+"/"+s.Kind+"/"+s.Parent)
			}
			assert.Equal(t, tt.want, names)
			assert.Equal(t, tt.imports, got.Imports)
			ref, _ := referenceAnalysis(t, ra, pythonReference, src)
			d, nested := diffReference(got, ref, false)
			assert.Empty(t, d)
			assert.Zero(t, nested)
		})
	}
}

// The marks, which decide which blocks the query scans.
func TestLexPythonMarks(t *testing.T) {
	cases := []struct {
		src  string
		want []string // the marked words
	}{
		{"def f(): pass\nasync def g(): pass\nclass C: pass\n", []string{"def", "def", "class"}},
		{"import a\nfrom b import c\nfrom __future__ import d\n", []string{"import", "import", "import"}},
		{"# def f\ns = 'class C' + \"\"\"\nimport x\n\"\"\" + f\"{y:def}\"\n", nil},
		{"importlib.x; define = classify = 1; x.__class__\n", nil},
	}
	for _, tt := range cases {
		var l cLex
		lexPython([]byte(tt.src), &l)
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
