; C++, the whole-tree reference: the query C++ ran before the shallow scan
; and the lexer (cpp.scm, lexc.go). Only tests use it, as the oracle both
; are held to. Capture roles are described in query.go.

(comment) @comment

; Out-of-line "void Foo::bar()" resolves to method bar with parent Foo.
(function_definition declarator: (_) @declarator) @definition.function

(class_specifier name: (_) @name body: (field_declaration_list)) @definition.class
(struct_specifier name: (_) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (_) @name body: (field_declaration_list)) @definition.union
(enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type

(preproc_include path: (_) @import)

[
  (if_statement)
  (for_statement)
  (for_range_loop)
  (while_statement)
  (do_statement)
  (catch_clause)
  (conditional_expression)
] @branch

(case_statement value: (_)) @branch

(binary_expression operator: ["&&" "||"] @branch)
