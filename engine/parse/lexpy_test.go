package parse

import (
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// pythonReference is Python with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var pythonReference = &Language{Name: "python", grammar: tspython.Language, query: "python_reference.scm"}
