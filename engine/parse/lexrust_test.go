package parse

import (
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
)

// rustReference is Rust with the whole-tree query it used before the
// shallow scan and the lexer: the oracle both are held to.
var rustReference = &Language{Name: "rust", grammar: tsrust.Language, query: "rust_reference.scm"}
