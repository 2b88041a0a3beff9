; C. Capture roles are described in query.go.
;
; This query is shallow: it runs one level deep on the file and on each
; @container (see scanShallow), so it never walks a function body, and every
; pattern is rooted at an item of a container. Comments and decision points
; come from the lexer (lexc.go), not from here.

[
  (preproc_if)
  (preproc_ifdef)
  (preproc_else)
  (preproc_elif)
  (preproc_elifdef)
  (ERROR)
] @container
(linkage_specification body: (declaration_list) @container)

; The name sits at the bottom of a declarator chain (pointer, parenthesized,
; function declarators), resolved in Go from @declarator. A syntax error in
; a function may make tree-sitter swallow the functions that follow into
; its body; then the body is scanned too.
(function_definition declarator: (_) @declarator body: (_) @container.if_error) @definition.function

(type_definition declarator: (type_identifier) @name) @definition.type

(preproc_include path: (_) @import)

; Types with a body, named or not: a definition when named, and a struct or
; union body is a container (it may define more types, if it has nested
; braces). A type is either an item itself ("struct s {...};") or the type
; of one (a declaration, a typedef, a field). The parents are spelt out: a
; pattern rooted at a wildcard (_ type: ...) starts at its child for
; tree-sitter, one level too deep for a shallow scan. One pattern per
; parent, with the kinds as alternatives, keeps the query cursor's work per
; item small.
[
  (struct_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.struct
  (union_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.union
  (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
]
(declaration type: [
  (struct_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.struct
  (union_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.union
  (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
])
(type_definition type: [
  (struct_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.struct
  (union_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.union
  (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
])
(field_declaration type: [
  (struct_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.struct
  (union_specifier name: (type_identifier)? @name body: (field_declaration_list) @container.if_nested) @definition.union
  (enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
])
