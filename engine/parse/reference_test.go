package parse

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The differential tests hold a shallow language (its shallow query and
// its lexer) to the whole-tree query it replaced, kept under
// queries/<lang>_reference.scm for the tests alone. The reference analysis
// below is the analyzer as it was: one whole-tree query pass, comments and
// decision points from the tree.

// analysed is an analysis with its symbols' byte extents (Analyzer.spans),
// which tell symbols apart where lines cannot ("A(){A(B){}}").
type analysed struct {
	Analysis
	spans []span
}

// analyze analyses src as lang, keeping the symbols' byte extents.
func analyze(t testing.TB, a *Analyzer, lang *Language, src []byte) analysed {
	t.Helper()
	an, err := a.Analyze(lang, src)
	require.NoError(t, err)
	return analysed{an, slices.Clone(a.spans)}
}

// referenceAnalysis analyses src with ref's whole-tree query, leaving out
// the decision points on preprocessor lines (the && and || of #if
// conditions, which the lexers do not count by design; see lexc.go).
func referenceAnalysis(t testing.TB, a *Analyzer, ref *Language, src []byte) (an analysed, hasError bool) {
	t.Helper()
	p, c, err := a.parser(ref)
	require.NoError(t, err)
	require.False(t, c.shallow, "%s: a reference query must be a whole-tree one", ref.query)
	tree := p.Parse(src, nil)
	require.NotNil(t, tree)
	defer tree.Close()
	root := tree.RootNode()
	a.comments, a.branches, a.defs, a.imports = a.comments[:0], a.branches[:0], a.defs[:0], a.imports[:0]
	a.cursor.SetMaxStartDepth(nil)
	a.collect(c, a.cursor.Matches(c.query, root, src), src)
	kept := a.branches[:0]
	for _, b := range a.branches {
		if !preprocessed(ref) || !onDirectiveLine(src, int(b)) {
			kept = append(kept, b)
		}
	}
	a.branches = kept
	an.Language = ref.Name
	an.Lines, an.Code, an.Comments, an.Blanks = classifyLines(src, a.comments)
	slices.SortStableFunc(a.imports, func(x, y located) int { return cmp.Compare(x.at, y.at) })
	for _, im := range a.imports {
		an.Imports = append(an.Imports, im.s)
	}
	if root.HasError() {
		an.SyntaxErrors = countErrors(root)
	}
	an.Symbols, an.Complexity = a.symbols()
	an.spans = slices.Clone(a.spans)
	for _, s := range an.Symbols {
		if s.IsFunction() {
			an.Functions++
		}
	}
	return an, root.HasError()
}

// symKey identifies a symbol across the two analyses.
type symKey struct {
	name, kind, parent string
	start, end         uint32
}

func (an *analysed) key(i int) symKey {
	s := an.Symbols[i]
	return symKey{s.Name, s.Kind, s.Parent, an.spans[i].start, an.spans[i].end}
}

// nestedInFunction returns the index of the innermost symbol of an whose
// bytes enclose symbol i's if it is a function, else -1. Symbols are in
// start order, outer first (as symbols() returns them), so the innermost
// is the nearest before i that encloses it.
func (an *analysed) nestedInFunction(i int) int {
	s := an.spans[i]
	for j := i - 1; j >= 0; j-- {
		if o := an.spans[j]; o.start <= s.start && s.end <= o.end {
			if an.Symbols[j].IsFunction() {
				return j
			}
			return -1 // a type encloses it first: a method, not a nested function
		}
	}
	return -1
}

// diffReference compares a shallow analysis (got) with the reference (ref)
// of the same source and returns what differs beyond the differences the
// shallow design accepts, one line each ("" means they agree), and how
// many functions nested in functions it accepted as missing.
//
// On an error-free tree the two must agree on lines, imports and symbols,
// complexities included, except for one kind of difference: a function the
// whole-tree query found nested directly in another function's body (no
// type between them) is not reported, and its decision points count for
// the function around it. Such a function is never real in C, C++ or Go:
// it is a macro call the grammar took for a definition ("FOR_EACH(x) {"
// inside a body parses as a constructor named FOR_EACH), or error
// recovery's invention. A body the lexer marked is scanned whole, so there
// such inventions are still reported, as before.
//
// On a tree with syntax errors the lexer and the tree may see different
// tokens (an error region is text to the tree), so only the symbols are
// compared: every symbol the shallow scan reports, the reference reports
// too.
func diffReference(got, ref analysed, hasError bool) (diff string, nested int) {
	var out []string
	addf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	refIndex := map[symKey]int{}
	for i := range ref.Symbols {
		refIndex[ref.key(i)] = i
	}
	reported := map[int]bool{} // indexes into ref.Symbols
	for i, s := range got.Symbols {
		j, ok := refIndex[got.key(i)]
		if !ok {
			addf("symbol %+v: not in the reference", s)
			continue
		}
		reported[j] = true
	}
	if got.SyntaxErrors != ref.SyntaxErrors {
		addf("syntax errors %d, reference %d", got.SyntaxErrors, ref.SyntaxErrors)
	}
	if hasError {
		return strings.Join(out, "\n"), 0
	}
	if g, r := [4]int{got.Lines, got.Code, got.Comments, got.Blanks}, [4]int{ref.Lines, ref.Code, ref.Comments, ref.Blanks}; g != r {
		addf("lines, code, comments, blanks %v, reference %v", g, r)
	}
	if !slices.Equal(got.Imports, ref.Imports) {
		addf("imports %q, reference %q", got.Imports, ref.Imports)
	}
	// What each reported function's complexity must be: its reference
	// complexity plus that of the missing functions nested in it.
	want := map[int]int{}
	missing := 0
	for i, s := range ref.Symbols {
		if reported[i] {
			if s.IsFunction() {
				want[i] += s.Complexity
			}
			continue
		}
		outer := ref.nestedInFunction(i)
		if !s.IsFunction() || outer < 0 {
			addf("symbol %+v: missing, and not a function nested in a function", s)
			continue
		}
		missing++
		// Up the chain of enclosing functions to the first one reported.
		for outer >= 0 && !reported[outer] {
			outer = ref.nestedInFunction(outer)
		}
		if outer < 0 {
			addf("symbol %+v: missing, and no function around it is reported", s)
			continue
		}
		want[outer] += s.Complexity - 1
	}
	for i, s := range got.Symbols {
		if j := refIndex[got.key(i)]; s.IsFunction() && s.Complexity != want[j] {
			addf("function %+v: complexity %d, reference %d (with the functions nested in it)", s, s.Complexity, want[j])
		}
	}
	if got.Complexity != ref.Complexity-missing {
		addf("file complexity %d, reference %d less %d missing nested functions", got.Complexity, ref.Complexity, missing)
	}
	return strings.Join(out, "\n"), missing
}

// lexCase is one case of a lexer's table test: a source that must parse
// without errors, and the decision points the lexer and the whole-tree
// reference must both count in it.
type lexCase struct {
	name, src string
	branches  int
}

// checkLexCases holds lang's analysis of each case to ref's whole-tree one
// (diffReferenceFor: strictly where nested functions are real), and both
// to the case's count of decision points.
func checkLexCases(t *testing.T, lang, ref *Language, cases []lexCase) {
	t.Helper()
	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			want, hasError := referenceAnalysis(t, ra, ref, src)
			require.False(t, hasError, "the case must parse without errors as %s", lang.Name)
			got := analyze(t, a, lang, src)
			assert.Equal(t, tt.branches, want.Complexity-want.Functions, "the reference's decision points")
			assert.Empty(t, diffReferenceFor(lang.Name, got, want, false))
			assert.Equal(t, tt.branches, got.Complexity-got.Functions, "decision points")
		})
	}
}

