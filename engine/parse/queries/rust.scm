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

; A name that is a macro's metavariable ($name) makes no symbol, but the
; body is scanned all the same.
(function_item name: [(identifier) @name (metavariable)] body: (block) @container.items) @definition.function

; Field types and discriminants may hold blocks ([u8; { ... }]).
(struct_item name: (type_identifier) @name body: (_)? @container.items) @definition.struct
(enum_item name: (type_identifier) @name body: (_) @container.items) @definition.enum
(union_item name: (type_identifier) @name body: (_) @container.items) @definition.union
(type_item name: (type_identifier) @name type: (_) @container.items) @definition.type
(trait_item name: (type_identifier) @name body: (declaration_list) @container) @definition.trait
(mod_item name: (identifier) @name body: (declaration_list)? @container) @definition.module
(macro_definition name: (identifier) @name) @definition.macro

; An impl block is not a symbol, but functions inside it are methods of its type.
(impl_item type: (_) @name body: (declaration_list)? @container) @scope
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
] @container.items
