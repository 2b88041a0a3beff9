; C, the whole-tree reference: the query C ran before the lexer (lexc.go).
; Only tests use it, as the oracle the lexer and the shallow query are
; held to. Capture roles are described in query.go.

(comment) @comment

; The name sits at the bottom of a declarator chain (pointer, parenthesized,
; function declarators), resolved in Go from @declarator.
(function_definition declarator: (_) @declarator) @definition.function

(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.union
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type

(preproc_include path: (_) @import)

[
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (conditional_expression)
] @branch

; "default:" has no value and is not a decision.
(case_statement value: (_)) @branch

(binary_expression operator: ["&&" "||"] @branch)
