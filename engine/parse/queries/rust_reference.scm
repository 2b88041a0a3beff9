; Rust. Capture roles are described in query.go.

[(line_comment) (block_comment)] @comment

(function_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.union
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro

; An impl block is not a symbol, but functions inside it are methods of its type.
(impl_item type: (_) @name) @scope

(use_declaration argument: (_) @import)
(extern_crate_declaration name: (identifier) @import)

[
  (if_expression)
  (while_expression)
  (for_expression)
  (match_arm)
] @branch

(binary_expression operator: ["&&" "||"] @branch)
