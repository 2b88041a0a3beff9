; JavaScript (and JSX). Capture roles are described in query.go.

[(comment) (html_comment)] @comment

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (_) @name) @definition.class
(class name: (_) @name) @definition.class
(method_definition name: (_) @name) @definition.method

; const f = () => {}, var g = function () {}
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(import_statement source: (string) @import)
(export_statement source: (string) @import)

; require("x") with one string argument.
(call_expression
  function: (identifier) @_callee
  arguments: (arguments . (string) @import .)
  (#eq? @_callee "require"))

[
  (if_statement)
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
  (switch_case)
  (catch_clause)
  (ternary_expression)
] @branch

(binary_expression operator: ["&&" "||" "??"] @branch)
