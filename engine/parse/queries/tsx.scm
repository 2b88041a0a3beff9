; TSX: typescript.scm with JSX elements for type assertions (<T>x, which
; TSX has not). Capture roles are described in query.go.
;
; This query is shallow, like C's (c.scm): it runs one level deep on the
; file and on each @container, so it never walks a function body unless
; the lexer marked a token in it that may start a definition
; (@container.body, then at every depth). Comments and decision points
; come from the lexer (lexjs.go); the whole-tree query it replaces is
; typescript_reference.scm.
;
; A pattern fires in every scan in which its root lies at depth 0 or 1, so
; a pattern that captures a @container, a @container.body or an @import
; below its root must never be rooted at a kind that is also pushed as a
; @container while its parent is scanned too (it would fire twice). The
; containers are therefore neutral: ERROR, declarations, class bodies,
; blocks, and export statements with a declaration or a value.

(ERROR) @container

; Declarations: each declarator is an item of its declaration.
[(lexical_declaration) (variable_declaration)] @container
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator value: (_) @container.body)
(variable_declarator name: [(object_pattern) (array_pattern)] @container.body)

(function_declaration
  name: (identifier) @name
  parameters: (_) @container.body
  body: (_) @container.body) @definition.function
(generator_function_declaration
  name: (identifier) @name
  parameters: (_) @container.body
  body: (_) @container.body) @definition.function

(class_declaration name: (_) @name body: (class_body) @container) @definition.class
(class_declaration (class_heritage) @container.body)
(class_declaration decorator: (_) @container.body)

(abstract_class_declaration name: (_) @name body: (class_body) @container) @definition.class
(abstract_class_declaration (class_heritage) @container.body)
(abstract_class_declaration decorator: (_) @container.body)

(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum

; Types hold no definitions, but tree-sitter-typescript accepts a
; declaration in an object type ("type A = {export interface B {}}"): a
; type is scanned when the lexer marked one in it.
(interface_declaration body: (_) @container.body)
(type_alias_declaration value: (_) @container.body)
(variable_declarator type: (_) @container.body)
[
  (function_declaration return_type: (_) @container.body)
  (generator_function_declaration return_type: (_) @container.body)
  (method_definition return_type: (_) @container.body)
  (function_declaration type_parameters: (_) @container.body)
  (generator_function_declaration type_parameters: (_) @container.body)
  (method_definition type_parameters: (_) @container.body)
  (class_declaration type_parameters: (_) @container.body)
  (abstract_class_declaration type_parameters: (_) @container.body)
  (interface_declaration type_parameters: (_) @container.body)
  (type_alias_declaration type_parameters: (_) @container.body)
]
(import_statement (import_require_clause source: (string) @import))

; Namespaces and modules: their bodies are containers.
(expression_statement (internal_module body: (_) @container))
(internal_module body: (_) @container)
(module body: (_) @container)
(ambient_declaration) @container
; Class expressions are found by a deep scan (the lexer marks "class").
(class name: (_) @name) @definition.class

; Members of a class body (and methods of object literals, in deep scans).
(method_definition
  name: (_) @name
  parameters: (_) @container.body
  body: (_) @container.body) @definition.method
(method_definition name: (computed_property_name) @container.body)
[(public_field_definition) (class_static_block)] @container.body
(decorator) @container.body

; An export is a container when it wraps a declaration or a value, which
; the patterns here find one level down; one with a source is not.
(import_statement source: (string) @import)
(export_statement source: (string) @import)
(export_statement declaration: (_)) @container
(export_statement value: (_)) @container

; require("x") with one string argument (the callee is checked in Go).
(call_expression
  function: (identifier) @callee
  arguments: (arguments . (string) @import .))

; Statements, scanned when the lexer marked them; blocks are containers.
[
  (if_statement) (for_statement) (for_in_statement) (while_statement) (do_statement)
  (switch_statement) (try_statement) (with_statement) (labeled_statement)
  (return_statement) (throw_statement)
] @container.body
(statement_block) @container
(expression_statement [
  (array) (arrow_function) (as_expression) (assignment_expression)
  (augmented_assignment_expression) (await_expression) (binary_expression)
  (call_expression) (class) (function_expression) (generator_function)
  (instantiation_expression) (member_expression) (new_expression) (non_null_expression)
  (object) (parenthesized_expression) (satisfies_expression) (subscript_expression)
  (template_string) (ternary_expression) (jsx_element) (jsx_self_closing_element) (unary_expression)
  (update_expression) (yield_expression) (sequence_expression)
] @container.body)
; An export's value, one level down in the export's scan.
[
  (array) (arrow_function) (as_expression) (assignment_expression)
  (augmented_assignment_expression) (await_expression) (binary_expression)
  (call_expression) (class) (function_expression) (generator_function)
  (instantiation_expression) (member_expression) (new_expression) (non_null_expression)
  (object) (parenthesized_expression) (satisfies_expression) (subscript_expression)
  (template_string) (ternary_expression) (jsx_element) (jsx_self_closing_element) (unary_expression)
  (update_expression) (yield_expression) (sequence_expression)
] @container.body
