package parse

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
)

// javaReference is Java with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var javaReference = &Language{Name: "java", grammar: tsjava.Language, query: "java_reference.scm"}

// javaTreesEnv names more directories of Java for TestJavaMatchesReference
// (separated by the OS's list separator), such as Apache Tomcat's sources.
const javaTreesEnv = "HIVE_PARSE_JAVA_TREES"

// TestJavaMatchesReference is the differential test for Java: on real Java
// the shallow scan and the lexer report what the whole-tree query
// reported. The code is tree-sitter-java's test corpus and highlight
// sample (from the module cache, where the build put it) and this
// package's samples (testdata/java/nested.java hides definitions wherever
// Java allows them); more with HIVE_PARSE_JAVA_TREES.
//
// On an error-free tree nothing may differ: in Java a function nested in a
// function is real (a method of a local or an anonymous class), so unlike
// C++ and Go none may go unreported (tally.nested must be 0). On a tree
// with syntax errors only symbols are compared (diffReference), and the
// shallow scan's must be among the reference's: a definition that error
// recovery leaves inside an ERROR node or a broken body with no mark is
// looked for one level deep, not at every depth. What may differ there is
// what the lexer reads where the tree has an ERROR node: in "A#A({\ncase A"
// the lexer counts the case, which is error text to the tree. Of
// FuzzJava's 214 broken inputs so far, all had the reference's symbols, 4
// with another complexity and 2 with other line classes. Over Apache
// Tomcat 10.1.55 (2,837 files, all error-free) nothing differs.
func TestJavaMatchesReference(t *testing.T) {
	sources := map[string][]byte{}
	add := func(path string) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sources[path] = b
	}
	mod := moduleDir(t, "github.com/tree-sitter/tree-sitter-java")
	files, err := filepath.Glob(filepath.Join(mod, "test", "corpus", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "tree-sitter-java's corpus")
	for _, f := range files {
		for name, src := range corpusCases(t, f) {
			sources["corpus/"+name] = src
		}
	}
	for _, f := range sourceFiles(t, filepath.Join(mod, "test"), Java) {
		add(f)
	}
	add("testdata/java/sample.java")
	add("testdata/java/nested.java")
	if env := os.Getenv(javaTreesEnv); env != "" {
		for _, dir := range filepath.SplitList(env) {
			for _, f := range sourceFiles(t, dir, Java) {
				add(f)
			}
		}
	}

	c := matchReference(t, Java, javaReference, sources)
	require.Greater(t, c.valid, 100, "too few error-free sources to mean anything")
}

