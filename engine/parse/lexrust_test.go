package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
)

// rustReference is Rust with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var rustReference = &Language{Name: "rust", grammar: tsrust.Language, query: "rust_reference.scm"}

// rustTreesEnv names more directories of Rust for TestRustMatchesReference
// (separated by the OS's list separator), such as Chromium's
// third_party/rust.
const rustTreesEnv = "HIVE_PARSE_RUST_TREES"

// rustGrammarModules are the grammar modules this one requires; each has a
// little Rust (its bindings/rust), and tree-sitter-rust its examples.
var rustGrammarModules = []string{
	"github.com/tree-sitter/tree-sitter-rust", "github.com/tree-sitter/tree-sitter-c",
	"github.com/tree-sitter/tree-sitter-cpp", "github.com/tree-sitter/tree-sitter-go",
	"github.com/tree-sitter/tree-sitter-java", "github.com/tree-sitter/tree-sitter-javascript",
	"github.com/tree-sitter/tree-sitter-python", "github.com/tree-sitter/tree-sitter-typescript",
}

// TestRustMatchesReference is the differential test for Rust: on real Rust
// the shallow scan and the lexer report what the whole-tree query
// reported. The code is tree-sitter-rust's examples and test corpus, the
// Rust bindings of the grammar modules in the module cache and this
// package's sample; more with HIVE_PARSE_RUST_TREES.
//
// Unlike C++ and Go, nothing may differ on an error-free tree: a function
// nested in a function is a real one in Rust (a helper fn in a body, a
// method of an impl inside a function), and the shallow scan reports it,
// so the test requires that no nested function goes missing. On a tree
// with syntax errors only symbols are compared, and the shallow scan
// reports a subset of the reference's: it does not look for definitions
// inside a broken function body deeper than one level unless the lexer
// marked one (a "fn" inside a macro the grammar could not parse, such as
// the old try!(...), is in a token tree to the lexer).
func TestRustMatchesReference(t *testing.T) {
	sources := map[string][]byte{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sources[path] = b
	}
	mod := moduleDir(t, "github.com/tree-sitter/tree-sitter-rust")
	files, err := filepath.Glob(filepath.Join(mod, "test", "corpus", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "tree-sitter-rust's corpus")
	for _, f := range files {
		for name, src := range corpusCases(t, f) {
			sources["corpus/"+name] = src
		}
	}
	for _, m := range rustGrammarModules {
		for _, f := range sourceFiles(t, moduleDir(t, m), Rust) {
			add(f)
		}
	}
	add("testdata/rust/sample.rs")
	if env := os.Getenv(rustTreesEnv); env != "" {
		for _, dir := range filepath.SplitList(env) {
			for _, f := range sourceFiles(t, dir, Rust) {
				add(f)
			}
		}
	}

	c := matchReference(t, Rust, rustReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")
}

// TestLexRustMatchesReference checks line classes and decision points
// against the whole-tree query, case by case, on the tokens that hide
// others and the ones only the tree can decide.
func TestLexRustMatchesReference(t *testing.T) {
	cases := []lexCase{
		{"doc comments", "//! crate doc\n/// item doc\n//// not doc\nfn f() {} // trailing\n", 0},
		{"nested block comments", "/* a /* b */ if x && y { } */\nfn f() {}\n/* /* */ */ /**/ /***/ /*!*/\n", 0},
		{"a slash before a star opens nothing after a slash", "/* a //* b */\nfn f() {}\n", 0},
		{"block comment lines", "fn f() {\n    /*\n\n     * a\n     */\n    g(); /* b */\n}\n", 0},
		{"comment markers in strings", "fn f() { let s = \"/* no */ // no if\"; let b = b\"//\"; let c = c\"/*\"; } // yes\n", 0},
		{"escapes in strings", "fn f() { let s = \"a\\\"// if\\\\\"; let t = \"\\\n  // no\n\"; }\n", 0},
		{"strings over lines", "fn f() {\n    let s = \"\n\n   if a && b\n\";\n}\n", 0},
		{"raw strings", "fn f() { let a = r\"\\\"; let e = r\"if x {} //\"; let b = r#\"\"// \"#; let c = br##\"\"# \"##; let d = cr\"/*\"; }\n", 0},
		{"raw identifiers", "fn r#if(r#for: u8) -> bool { r#while && r#match }\n", 1},
		{"char literals", "fn f() { let a = ['\"', '\\'', '\\\\', '\\n', '\\x7f', '\\u{1F600}', 'é', b'\"', '/']; } // c\n", 0},
		{"lifetimes and labels are not chars", "fn f<'a>(x: &'a str) -> &'static str { 'outer: for c in x.chars() { if c == '\\'' { break 'outer; } } \"\" }\n", 2},
		{"a shebang", "#!/usr/bin/env run-cargo-script // not a comment\nfn f() { if a {} }\n", 1},
		{"an inner attribute is no shebang", "#![allow(unused)] // c\nfn f() {}\n", 0},
		{"decisions", "fn f(x: Option<u8>, v: &[u8]) -> u8 {\n    if let Some(y) = x { return y; } else if v.is_empty() { return 0; }\n    while let Some(z) = it.next() { if z > 0 || z < 9 { continue; } }\n    for a in v { loop { break; } }\n    match x { Some(1) | Some(2) => 1, Some(_) if v.len() > 2 => 2, _ => 3 }\n}\n", 9},
		{"? and loop are not decisions", "fn f() -> Result<(), E> { loop { g()?; break; } Ok(()) }\n", 0},
		{"a match guard is no if", "fn f(x: S) { match x { S { a, .. } if a && b => {} S { .. } if c => {} _ => {} } }\n", 4},
		{"an if after a block is", "fn f() { if a {} if b {} for x in y {} if c {} unsafe {} if d {} }\n", 5},
		{"let chains are not binary", "fn f() { if let Some(x) = a && b && let Ok(y) = c {} while let Some(z) = d && e || g {} }\n", 3},
		{"references and closures are not binary", "fn f(a: &&u8) -> bool { let g = || true; let h = move || &&x; let b = &&a; g() || h() && **b }\n", 2},
		{"impl's for is no loop", "impl<T> Tr for Vec<T> {}\nimpl<'a, T: Tr<'a>> X<T> for Y<Z<T>> where for<'b> T: Fn(&'b u8) {}\nfn f(g: Box<dyn for<'a> Fn(&'a u8)>) { for x in 0..3 {} }\n", 1},
		{"macro bodies are token trees", "fn f() { println!(\"{}\", if a && b { 1 } else { 2 }); assert!(x || y); vec![for_each]; m! { fn g() { if a {} } } }\n", 0},
		{"macro_rules bodies are token trees", "macro_rules! m { ($x:expr) => { if $x && true { 1 } else { 2 } }; () => {}; }\nfn f() { if a != b {} }\n", 1},
		{"attributes are not macros, their arguments token trees", "#[cfg(all(unix, not(target_os = \"if\")))]\n#[doc = \"x\"]\nfn f() { #[allow(unused)] if a {} }\n", 1},
		{"an attribute's value is code", "#[doc = concat!(\"a\", \"b\")]\n#[path = \"x\"]\nfn f() {}\n", 0},
		{"a closure in a condition", "fn f() { if v.iter().any(|x| x > &0 && *x < 9) { } }\n", 2},
		{"numbers", "fn f() { let a = 1.max(2) + 1..2 + 1.5e3 + 0x1F_u8 + 1_000; let b = 1. ; let c = t.0.1; }\n", 0},
		{"no final newline", "fn f() { if a {} } /* end */", 1},
		{"CRLF", "// c\r\nfn f(a: bool) {\r\n\tif a {\r\n\t}\r\n}\r\n", 1},
		{"closures count for their function", "fn f() { let g = |x: u8| if x > 0 { 1 } else { 2 }; }\n", 1},
		{"definitions in headers", "fn f(x: [u8; { fn g() {} 1 }]) -> [u8; { fn h() {} 1 }] { [0] }\nstruct S([u8; { fn k() {} 3 }]);\nenum E { A = { fn l() -> isize { 1 } l() } }\ntype T = [u8; { struct U; 1 }];\nimpl Foo<{ fn m() {} 1 }> for X {}\ntrait Tr: Foo<{ fn n() {} 1 }> {}\nimpl<T> X for Y where [u8; { fn o() {} 1 }]: Z {}\ntrait W where [u8; { fn p() {} 1 }]: Z {}\ntrait V { fn q(x: [u8; { fn r() {} 1 }]); type A: Foo<{ fn s() {} 1 }>; }\n", 0},
		{"definitions in consts and statics", "const _: () = { impl Foo { fn m() {} } };\nstatic S: fn() = { fn inner() {} inner };\n", 0},
		{"if after return, break and an attribute", "fn f() -> u8 { #[allow(x)] if a {} loop { break if b { 1 } else { 2 }; } return if c { 1 } else { 2 }; }\n", 3},
	}
	checkLexCases(t, Rust, rustReference, cases)
}

// TestRustShallowSymbols covers where the shallow Rust query finds
// symbols: items of the file, of inline modules, impl and trait bodies,
// and definitions at any depth in the bodies the lexer marked.
func TestRustShallowSymbols(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // name/kind/parent/complexity, in order
		imports   []string
	}{
		{"items, impls and traits",
			"use std::io;\nextern crate alloc;\npub struct S { a: u8 }\nenum E { A }\nunion U { a: u8 }\ntype T = u8;\ntrait Tr { fn req(&self); fn prov(&self) { if a {} } }\nimpl Tr for S { fn req(&self) {} }\nimpl<'a> S { pub(crate) async unsafe fn m(&self) {} }\nmacro_rules! mac { () => {} }\n",
			[]string{"S/struct//0", "E/enum//0", "U/union//0", "T/type//0", "Tr/trait//0", "prov/method/Tr/2", "req/method/S/1", "m/method/S/1", "mac/macro//0"},
			[]string{"std::io", "alloc"}},
		{"an inline module of tests",
			"#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn a() { assert!(x); }\n    mod deeper { fn b() {} }\n}\nmod other;\n",
			[]string{"tests/module//0", "a/function//1", "deeper/module//0", "b/function//1", "other/module//0"},
			[]string{"super::*"}},
		{"nested functions and items in bodies",
			"fn outer() -> u8 {\n    fn helper(x: u8) -> u8 { if x > 0 { x } else { 0 } }\n    struct Local;\n    impl Local { fn m(&self) -> bool { a && b } }\n    use std::fmt;\n    let c = || { if d {} };\n    helper(1)\n}\n",
			[]string{"outer/function//2", "helper/function//2", "Local/struct//0", "m/method/Local/2"},
			[]string{"std::fmt"}},
		{"deeper still: in a block, a closure, a const",
			"fn f() { if a { fn g() {} } let h = |x| { enum Inner { A } x }; }\nconst C: u8 = { fn k() -> u8 { 1 } k() };\nstatic S: Lazy<u8> = Lazy::new(|| { use a::b; 1 });\n",
			[]string{"f/function//2", "g/function//1", "Inner/enum//0", "k/function//1"},
			[]string{"a::b"}},
		{"a fn in a macro is no definition",
			"fn f() { thread_local! { static X: u8 = 1; } m! { fn g() {} struct S; } }\nm!(fn top() {});\n",
			[]string{"f/function//1"}, nil},
		{"impl for a reference type",
			"impl Buf for &[u8] { fn remaining(&self) -> usize { self.len() } }\nimpl<T> X for &'a mut Vec<T> { fn y() {} }\n",
			[]string{"remaining/method//1", "y/method/Vec/1"}, nil},
	}
	a := NewAnalyzer()
	defer a.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			an, err := a.Analyze(Rust, []byte(tt.src))
			require.NoError(t, err)
			require.Zero(t, an.SyntaxErrors, "the case must be valid Rust")
			var got []string
			for _, s := range an.Symbols {
				got = append(got, fmt.Sprintf("%s/%s/%s/%d", s.Name, s.Kind, s.Parent, s.Complexity))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.imports, an.Imports)
		})
	}
}

// The marks, which decide which function bodies are scanned deep.
func TestLexRustMarks(t *testing.T) {
	cases := []struct {
		src  string
		want []string // the marked words
	}{
		{"fn f() {}", []string{"fn"}},
		{"let g: fn(u8) -> u8 = h; let k: unsafe extern \"C\" fn() = l;", nil},
		{"struct S; enum E {} trait T {} type A = u8; mod m; impl X {}", []string{"struct", "enum", "trait", "type", "mod", "impl"}},
		{"union U { a: u8 } let x = a.union(b); let union = 1;", []string{"union"}},
		{"use a::b; fn f() -> impl Tr + use<'a> {}", []string{"use", "fn", "impl"}},
		{"extern crate a; extern \"C\" { } extern { }", []string{"extern"}},
		{"macro_rules! m { () => { fn g() {} } }", []string{"macro_rules"}},
		{"m! { fn g() {} } #[cfg(fn)] x; \"fn f\"; // fn f\n /* struct S */ r#\"impl\"#;", nil},
		{"#[doc = { fn f() {} }] x;", []string{"fn"}},
	}
	for _, tt := range cases {
		var l cLex
		lexRust([]byte(tt.src), &l)
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
