package parse

import (
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