// matchReference runs the differential test of lang against ref over
// sources, in name order, reporting up to 20 sources that differ (see
// diffReference), and asserts that none do; where functions nested in
// functions are real (nestedReal), also that no such function is missing
// from an error-free tree. It returns the tally for the caller's own checks.
func matchReference(t *testing.T, lang, ref *Language, sources map[string][]byte) tally {
	t.Helper()
	a, ra := NewAnalyzer(), NewAnalyzer()
	defer a.Close()
	defer ra.Close()
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	slices.Sort(names)
	var c tally
	for _, name := range names {
		src := sources[name]
		got := analyze(t, a, lang, src)
		ref, hasError := referenceAnalysis(t, ra, ref, src)
		nested := c.nested
		if d := c.add(got, ref, hasError); d != "" {
			if c.differ <= 20 {
				t.Errorf("%s:\n%s", name, d)
			}
		}
		if c.nested > nested && nestedReal[lang.Name] {
			t.Errorf("%s: %d functions nested in functions not reported", name, c.nested-nested)
		}
	}
	t.Logf("%s, %d sources: %v", lang.Name, len(names), &c)
	assert.Zero(t, c.differ, "sources that differ from the reference")
	if nestedReal[lang.Name] {
		assert.Zero(t, c.nested, "functions nested in functions not reported: in %s they are real", lang.Name)
	}
	return c
}

