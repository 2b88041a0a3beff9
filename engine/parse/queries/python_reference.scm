; Python. Capture roles are described in query.go. Docstrings are string
; expressions, so they count as code, not comments.

(comment) @comment

(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class

(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (_) @import)

[
  (if_statement)
  (elif_clause)
  (for_statement)
  (while_statement)
  (except_clause)
  (except_group_clause)
  (conditional_expression)
  (boolean_operator)
  (for_in_clause)
  (if_clause)
  (case_clause)
] @branch
