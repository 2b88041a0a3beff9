; Rust. Capture roles are described in query.go.
;
; This query is shallow, like Go's and C++'s (go.scm, cpp.scm): it runs one
; level deep on the file and on each @container (module, impl, trait and
; extern bodies, error regions), and every pattern is rooted at an item. In
; a function body, or any other item that holds expressions
; (@container.items), the item at each token the lexer marked (fn, struct,
; impl, use, ...: see lexrust.go) is scanned at every depth, as the
; whole-tree query scanned it, and nothing else; a body with no mark is
; scanned one level deep if it has a syntax error, else not at all.
; Comments and decision points come from the lexer; the whole-tree query it
; replaces is rust_reference.scm.

(ERROR) @container

; An item that holds expressions is captured whole, its header included
; ("fn f() -> [u8; { fn g() {} 1 }]", "struct S([u8; { ... }])"): the mark
; of its own keyword ("pub fn") is not scanned. A name that is a macro's
; metavariable ($name) makes no symbol, but the item is scanned all the
; same.
(function_item name: [(identifier) @name (metavariable)]) @definition.function @container.items
(struct_item name: (type_identifier) @name) @definition.struct @container.items
(enum_item name: (type_identifier) @name) @definition.enum @container.items
(union_item name: (type_identifier) @name) @definition.union @container.items
(type_item name: (type_identifier) @name) @definition.type @container.items
; Bodies of traits and impls are containers, their headers items: a type
; may hold a block (Foo<{ ... }>), a where clause's too.
(trait_item (where_clause) @container.items)
(impl_item (where_clause) @container.items)
(trait_item
  name: (type_identifier) @name
  type_parameters: (_)? @container.items
  bounds: (_)? @container.items
  body: (declaration_list) @container) @definition.trait
(mod_item name: (identifier) @name body: (declaration_list)? @container) @definition.module
(macro_definition name: (identifier) @name) @definition.macro

; An impl block is not a symbol, but functions inside it are methods of its type.
(impl_item
  type_parameters: (_)? @container.items
  trait: (_)? @container.items
  type: (_) @name @container.items
  body: (declaration_list)? @container) @scope
(foreign_mod_item body: (declaration_list) @container)

(use_declaration argument: (_) @import)
(extern_crate_declaration name: (identifier) @import)

; Items and statements that hold expressions, and so maybe blocks with
; items in them: "static S: T = { fn f() {} ... };" (statements stand at
; the top of a file to tree-sitter-rust, and in a broken body).
[
  (const_item)
  (static_item)
  (let_declaration)
  (expression_statement)
  (attribute_item)
  (inner_attribute_item)
  (function_signature_item)
  (associated_type)
] @container.items