// TestLexJavaMatchesReference checks line classes and decision points
// against the whole-tree query, case by case.
func TestLexJavaMatchesReference(t *testing.T) {
	cases := []lexCase{
		{"comment markers in strings and characters", "class A {\n  String s = \"/* no */ // no\"; // yes\n  char c = '\"', d = '/';\n}\n", 0},
		{"strings span lines", "class A {\n  String s = \"a\n\n  // not a comment\n  if (a && b)\";\n}\n", 0},
		{"text blocks", "class A {\n  String t = \"\"\"\n    // not a comment \"\" \\\"\"\" a ? b : c\n\n    /* nor this */\n    \"\"\";\n  String e = \"\"; // c\n}\n", 0},
		{"a text block ends at the first unescaped triple quote", "class A {\n  String t = \"\"\"\n    a \\\"\"\" \"\"\" + \"\"\"\n    b\"\"\" + \"\"; // c\n}\n", 0},
		{"escapes, a line break included", "class A {\n  String s = \"a\\\"b\\\\\", u = \"\\u0022 \\u{41}\", v = \"x\\\n// not a comment\";\n  char c = '\\'', d = '\\\\', e = 'ab';\n}\n", 0},
		{"block comments are not nested", "class A {\n  /* a /* b */ int x;\n  /*\n   * c\n\n   */\n  int y; /* d */\n     /* e */    \n}\n", 0},
		{"decisions", "class A {\n  int f(int[] xs, boolean a, boolean b) {\n    if (a && b || !a) { return 1; } else if (b) { return 2; }\n    for (int i = 0; i < 1; i++) {}\n    for (int x : xs) {}\n    while (a) {}\n    do { a = !a; } while (a);\n    switch (xs[0]) { case 1: case 2, 3: break; default: break; }\n    try { g(); } catch (RuntimeException | Error e) {} catch (Exception e) {} finally {}\n    return a ? 1 : 2;\n  }\n}\n", 13},
		{"switch rules and patterns", "class A {\n  int f(Object o, boolean a, boolean b) {\n    return switch (o) {\n      case Integer i when a && b -> 1;\n      case String s -> { yield s.isEmpty() ? 2 : 3; }\n      case null -> 4;\n      default -> 5;\n    };\n  }\n}\n", 5},
		{"wildcards are not conditions", "class A<T> {\n  List<?> a; Map<? extends K, ? super V> m; List<? super T[]> l; Map<List<?>, ?> n; List<@N ?> o;\n  <U extends Comparable<? super U>> void f(Class<?>... cs) {}\n}\n", 0},
		{"super after a condition's ?", "class A extends B {\n  Object f(boolean c) { return c ? super.f(c) : c ? super::hashCode : null; }\n}\n", 2},
		{"lambdas and anonymous classes count for their method", "class A {\n  void f() {\n    Runnable r = () -> { if (a) {} };\n    Object o = new Object() { public String toString() { return a ? \"a\" : \"b\"; } };\n  }\n}\n", 2},
		{"string templates: the interpolation is code", "class A {\n  String f(int a) {\n    return STR.\"x \\{a > 0 ? \"p\\{a}\" : \"n\"} \\{ new int[]{a}.length } y\" + \"\"\"\n      \\{ a == 1 || a == 2 }\"\"\";\n  }\n}\n", 2},
		{"a class literal, and keywords in names", "class A {\n  Class<?> c = A.class;\n  int iff, fort, whilex, cases, record = 1;\n  void f() { record = record + 1; }\n}\n", 0},
		{"a byte order mark, form feeds and vertical tabs", "\ufeffif (a) {}\nclass A {\f\n  void f(boolean a) {\v\n    while\f(a) {}\n  }\n}\n", 2},
		{"a text block's comments: longer than the text after them", "class A {\n  String t = \"\"\"\n    // a comment, the quote ends the text \"\n    // text: no quote or backslash after it\n    \"\"\";\n  String u = \"\"\"\\n  /* c */ \\t\n\n  x\"\"\", v = \"\"\"\n  /* text: a tie */\"\"\";\n  String w = \"\"\"\\u0041 // c \"\n  \\\u00e9 // c \\n\n  \\{a}   // c \\{b}\n  \\\n  /* c\n   */ /* d */ // e \"\n  \"\"\";\n}\n", 0},
		{"a text block's comment may swallow its closing quotes", "class A {\n  String t = \"\"\"\n  // a \"\"\";\n  b\"\"\";\n}\n", 0},
		{"a text block's comment after an interpolation's text block", "class A {\n  String t = \"\"\" \\{ \"\"\"\n    // c \"\n    x\"\"\" }   // d \"\n  \"\"\";\n}\n", 0},
		{"anonymous classes in enum arguments, interface constants and annotation defaults", "enum E { A(new Object() { int f() { return a ? 1 : 2; } }); E(Object o) {} }\ninterface I { Runnable R = new Runnable() { public void run() { if (x) {} } }; }\n@interface N { Class<?> c() default new Object() { void g() {} }.getClass(); }\n", 2},
		{"a string holds no comments", "class A {\n  String s = \" // no\\\" \", t = \"\\u0041 /* no */ \\\\\";\n}\n", 0},
		{"no final newline", "class A { int x = 1; } /* end */", 0},
		{"CRLF", "class A {\r\n  // c\r\n  void f(boolean a) {\r\n    if (a) {\r\n    }\r\n  }\r\n}\r\n", 1},
	}
	checkLexCases(t, Java, javaReference, cases)
}

// TestJavaShallowSymbols covers where definitions hide in Java and the
// shallow query must still find them: local types, anonymous classes in
// bodies, fields and lambdas, enum constants with bodies, records, top-level
// methods and statements, and a string interpolation.
func TestJavaShallowSymbols(t *testing.T) {
	src := `package p;
import java.util.*;
import static java.lang.Math.max;

@interface Ann { int v() default 1; }

public class A<T extends Comparable<? super T>> extends B implements C {
    Runnable field = new Runnable() { public void run() { if (x) {} } };
    static { Object o = new Object() { int hash() { return 1; } }; }
    { class InInit {} }
    A() { super(new Object() { void inCtor() {} }); }
    void f() {
        class Local { void g() { interface Deeper {} } }
        record R(int a) implements I { R { if (a < 0) {} } }
        enum E { X { void x() {} } }
        Runnable r = () -> { new Thread() { public void run() {} }.start(); };
        String s = STR."\{ new Object() { public String toString() { return "i"; } } }";
    }
    void plain() { Class<?> c = A.class; LogRecord record = null; record.getMessage(); }
    class Inner { void h() {} }
    enum Color { RED(1) { int k() { return 0; } }, GREEN; Color() {} Color(int x) {} }
}
void top() { class InTop {} }
new Object() { void stmt() {} };
`
	a := NewAnalyzer()
	defer a.Close()
	an, err := a.Analyze(Java, []byte(src))
	require.NoError(t, err)
	require.Zero(t, an.SyntaxErrors)
	var got []string
	for _, s := range an.Symbols {
		got = append(got, s.Name+"/"+s.Kind+"/"+s.Parent)
	}
	assert.Equal(t, []string{
		"Ann/interface/",
		"A/class/", "run/method/A", "hash/method/A", "InInit/class/", "A/method/A", "inCtor/method/",
		"f/method/A", "Local/class/", "g/method/Local", "Deeper/interface/", "R/class/", "E/enum/", "x/method/E", "run/method/", "toString/method/",
		"plain/method/A", "Inner/class/", "h/method/Inner",
		"Color/enum/", "k/method/Color", "Color/method/Color", "Color/method/Color",
		"top/method/", "InTop/class/", "stmt/method/",
	}, got)
	assert.Equal(t, []string{"java.util.*", "java.lang.Math.max"}, an.Imports)

	ref, hasError := referenceAnalysis(t, NewAnalyzer(), javaReference, []byte(src))
	require.False(t, hasError)
	d, nested := diffReference(analysed{an, a.spans}, ref, false)
	assert.Empty(t, d)
	assert.Zero(t, nested)
}

