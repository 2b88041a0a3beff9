; Go, the whole-tree reference: the query Go ran before the shallow scan
; and the lexer (go.scm, lexgo.go). Only tests use it, as the oracle both
; are held to. Capture roles are described in query.go.

(comment) @comment

(function_declaration name: (identifier) @name) @definition.function

(method_declaration
  receiver: (parameter_list) @receiver
  name: (field_identifier) @name) @definition.method

; struct, interface or other type: decided from the @typebody node's kind.
(type_spec name: (type_identifier) @name type: (_) @typebody) @definition.auto

(type_alias name: (type_identifier) @name) @definition.type

(import_spec path: (_) @import)

[
  (if_statement)
  (for_statement)
  (expression_case)
  (type_case)
  (communication_case)
] @branch

(binary_expression operator: ["&&" "||"] @branch)
