package parse

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// Symbol is a named declaration in a file.
type Symbol struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`             // function, method, class, struct, enum, interface, trait, union, type, module, macro
	Parent string `json:"parent,omitempty"` // the receiver or enclosing type, for methods
	// StartLine and EndLine are 1-based and inclusive.
	StartLine int `json:"start_line"`
	EndLine   int `json:"end_line"`
	// Complexity is cyclomatic complexity (1 + decision points), for
	// functions and methods only.
	Complexity int `json:"complexity,omitempty"`
}

// IsFunction reports whether the symbol is a function or a method.
func (s Symbol) IsFunction() bool { return s.Kind == "function" || s.Kind == "method" }

// Analysis is what the analyzer extracts from one source file.
type Analysis struct {
	Language string
	// Lines = Code + Comments + Blanks. A line is code if it has any
	// non-blank byte outside a comment, a comment line if its only
	// non-blank bytes are inside comments, and blank otherwise.
	Lines, Code, Comments, Blanks int
	// Complexity is the sum of the functions' complexities plus the decision
	// points outside any function (top-level script code).
	Complexity int
	// SyntaxErrors counts ERROR and MISSING nodes in the tree.
	SyntaxErrors int
	Functions    int
	Symbols      []Symbol
	Imports      []string
}

// Analyzer analyses files one at a time. It keeps one tree-sitter parser
// per language and one query cursor, reused across files, so it belongs to
// one goroutine: a parallel walk gives each worker its own Analyzer. Close
// it to free the parsers.
type Analyzer struct {
	parsers map[*Language]*ts.Parser
	cursor  *ts.QueryCursor

	// Scratch reused across files to keep allocation per file low.
	comments []span
	branches []uint32
	defs     []def
	imports  []located
	lex      cLex
	scan     cScan
	// spans are the byte extents of the last file's symbols, in the order
	// of Analysis.Symbols: the differential tests match symbols by them.
	spans []span
}

// located is a string found at a byte offset.
type located struct {
	at uint
	s  string
}

type span struct{ start, end uint32 }

// def is a definition (or a @scope container) while a file is analysed.
type def struct {
	start, end         uint32
	startLine, endLine int
	name, kind, parent string
	scope              bool   // a container that is not a symbol (Rust impl)
	bodyKind           string // for @definition.auto: "struct", "interface" or ""
	complexity         int
}

// NewAnalyzer returns an Analyzer with no parsers yet; each language's
// parser is created on its first file.
func NewAnalyzer() *Analyzer {
	return &Analyzer{parsers: map[*Language]*ts.Parser{}, cursor: ts.NewQueryCursor()}
}

// Close frees the parsers and the query cursor.
func (a *Analyzer) Close() {
	for _, p := range a.parsers {
		p.Close()
	}
	a.parsers = nil
	if a.cursor != nil {
		a.cursor.Close()
		a.cursor = nil
	}
	a.scan.close()
}

// Detect returns the language of a file from its name or, for a name with
// no extension, from a shebang in head. It returns nil for files the
// analyzer does not handle.
func Detect(path string, head []byte) *Language {
	if l := ByExtension(path); l != nil {
		return l
	}
	if filepath.Ext(path) == "" {
		return ByShebang(head)
	}
	return nil
}

// AnalyzeFile detects the language of path (see Detect) and analyses src.
// It returns a nil error and ok == false for a file in no supported
// language. A .h file is analysed as C unless it fails as C and its code
// holds a C++-only construct, in which case the C++ result is used if it
// has fewer syntax errors (see the package documentation).
func (a *Analyzer) AnalyzeFile(path string, src []byte) (an Analysis, ok bool, err error) {
	lang := Detect(path, src)
	if lang == nil {
		return Analysis{}, false, nil
	}
	an, err = a.analyzeAs(lang, path, src)
	return an, true, err
}

// analyzeAs analyses src as lang, applying the .h rule.
func (a *Analyzer) analyzeAs(lang *Language, path string, src []byte) (Analysis, error) {
	an, err := a.Analyze(lang, src)
	if err != nil {
		return an, err
	}
	if lang == C && an.SyntaxErrors > 0 && a.lex.cpp && strings.EqualFold(filepath.Ext(path), ".h") {
		cpp, err := a.Analyze(CPP, src)
		if err != nil {
			return an, err
		}
		if cpp.SyntaxErrors < an.SyntaxErrors {
			return cpp, nil
		}
	}
	return an, nil
}

// ParseOnly parses src as lang and drops the tree: the baseline that a
// full analysis is measured against (Options.ParseOnly).
func (a *Analyzer) ParseOnly(lang *Language, src []byte) error {
	p, _, err := a.parser(lang)
	if err != nil {
		return err
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		return fmt.Errorf("parse: %s: the parser returned no tree", lang.Name)
	}
	tree.Close()
	return nil
}

// parser returns the Analyzer's parser for lang, creating it on first use.
func (a *Analyzer) parser(lang *Language) (*ts.Parser, *compiled, error) {
	c, err := lang.load()
	if err != nil {
		return nil, nil, err
	}
	p := a.parsers[lang]
	if p == nil {
		p = ts.NewParser()
		if err := p.SetLanguage(c.lang); err != nil {
			p.Close()
			return nil, nil, fmt.Errorf("parse: %s: %w", lang.Name, err)
		}
		a.parsers[lang] = p
	}
	return p, c, nil
}

// Analyze parses src as lang and extracts lines, symbols, imports and
// complexity with one query pass, and counts syntax errors by descending
// only into subtrees that hold one. It never visits every node from Go.
func (a *Analyzer) Analyze(lang *Language, src []byte) (Analysis, error) {
	p, c, err := a.parser(lang)
	if err != nil {
		return Analysis{}, err
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		return Analysis{}, fmt.Errorf("parse: %s: the parser returned no tree", lang.Name)
	}
	defer tree.Close()
	root := tree.RootNode()

	an := Analysis{Language: lang.Name}
	a.comments, a.branches, a.defs, a.imports = a.comments[:0], a.branches[:0], a.defs[:0], a.imports[:0]
	// The lexer runs first: its marks tell the shallow scan which function
	// bodies may hold definitions.
	a.lex = cLex{branches: a.branches, marks: a.lex.marks[:0], logic: a.lex.logic[:0]}
	if lang.lex != nil {
		lang.lex(src, &a.lex)
		a.branches = a.lex.branches
		an.Lines, an.Code, an.Comments, an.Blanks = a.lex.lines, a.lex.code, a.lex.comments, a.lex.blanks
	}
	if c.shallow {
		if err := a.scanShallow(c, root, src, a.lex.marks); err != nil {
			return Analysis{}, err
		}
	} else {
		a.cursor.SetMaxStartDepth(nil)
		a.collect(c, a.cursor.Matches(c.query, root, src), src)
	}
	if lang.lex == nil {
		an.Lines, an.Code, an.Comments, an.Blanks = classifyLines(src, a.comments)
	}
	// Operators only the tree can tell apart (C++'s && is also an rvalue
	// reference; TypeScript's ? is also an optional member's; Rust's if may
	// be a match guard; Python's case is also a name): the lexer's
	// candidates, kept where the tree has a binary (or conditional, or if)
	// expression, or a case clause.
	a.lex.logic = operatorOps(root, a.lex.logic, c.kindBinary, c.kindIf, c.logicLen)
	a.branches = append(a.branches, a.lex.logic...)
	if len(a.imports) > 0 {
		// In source order: a shallow scan visits containers out of order.
		slices.SortStableFunc(a.imports, func(x, y located) int { return cmp.Compare(x.at, y.at) })
		an.Imports = make([]string, len(a.imports))
		for i, im := range a.imports {
			an.Imports[i] = im.s
		}
	}

	if root.HasError() {
		an.SyntaxErrors = countErrors(root)
	}

	an.Symbols, an.Complexity = a.symbols()
	for _, s := range an.Symbols {
		if s.IsFunction() {
			an.Functions++
		}
	}
	return an, nil
}

// collect reads a whole-tree query's matches into the Analyzer's scratch:
// comments, branches, definitions and imports.
func (a *Analyzer) collect(c *compiled, matches ts.QueryMatches, src []byte) {
	for m := matches.Next(); m != nil; m = matches.Next() {
		var d def
		var isDef bool
		for i := range m.Captures {
			n := &m.Captures[i].Node
			switch c.roles[m.Captures[i].Index] {
			case roleComment:
				s, e := n.ByteRange()
				a.comments = append(a.comments, span{uint32(s), uint32(e)})
			case roleBranch:
				a.branches = append(a.branches, uint32(n.StartByte()))
			case roleImport:
				a.imports = append(a.imports, located{n.StartByte(), importPath(text(n, src))})
			case roleDefinition:
				isDef = true
				d.kind = c.kinds[m.Captures[i].Index]
				setExtent(&d, n)
			case roleScope:
				isDef, d.scope = true, true
				setExtent(&d, n)
			case roleName:
				d.name = text(n, src)
			case roleTypeBody:
				d.bodyKind = bodyKind(c, n)
			case roleDeclarator:
				d.name, d.parent = resolveDeclarator(c, *n, src)
			case roleReceiver:
				d.parent = receiverType(text(n, src))
			}
		}
		if !isDef {
			continue
		}
		if d.kind == "auto" {
			d.kind = cmp.Or(d.bodyKind, "type")
		}
		if d.name == "" {
			continue // a declarator we could not resolve (macro soup): no symbol
		}
		if d.scope {
			d.name = cleanParent(d.name)
		}
		a.defs = append(a.defs, d)
	}
}

// scanShallow runs a shallow language's query on the root and then on every
// @container it finds (preprocessor conditionals, struct bodies, error
// regions), each time one level deep. The query cursor never enters a
// function body, which is where almost all of a C tree's nodes are: that is
// what makes it cheap next to a whole-tree query. Definitions inside
// function bodies (a local struct) are not reported. The loop runs in C
// (ctree.go); Go reads the flat list of captures it returns.
func (a *Analyzer) scanShallow(c *compiled, root *ts.Node, src []byte, marks []uint32) error {
	caps, err := a.scan.shallow(a.cursor, c.query, c.deep, root, c.cRoles, src, marks)
	if err != nil {
		return err
	}
	for i := 0; i < len(caps); {
		j := i + 1
		for j < len(caps) && caps[j].match == caps[i].match {
			j++
		}
		a.collectMatch(c, caps[i:j], src)
		i = j
	}
	return nil
}

// collectMatch reads one match of a shallow scan, like collect does for a
// whole-tree one, from the extents C recorded.
func (a *Analyzer) collectMatch(c *compiled, caps []capture, src []byte) {
	var d def
	var isDef bool
	imports, notRequire := len(a.imports), false
	for i := range caps {
		cp := &caps[i]
		switch c.roles[cp.index] {
		case roleCallee:
			notRequire = string(src[cp.startByte:cp.endByte]) != "require"
		case roleImport:
			a.imports = append(a.imports, located{uint(cp.startByte), importPath(textAt(src, cp.startByte, cp.endByte))})
		case roleDefinition, roleScope:
			isDef = true
			d.kind = c.kinds[cp.index]
			d.scope = c.roles[cp.index] == roleScope
			d.start, d.end = cp.startByte, cp.endByte
			d.startLine, d.endLine = int(cp.startRow)+1, int(cp.endRow)+1
		case roleName:
			d.name = textAt(src, cp.startByte, cp.endByte)
		case roleDeclarator:
			d.name, d.parent = resolveDeclarator(c, cp.node, src)
		case roleTypeBody:
			d.bodyKind = bodyKind(c, &cp.node)
		case roleReceiver:
			d.parent = receiverType(textAt(src, cp.startByte, cp.endByte))
		}
	}
	if notRequire {
		a.imports = a.imports[:imports] // a call, not require("...")
	}
	if d.kind == "auto" {
		d.kind = cmp.Or(d.bodyKind, "type")
	}
	if isDef && d.name != "" {
		if d.scope {
			d.name = cleanParent(d.name) // may be "" ("impl T for &[u8]"): still a scope
		}
		a.defs = append(a.defs, d)
	}
}

// bodyKind is what a Go type's @typebody node makes it: "struct",
// "interface" or "" (any other type).
func bodyKind(c *compiled, n *ts.Node) string {
	switch n.KindId() {
	case c.kindStruct:
		return "struct"
	case c.kindInterface:
		return "interface"
	}
	return ""
}

func textAt[T uint | uint32](src []byte, start, end T) string {
	if uint(end) > uint(len(src)) || start > end {
		return ""
	}
	return string(src[start:end])
}

// maxContainers bounds the containers scanned in one file, against a
// pathological tree; real files have at most a few thousand.
const maxContainers = 1 << 20

func setExtent(d *def, n *ts.Node) {
	s, e := n.ByteRange()
	d.start, d.end = uint32(s), uint32(e)
	d.startLine = int(n.StartPosition().Row) + 1
	d.endLine = int(n.EndPosition().Row) + 1
}

func text(n *ts.Node, src []byte) string {
	s, e := n.ByteRange()
	return textAt(src, s, e)
}

// resolveDeclarator walks a C/C++ declarator chain down to the declared
// name: "*foo(void)" → foo, "Foo::bar(int)" → bar with parent Foo,
// "(*fp)(int)" → fp. A few field lookups per function, not a tree walk.
func resolveDeclarator(c *compiled, n ts.Node, src []byte) (name, parent string) {
	for range 16 {
		if k := n.ChildByFieldId(c.fieldDeclarator); k != nil {
			n = *k
			continue
		}
		switch n.KindId() {
		case c.kindQualified:
			if s := n.ChildByFieldId(c.fieldScope); s != nil {
				if parent != "" {
					parent += "::"
				}
				parent += text(s, src)
			}
			k := n.ChildByFieldId(c.fieldName)
			if k == nil {
				return "", ""
			}
			n = *k
			continue
		case c.kindParenDecl, c.kindRefDecl, c.kindAttrDecl:
			if n.NamedChildCount() == 0 {
				return "", ""
			}
			n = *n.NamedChild(0)
			continue
		}
		name = strings.Join(strings.Fields(text(&n, src)), " ")
		if len(name) > 200 || strings.ContainsAny(name, "(){};") {
			return "", "" // an error-recovery blob, not a name
		}
		return name, cleanParent(parent)
	}
	return "", ""
}

// receiverType turns a Go receiver list into its type name:
// "(s *Server[T])" → "Server".
func receiverType(recv string) string {
	s := strings.TrimSpace(recv)
	s = strings.TrimPrefix(s, "(")
	s = strings.TrimSuffix(s, ")")
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, " \t\n*"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// cleanParent drops generic arguments and reference markers from a
// container's type text: "Vec<T>" → "Vec", "&'a mut Foo" → "Foo".
func cleanParent(s string) string {
	if i := strings.IndexAny(s, "<["); i >= 0 {
		s = s[:i]
	}
	if f := strings.Fields(s); len(f) > 0 {
		s = f[len(f)-1]
	}
	return strings.TrimLeft(s, "&*")
}

// importPath strips quotes and angle brackets (`"fmt"` → fmt, <stdio.h> →
// stdio.h) and Java's keywords ("import static a.B.c;" → a.B.c).
func importPath(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := cutKeyword(s, "import"); ok {
		s = strings.TrimSpace(strings.TrimSuffix(rest, ";"))
		if rest, ok := cutKeyword(s, "static"); ok {
			s = rest
		}
		return strings.Join(strings.Fields(s), "")
	}
	return strings.Trim(s, "\"'`<>")
}