// tally counts a differential test's sources and what it found.
type tally struct {
	valid, broken, differ int
	// nestedFiles and nested: error-free sources with functions nested in
	// functions that the shallow scan does not report, and how many.
	nestedFiles, nested int
	// On broken sources, which diffReference compares on symbols only:
	// how many also agree on lines, and on symbols with their
	// complexities and the file's complexity.
	brokenLines, brokenComplexity int
}

// add compares got with ref (see diffReference) and counts the outcome;
// it returns the differences.
func (c *tally) add(got, ref analysed, hasError bool) string {
	d, nested := diffReference(got, ref, hasError)
	if d != "" {
		c.differ++
	}
	if !hasError {
		c.valid++
		if nested > 0 {
			c.nestedFiles++
			c.nested += nested
		}
		return d
	}
	c.broken++
	if [4]int{got.Lines, got.Code, got.Comments, got.Blanks} == [4]int{ref.Lines, ref.Code, ref.Comments, ref.Blanks} {
		c.brokenLines++
	}
	if got.Complexity == ref.Complexity && slices.Equal(got.Symbols, ref.Symbols) {
		c.brokenComplexity++
	}
	return d
}

func (c *tally) String() string {
	return fmt.Sprintf("%d error-free, %d of them with %d functions nested in functions not reported; %d with syntax errors, %d of them with lines as the reference's, %d with symbols and complexities as the reference's; %d differ",
		c.valid, c.nestedFiles, c.nested, c.broken, c.brokenLines, c.brokenComplexity, c.differ)
}

// moduleDir returns the directory of a module this one requires, from the
// module cache (the build has it there).
func moduleDir(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	require.NoError(t, err, "go list -m %s", path)
	dir := strings.TrimSpace(string(out))
	require.DirExists(t, dir, "module %s", path)
	return dir
}

// corpusCases splits a tree-sitter test corpus file into its cases'
// sources: a header of '=' lines around the name, the source, a line of
// dashes, the expected tree.
func corpusCases(t testing.TB, path string) map[string][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	cases := map[string][]byte{}
	lines := bytes.SplitAfter(b, []byte("\n"))
	isRule := func(l []byte, c byte) bool {
		l = bytes.TrimRight(l, "\r\n")
		return len(l) >= 3 && len(bytes.Trim(l, string(c))) == 0
	}
	for i := 0; i+2 < len(lines); i++ {
		if !isRule(lines[i], '=') || !isRule(lines[i+2], '=') {
			continue
		}
		name := string(bytes.TrimSpace(lines[i+1]))
		j := i + 3
		for j < len(lines) && len(lines[j]) > 0 && lines[j][0] == ':' {
			j++ // attributes such as :error
		}
		var src []byte
		for ; j < len(lines) && !isRule(lines[j], '-'); j++ {
			src = append(src, lines[j]...)
		}
		cases[filepath.Base(path)+"/"+name] = bytes.TrimLeft(src, "\r\n")
		i = j
	}
	return cases
}

// sourceFiles lists the files under root that lang handles, by extension.
func sourceFiles(t testing.TB, root string, lang *Language) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || ByExtension(p) != lang {
			return nil
		}
		if fi, err := d.Info(); err != nil || fi.Size() > DefaultMaxFileSize {
			return err
		}
		files = append(files, p)
		return nil
	})
	require.NoError(t, err)
	return files
}

// nestedReal names the languages in which a function nested in a function
// is real, not a macro call or error recovery's invention (Java: a method
// of a local or an anonymous class; JavaScript and TypeScript: closures,
// local classes, object-literal methods; Rust: nested fns and items in
// blocks; Python: a closure, a local class's method), so that the one
// difference diffReference allows is a difference there too.
var nestedReal = map[string]bool{"java": true, "javascript": true, "typescript": true, "tsx": true, "rust": true, "python": true}

// diffReferenceFor is diffReference for the language named lang: strict
// where nestedReal says so.
func diffReferenceFor(lang string, got, ref analysed, hasError bool) string {
	d, nested := diffReference(got, ref, hasError)
	if nested > 0 && nestedReal[lang] {
		if d != "" {
			d += "\n"
		}
		d += fmt.Sprintf("%d functions nested in functions not reported: in %s they are real", nested, lang)
	}
	return d
}

// preprocessed reports whether ref's language has preprocessor lines,
// whose decision points referenceAnalysis leaves out: C and C++ only. In
// the others a line starting with # is no directive: a Rust attribute
// ("#[test] fn f() { if a {} }"), a JavaScript private class member, a
// Python comment or the text of a string that may close on it
// (#endif""".format(x if c else y)).
func preprocessed(ref *Language) bool { return ref.Name == "c" || ref.Name == "cpp" }
