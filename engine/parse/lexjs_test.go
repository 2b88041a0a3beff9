package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// jsReference, tsReference and tsxReference are JavaScript, TypeScript and
// TSX with the whole-tree queries they used before the shallow scan and the
// lexer: the oracles both are held to.
var (
	jsReference  = &Language{Name: "javascript", grammar: tsjs.Language, query: "javascript_reference.scm"}
	tsReference  = &Language{Name: "typescript", grammar: tsts.LanguageTypescript, query: "typescript_reference.scm"}
	tsxReference = &Language{Name: "tsx", grammar: tsts.LanguageTSX, query: "typescript_reference.scm"}
)

// jsTreesEnv and tsTreesEnv name more directories of JavaScript and
// TypeScript for TestJSMatchesReference and TestTSMatchesReference
// (separated by the OS's list separator).
const (
	jsTreesEnv = "HIVE_PARSE_JS_TREES"
	tsTreesEnv = "HIVE_PARSE_TS_TREES"
)

// jsSources gathers the differential test's sources for lang: a grammar
// module's examples and test corpus, this package's samples, extra files,
// and the trees named by the environment variable env.
func jsSources(t *testing.T, module string, corpus []string, lang *Language, extra []string, env string) map[string][]byte {
	t.Helper()
	sources := map[string][]byte{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sources[path] = b
	}
	mod := moduleDir(t, module)
	for _, f := range sourceFiles(t, filepath.Join(mod, "examples"), lang) {
		add(f)
	}
	for _, dir := range corpus {
		files, err := filepath.Glob(filepath.Join(mod, dir, "*.txt"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "%s's corpus under %s", module, dir)
		for _, f := range files {
			for name, src := range corpusCases(t, f) {
				sources[dir+"/"+name] = src
			}
		}
	}
	for _, f := range extra {
		add(f)
	}
	if env := os.Getenv(env); env != "" {
		for _, dir := range filepath.SplitList(env) {
			for _, f := range sourceFiles(t, dir, lang) {
				add(f)
			}
		}
	}
	return sources
}

// TestJSMatchesReference is the differential test for JavaScript: on real
// code the shallow scan and the lexer report what the whole-tree query
// reported. The code is tree-sitter-javascript's examples and test corpus
// and this package's sample; more with HIVE_PARSE_JS_TREES.
//
// On an error-free tree everything agrees, with no function nested in a
// function left out. On a tree with syntax errors only symbols are
// compared, and the shallow scan reports a subset of the reference's: a
// definition more than one level inside an error region, in a body the
// lexer did not mark, is not found.
func TestJSMatchesReference(t *testing.T) {
	sources := jsSources(t, "github.com/tree-sitter/tree-sitter-javascript", []string{"test/corpus"}, JavaScript,
		[]string{"testdata/javascript/sample.js"}, jsTreesEnv)
	c := matchReference(t, JavaScript, jsReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")
}

// TestTSMatchesReference does for TypeScript and TSX what
// TestJSMatchesReference does for JavaScript, on tree-sitter-typescript's
// examples and test corpus (as TypeScript and as TSX), this package's
// samples and the TypeScript reference subject (baselines/typescript);
// more with HIVE_PARSE_TS_TREES.
func TestTSMatchesReference(t *testing.T) {
	subject, err := filepath.Glob("../../baselines/typescript/src/*.ts")
	require.NoError(t, err)
	require.NotEmpty(t, subject, "the TypeScript reference subject's sources")
	sources := jsSources(t, "github.com/tree-sitter/tree-sitter-typescript", []string{"test/corpus"}, TypeScript,
		append(subject, "testdata/typescript/sample.ts"), tsTreesEnv)
	c := matchReference(t, TypeScript, tsReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")

	sources = jsSources(t, "github.com/tree-sitter/tree-sitter-typescript", []string{"test/corpus"}, TSX,
		[]string{"testdata/tsx/sample.tsx"}, tsTreesEnv)
	c = matchReference(t, TSX, tsxReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")
}

// TestLexJSMatchesReference checks line classes, decision points and
// symbols against the whole-tree queries, case by case, on the tokens that
// hide others in JavaScript and TypeScript.
func TestLexJSMatchesReference(t *testing.T) {
	cases := []struct {
		name     string
		lang     *Language
		src      string
		branches int // what both must count
	}{
		{"division and regular expressions", JavaScript, "var a = b / c / d; // c\nvar r = /[/]\\/*x/g.test(s) ? 1 : 2;\nvar q = (x) / 2 / (y);\n", 1},
		{"a regular expression after a control statement's paren", JavaScript, "if (x) /a|b/.test(y) && z;\nwhile (x) /c/.exec(y);\n", 3},
		{"a regular expression after a block", JavaScript, "function f() {}\n/a*b/.test(x) || y;\n", 1},
		{"nested templates hold code", JavaScript, "var t = `a ${b ? `c ${d && e} // no` : '}'} /* no */ f`;\nvar u = `\n\n  ${`x`}\n`; // c\n", 2},
		{"comment markers in strings and regular expressions", JavaScript, "var s = \"// no\", q = '/* no */', r = /\\/\\/ no/; /* yes */\n", 0},
		{"a line continued in a string", JavaScript, "var s = 'a\\\n   \\\n  b';\n", 0},
		{"JSX text and attributes are not code tokens", JavaScript, "const A = () => <div a=\"// x\" b={c ? 1 : 2}>// text, more {d && e}<br/>\n  <p>if (x)</p></div>;\n", 2},
		{"JSX fragments and nesting", JavaScript, "function F() {\n  return <>\n    {xs.map(x => <li key={x}>{x || '-'}</li>)}\n  </>;\n}\n", 1},
		{"a less-than is no JSX", JavaScript, "var a = 1 << b < c ? d : e;\nif (a < b && c > d) {}\n", 3},
		{"HTML-like comments", JavaScript, "<!-- a comment\nvar x = 1;\n--> another\nx = y-->0;\n", 0},
		{"a hash-bang line is code", JavaScript, "#!/usr/bin/env node\n// c\nvar x = a || b;\n", 1},
		{"optional chaining, nullish coalescing and logical assignment", JavaScript, "var a = b?.c ?? d?.[0];\nvar e = f?.5:1;\ng ??= h; i &&= j; k ||= l;\n", 2},
		{"keywords as property names", JavaScript, "var o = {if: 1, case: 2, for: 3};\no.if; o.while(); a?.catch(e);\nclass C { if(c) { return c; } for() {} }\n", 0},
		{"do-while counts once, catch and case count, default does not", JavaScript, "function f(x) {\n  do { x--; } while (x);\n  try { g(); } catch (e) { }\n  switch (x) { case 1: case 2: break; default: }\n  for (const k in x) {}\n  for (const v of x) {}\n}\n", 6},
		{"private names and spreads", JavaScript, "class C {\n  #a = 1;\n  #f() { return this.#a ? [...this.#b] : 0; }\n}\nvar m = {...require('x')};\n", 1},
		{"CRLF", JavaScript, "// c\r\nfunction f(a) {\r\n  if (a) {\r\n  }\r\n}\r\n", 1},
		{"no final newline", JavaScript, "var x = 1 /* end */", 0},
		{"an unclosed block comment is no comment", JavaScript, "var y = 1; /* c */\nvar x = 2 /a;\n", 0},
		{"optional parameters and members are no decisions", TypeScript, "function f(a?: number, b?, c?): void {}\ninterface I { m?(): void; x?: string; }\nclass K { p?: number; q!: string; }\nlet v = a ? b : c;\n", 1},
		{"conditional types are no decisions", TypeScript, "type T<X> = X extends string ? 1 : X extends number ? 2 : 3;\nfunction g<T>(x: T): T extends U ? V : W { return x ? y : z; }\n", 1},
		{"non-null assertions and generics", TypeScript, "let a = b! / c / d;\nlet m = new Map<string, number>();\nlet n = f<T>(x) / 2;\nlet r = <any>/x/.test(s);\n", 0},
		{"keywords as member names in interfaces and enums", TypeScript, "interface J { if?: number; for(key: string): symbol; }\nenum E { catch = 1, for = 2 }\n", 0},
		{"arrows with return types", TypeScript, "const f = (a: number): boolean => a > 1 && a < 9;\nconst g = async <T,>(x: T): Promise<T> => x;\n", 1},
		{"a nested arrow whose return type is an object type", TypeScript, "function f() {\n  const p = (k: string): {t: 'a'; i: number} | undefined => { return k ? undefined : undefined; };\n}\n", 1},
		{"TSX", TSX, "const A = (p: P) => <div>{p.a ?? <B c={p.d ? 1 : 2} />}</div>;\n", 2},
	}
	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	refs := map[*Language]*Language{JavaScript: jsReference, TypeScript: tsReference, TSX: tsxReference}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			ref, hasError := referenceAnalysis(t, ra, refs[tt.lang], src)
			require.False(t, hasError, "the case must be valid to the grammar")
			got := analyze(t, a, tt.lang, src)
			assert.Equal(t, tt.branches, ref.Complexity-ref.Functions, "the reference's decision points")
			d, nested := diffReference(got, ref, false)
			assert.Empty(t, d)
			assert.Zero(t, nested)
			assert.Equal(t, tt.branches, got.Complexity-got.Functions, "decision points")
		})
	}
}

// TestJSShallowSymbols covers where the shallow query finds definitions:
// at any depth, in the bodies the lexer marked, and not in the ones it did
// not (a callback's body holds none).
func TestJSShallowSymbols(t *testing.T) {
	src := `const fs = require("fs");
export default class extends Base { m() {} }
export const top = async (a) => {
  function local() {}
  const arrow = x => x;
  const obj = { method() {}, get g() { return 1; }, [k]() {} };
  const K = class Named { n() {} };
  if (a) { var late = function () {}; }
  return require("path");
};
describe("x", () => {
  it("y", function () { helper(() => 1); });
});
(function () {
  function inIIFE() {}
})();
function onlyArrow() {
  let inner = async () => 1;
}
`
	a := NewAnalyzer()
	defer a.Close()
	an, err := a.Analyze(JavaScript, []byte(src))
	require.NoError(t, err)
	require.Zero(t, an.SyntaxErrors)
	var got []string
	for _, s := range an.Symbols {
		got = append(got, s.Name+"/"+s.Kind+"/"+s.Parent)
	}
	assert.Equal(t, []string{"m/method/", "top/function/", "local/function/", "arrow/function/", "method/method/", "g/method/", "[k]/method/",
		"Named/class/", "n/method/Named", "late/function/", "inIIFE/function/", "onlyArrow/function/", "inner/function/"}, got)
	assert.Equal(t, []string{"fs", "path"}, an.Imports)

	var l cLex
	lexJS([]byte(src), &l)
	from, to := strings.Index(src, "describe("), strings.Index(src, "(function () {\n  function inIIFE")
	require.Positive(t, from)
	for _, m := range l.marks {
		assert.False(t, from <= int(m) && int(m) < to, "mark at %d: callbacks are no definitions, the statement needs no deep scan", m)
	}
	d, nested := diffReference(analysed{an, a.spans}, func() analysed { r, _ := referenceAnalysis(t, a, jsReference, []byte(src)); return r }(), false)
	assert.Empty(t, d)
	assert.Zero(t, nested)
}

// TestLexJSRegexLinear holds the lexer linear where many '/' in a line
// could start a regular expression that never closes ("(/[(/[..."): each
// failed scan used to walk the rest of the line again (150 KB took 20 s).
// The bound is on the bytes walked, not on time.
func TestLexJSRegexLinear(t *testing.T) {
	for _, unit := range []string{"(/[", "(/[/", "(/\\[", "x = (/a\n"} {
		src := []byte(strings.Repeat(unit, 2000))
		var out cLex
		l := &jsLexer{src: src, out: &out, jsx: true}
		l.prev = jsTok{kind: ';', start: -1}
		l.code()
		assert.LessOrEqual(t, l.regexSteps, 2*len(src), "%q: bytes walked by regular expression scans", unit)
	}
}
