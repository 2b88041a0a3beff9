package parse

import (
	"embed"
	"fmt"
	"strings"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// Each language has one query file, queries/<lang>.scm, compiled once and
// run once per file. Everything the analyzer extracts comes back as query
// captures, so Go only ever sees the few nodes that matter (definitions,
// comments, branches, imports) instead of visiting every node of the tree:
// on the Linux kernel a Go-side walk of every node costs 50–70% on top of
// parsing, which is the cost this design avoids.
//
// Capture names and their roles:
//
//	@definition.<kind>  a symbol of that kind (function, method, class, struct,
//	                    enum, interface, trait, union, type, module, macro)
//	@definition.auto    a symbol whose kind comes from its @typebody node
//	                    (Go: struct_type → struct, interface_type → interface,
//	                    anything else → type)
//	@name               the symbol's name
//	@declarator         C/C++: the declarator chain whose innermost identifier
//	                    is the name (and whose qualified scope is the parent)
//	@receiver           Go: the receiver list, whose type is the parent
//	@scope              a container that is not itself a symbol (Rust impl):
//	                    functions directly inside become its methods
//	@comment            a comment node (line classification)
//	@branch             a decision point (cyclomatic complexity)
//	@import             an import/include path (quotes are stripped)
//	@callee             the function called with an @import argument: the
//	                    import stands only if it is "require" (a shallow
//	                    query runs in C, which checks no #eq? predicate)
//	@container          a node whose items are scanned for definitions too:
//	                    a query with containers is shallow (see scanShallow)
//	@container.if_error a container only when its subtree has a syntax error:
//	                    C function bodies, where error recovery may have
//	                    swallowed the functions that follow
//	@container.if_nested a container only when its text holds a '{' after
//	                    its first byte: C struct bodies, which can define
//	                    types only inside nested braces
//	@container.body     a function body (C++, Go), or a declaration that may
//	                    hold one: scanned at every depth, like the
//	                    whole-tree query, when the lexer marked an offset
//	                    inside it after its first byte (a keyword that may
//	                    start a local definition, an #include); else one
//	                    level deep when its subtree has a syntax error; else
//	                    not at all
//	@container.items    like @container.body, but what is scanned at every
//	                    depth is, for each mark inside it, the node whose
//	                    token starts at the mark (Rust's fn, impl, use, ...
//	                    make their item), not the whole body: nested
//	                    definitions are common in Rust (a use in a body),
//	                    and the rest of the body holds none
//	@container.deep     a node always scanned at every depth: code outside any
//	                    function that is rare but may hold definitions (C++
//	                    statements at file scope)
//	@container.if_marked a container (one level deep) only when the lexer
//	                    marked an offset anywhere inside it, or its subtree
//	                    has a syntax error: Python's blocks and compound
//	                    statements, where definitions nest at any depth but
//	                    only as statements, so the scan follows the
//	                    statements that lead to a mark and never walks an
//	                    expression
//	@_...               helpers for predicates, ignored
//
//go:embed queries/*.scm
var queryFiles embed.FS

type role uint8

const (
	roleIgnore role = iota
	roleDefinition
	roleName
	roleTypeBody
	roleDeclarator
	roleReceiver
	roleScope
	roleComment
	roleBranch
	roleImport
	roleContainer
	roleContainerIfError
	roleContainerIfNested
	roleContainerBody
	roleContainerDeep
	roleCallee
	roleContainerItems
	roleContainerIfMarked
)

// compiled is a language's grammar with its queries, and what the analyzer
// needs to read captures quickly: a role and a symbol kind per capture index,
// and node-kind ids for the few kinds it inspects.
type compiled struct {
	lang  *ts.Language
	query *ts.Query
	roles []role
	kinds []string // for roleDefinition: the kind after "definition."
	// shallow queries have @container captures and run one level deep on
	// each container instead of over the whole tree, in C (ctree.go);
	// cRoles is what C does with each capture index.
	shallow bool
	cRoles  []uint8
	// deep is the shallow query again, without the patterns that capture
	// nothing but containers: a deep scan ignores containers, and in it
	// those patterns would match nearly every node (every statement, every
	// expression) for nothing.
	deep *ts.Query

	// Used to resolve @declarator and @typebody without string compares.
	fieldDeclarator, fieldName, fieldScope   uint16
	kindQualified, kindStruct, kindInterface uint16
	kindParenDecl, kindRefDecl, kindAttrDecl uint16
	// kindBinary is the node kind whose && and || operators are decision
	// points, for a lexer that leaves them to the tree (cLex.logic), and
	// logicLen their tokens' length (Language.logicKind); kindIf the kind
	// whose if token is one (Rust: not a match guard's).
	kindBinary, kindIf uint16
	logicLen           uint32
}

func compile(l *Language) (*compiled, error) {
	src, err := queryFiles.ReadFile("queries/" + l.query)
	if err != nil {
		return nil, fmt.Errorf("parse: %s: query file: %w", l.Name, err)
	}
	lang := ts.NewLanguage(l.grammar())
	q, qerr := ts.NewQuery(lang, string(src))
	if qerr != nil {
		return nil, fmt.Errorf("parse: %s: queries/%s: %v", l.Name, l.query, qerr)
	}
	c := &compiled{lang: lang, query: q}
	for _, name := range q.CaptureNames() {
		r, kind := captureRole(name)
		c.roles = append(c.roles, r)
		c.shallow = c.shallow || r == roleContainer || r == roleContainerIfError || r == roleContainerIfNested || r == roleContainerBody || r == roleContainerDeep || r == roleContainerItems || r == roleContainerIfMarked
		c.kinds = append(c.kinds, kind)
		c.cRoles = append(c.cRoles, cRole(r))
	}
	if c.shallow {
		for i, r := range c.roles {
			switch r {
			case roleIgnore, roleContainer, roleContainerIfError, roleContainerIfNested, roleContainerBody, roleContainerDeep, roleContainerItems, roleContainerIfMarked,
				roleDefinition, roleName, roleDeclarator, roleImport, roleTypeBody, roleReceiver, roleScope, roleCallee:
			default:
				return nil, fmt.Errorf("parse: %s: queries/%s: capture @%s is not supported in a shallow query (one with @container)", l.Name, l.query, q.CaptureNames()[i])
			}
		}
		for i := range q.PatternCount() {
			if len(q.TextPredicates[i]) > 0 || len(q.GeneralPredicates(i)) > 0 {
				return nil, fmt.Errorf("parse: %s: queries/%s: a shallow query (one with @container) runs in C, which does not check predicates", l.Name, l.query)
			}
		}
		deep, qerr := ts.NewQuery(lang, string(src))
		if qerr != nil {
			return nil, fmt.Errorf("parse: %s: queries/%s: %v", l.Name, l.query, qerr)
		}
		for i := range q.PatternCount() {
			kept := false
			for id, n := range q.CaptureQuantifiers(i) {
				kept = kept || n != ts.CaptureQuantifierZero && c.cRoles[id] == cRole(roleDefinition)
			}
			if !kept {
				deep.DisablePattern(i)
			}
		}
		c.deep = deep
	}
	// Ids of 0 mean "not in this grammar", which never matches a real node.
	c.fieldDeclarator = lang.FieldIdForName("declarator")
	c.fieldName = lang.FieldIdForName("name")
	c.fieldScope = lang.FieldIdForName("scope")
	c.kindQualified = lang.IdForNodeKind("qualified_identifier", true)
	c.kindStruct = lang.IdForNodeKind("struct_type", true)
	c.kindInterface = lang.IdForNodeKind("interface_type", true)
	c.kindParenDecl = lang.IdForNodeKind("parenthesized_declarator", true)
	c.kindRefDecl = lang.IdForNodeKind("reference_declarator", true)
	c.kindAttrDecl = lang.IdForNodeKind("attributed_declarator", true)
	c.kindBinary, c.logicLen = lang.IdForNodeKind("binary_expression", true), 2
	if l.logicKind != "" {
		c.kindBinary, c.logicLen = lang.IdForNodeKind(l.logicKind, true), l.logicLen
	}
	c.kindIf = lang.IdForNodeKind("if_expression", true)
	return c, nil
}

func captureRole(name string) (role, string) {
	switch {
	case strings.HasPrefix(name, "definition."):
		return roleDefinition, strings.TrimPrefix(name, "definition.")
	case name == "name":
		return roleName, ""
	case name == "typebody":
		return roleTypeBody, ""
	case name == "declarator":
		return roleDeclarator, ""
	case name == "receiver":
		return roleReceiver, ""
	case name == "scope":
		return roleScope, ""
	case name == "comment":
		return roleComment, ""
	case name == "branch":
		return roleBranch, ""
	case name == "import":
		return roleImport, ""
	case name == "container":
		return roleContainer, ""
	case name == "container.if_error":
		return roleContainerIfError, ""
	case name == "container.if_nested":
		return roleContainerIfNested, ""
	case name == "container.body":
		return roleContainerBody, ""
	case name == "container.deep":
		return roleContainerDeep, ""
	case name == "callee":
		return roleCallee, ""
	case name == "container.items":
		return roleContainerItems, ""
	case name == "container.if_marked":
		return roleContainerIfMarked, ""
	}
	return roleIgnore, ""
}
