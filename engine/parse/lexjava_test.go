package parse

import (
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
)

// javaReference is Java with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var javaReference = &Language{Name: "java", grammar: tsjava.Language, query: "java_reference.scm"}