// cutKeyword cuts a leading keyword followed by white space, so that the
// Python module "importlib" is not mistaken for "import lib".
func cutKeyword(s, kw string) (string, bool) {
	rest, ok := strings.CutPrefix(s, kw)
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r') {
		return s, false
	}
	return strings.TrimSpace(rest), true
}

// containers are the symbol kinds whose directly nested functions are methods.
var containers = map[string]bool{"class": true, "struct": true, "interface": true, "trait": true, "enum": true, "union": true}

// symbols orders the collected definitions, decides which functions are
// methods of an enclosing type, and attributes every decision point to the
// innermost function around it (by byte range). It returns the symbols and
// the file's complexity.
func (a *Analyzer) symbols() ([]Symbol, int) {
	defs := a.defs
	// Outer before inner: by start, then longest first; then by name and
	// kind, so that the same definition found twice (two patterns, or a
	// deep scan and the shallow one around it) lies side by side.
	slices.SortFunc(defs, func(x, y def) int {
		if x.start != y.start {
			return int(x.start) - int(y.start)
		}
		if x.end != y.end {
			return int(y.end) - int(x.end)
		}
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.kind, y.kind))
	})
	// Two patterns, or a shallow scan of a container and of its parent, may
	// find the same definition: keep one, before complexity is attributed.
	defs = slices.CompactFunc(defs, func(x, y def) bool {
		return x.start == y.start && x.end == y.end && x.name == y.name && x.kind == y.kind && x.scope == y.scope
	})
	a.defs = defs
	// Nesting: the innermost enclosing definition of each definition.
	var stack []int
	var funcs []int // indexes of functions and methods, in start order
	for i := range defs {
		d := &defs[i]
		for len(stack) > 0 && defs[stack[len(stack)-1]].end <= d.start {
			stack = stack[:len(stack)-1]
		}
		if d.kind == "function" || d.kind == "method" {
			if len(stack) > 0 {
				if outer := &defs[stack[len(stack)-1]]; outer.scope || containers[outer.kind] {
					d.kind = "method"
					if d.parent == "" {
						d.parent = outer.name
					}
				}
			}
			if d.kind == "function" && d.parent != "" {
				d.kind = "method" // C++ "Foo::bar" outside the class body
			}
			d.complexity = 1
			funcs = append(funcs, i)
		}
		stack = append(stack, i)
	}

	// Complexity: sweep branches (sorted) against functions (sorted by start,
	// properly nested), keeping the stack of functions open at each branch.
	slices.Sort(a.branches)
	topLevel := 0
	stack = stack[:0]
	fi := 0
	for _, b := range a.branches {
		for fi < len(funcs) && defs[funcs[fi]].start <= b {
			for len(stack) > 0 && defs[stack[len(stack)-1]].end <= defs[funcs[fi]].start {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, funcs[fi])
			fi++
		}
		for len(stack) > 0 && defs[stack[len(stack)-1]].end <= b {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			defs[stack[len(stack)-1]].complexity++
		} else {
			topLevel++
		}
	}

	out := make([]Symbol, 0, len(defs))
	a.spans = a.spans[:0]
	total := topLevel
	for i := range defs {
		d := &defs[i]
		if d.scope {
			continue
		}
		if i > 0 && d.start == defs[i-1].start && d.end == defs[i-1].end && d.name == defs[i-1].name {
			continue // two patterns matched the same node as different kinds
		}
		total += d.complexity
		out = append(out, Symbol{Name: d.name, Kind: d.kind, Parent: d.parent, StartLine: d.startLine, EndLine: d.endLine, Complexity: d.complexity})
		a.spans = append(a.spans, span{d.start, d.end})
	}
	return out, total
}