// TestLexJavaMarks checks which tokens the lexer marks as what may start a
// definition: a body holding one is scanned at every depth, so a missing
// mark loses symbols, and a mark too many costs a deep scan.
func TestLexJavaMarks(t *testing.T) {
	cases := []struct {
		name, src string
		marks     []string // the marked tokens, in order
	}{
		{"a method's own body and statement heads are not marks", "void f() { if (a) {} else if (g(b)) {} for (int i = h(0); i < 1; i++) {} while (c(1)) {} switch (k(1)) {} try (R r = open(1)) {} catch (E e) {} synchronized (m(1)) {} }\nA() { super(x); }", nil},
		{"anonymous classes", "void f() { Object o = new Object() { int g() { return 1; } }; run(new a.b.Runnable<List<?>, @N T>(x, y(z)) { public void run() {} }); o = outer.new Inner() {}; }", []string{"{", "{", "{"}},
		{"an annotation in a new's type", "void f() { new @A(1) @b.C(d = 2) T() {}; new @A T(x) {}; }", []string{"{", "{"}},
		{"arrays and calls are not anonymous classes", "void f() { int[] a = new int[] {1}; String[][] b = new String[2][] ; f(new X(), new Y()); g(new Z()).h(); }", nil},
		{"comments between ) and {", "void f() { new A() /* c */ // d\n { }; }", []string{"{"}},
		{"type declarations, not class literals", "void f() { class L {} interface I {} enum E { A } Class<?> c = L.class, d = int . class; }", []string{"class", "interface", "enum"}},
		{"record: a declaration only when a name follows", "void f() { record R(int a) implements I {} LogRecord record = null; record.get(); g(record); record = x; }", []string{"record"}},
		{"import", "void f() { import a.b; }", []string{"import"}},
		{"keywords in strings and comments are not marks", "void f() { String s = \"class A {}\" + \"\"\"\n  new X() { }\n  \"\"\"; /* enum E */ // interface I\n }", nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			var l cLex
			lexJava(src, &l)
			var got []string
			for _, m := range l.marks {
				end := int(m) + 1
				for end < len(src) && isIdentByte(src[end]) && src[m] != '{' {
					end++
				}
				got = append(got, string(src[m:end]))
			}
			assert.Equal(t, tt.marks, got)
			assert.True(t, slices.IsSorted(l.marks), "marks must ascend")
		})
	}
}

// TestJavaDefinitionsInAnnotations: the grammar takes an annotation's
// arguments for expressions, so an anonymous class may hide there, in any
// declaration's header (javac rejects it, tree-sitter-java does not): the
// shallow scan must still find what the whole-tree query found.
func TestJavaDefinitionsInAnnotations(t *testing.T) {
	cases := []string{
		"class A { @Ann(new Object() { void inMethodAnnotation() {} }) void f() {} }\n",
		"class A { void g(@Ann(new X() { void inParameter() {} }) int x) {} }\n",
		"class A { A(@Ann(new X() { void inCtorParameter() {} }) int x) {} }\n",
		"class B extends @T(new Y() { void inSuperclass() {} }) C {}\n",
		"@Ann(new X() { void onClass() {} }) class D {}\n",
		"record R(@Ann(new X() { void inRecordComponent() {} }) int a) {}\n",
		"interface I<@T(new X() { void inTypeParameter() {} }) U> {}\n",
		"enum E implements @T(new X() { void inEnumInterfaces() {} }) I { A }\n",
		"@interface N { @Ann(new X() { void inElement() {} }) int v(); }\n",
		"class F { @Ann(new X() { void onField() {} }) int x; }\n",
		"@Ann(new X() { void onPackage() {} }) package p;\n",
	}
	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	for _, src := range cases {
		ref, hasError := referenceAnalysis(t, ra, javaReference, []byte(src))
		require.False(t, hasError, "%q must be valid to tree-sitter-java", src)
		got := analyze(t, a, Java, []byte(src))
		d, nested := diffReference(got, ref, false)
		assert.Empty(t, d, "%q", src)
		assert.Zero(t, nested, "%q", src)
		assert.Equal(t, ref.Symbols, got.Symbols, "%q", src)
		hidden := regexp.MustCompile(`void (\w+)\(\) \{\}`).FindStringSubmatch(src)[1]
		assert.True(t, slices.ContainsFunc(got.Symbols, func(s Symbol) bool { return s.Name == hidden && s.IsFunction() }), "%q: %s", src, hidden)
	}
}
