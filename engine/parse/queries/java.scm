; Java. Capture roles are described in query.go.
;
; This query is shallow, like Go's (go.scm): it runs one level deep on the
; file and on each @container (type bodies), and every pattern is rooted at
; an item of one. Comments and decision points come from the lexer
; (lexjava.go); the whole-tree query it replaces is java_reference.scm.
;
; Java defines types and methods at any depth (local and anonymous classes,
; lambdas holding them), so everything that holds code is a
; @container.body: scanned at every depth, as the whole-tree query did,
; when the lexer marked a token in it that may start a definition (class,
; interface, enum, record, import, an anonymous class's '{'), else not at
; all (or one level deep, with a syntax error). That is a method or a
; constructor (its body, and its annotations, whose arguments are
; expressions to the grammar), a type's header, fields, initializers, enum
; constants, annotation defaults, and statements outside any class.

(ERROR) @container

(class_declaration name: (identifier) @name body: (class_body) @container) @definition.class
(record_declaration name: (identifier) @name body: (class_body) @container) @definition.class
(interface_declaration name: (identifier) @name body: (interface_body) @container) @definition.interface
(annotation_type_declaration name: (identifier) @name body: (annotation_type_body) @container) @definition.interface
(enum_declaration name: (identifier) @name body: (enum_body) @container) @definition.enum
(enum_body_declarations) @container
(enum_constant body: (class_body) @container)

; The whole method, header and body: the lexer's marks never fall on a
; method's own '{', so a method is scanned only when something in it may
; start a definition.
(method_declaration name: (identifier) @name) @definition.method @container.body
(constructor_declaration name: (identifier) @name) @definition.method @container.body

(class_declaration [(modifiers) (type_parameters) (superclass) (super_interfaces) (permits)] @container.body)
(record_declaration [(modifiers) (type_parameters) (formal_parameters) (super_interfaces)] @container.body)
(interface_declaration [(modifiers) (type_parameters) (extends_interfaces) (permits)] @container.body)
(annotation_type_declaration (modifiers) @container.body)
(enum_declaration [(modifiers) (super_interfaces)] @container.body)

[
  (field_declaration)
  (constant_declaration)
  (annotation_type_element_declaration)
  (static_initializer)
  (block)
  (compact_constructor_declaration)
  (enum_constant)
  (package_declaration)
  (module_declaration)
  (assert_statement)
  (break_statement)
  (continue_statement)
  (do_statement)
  (enhanced_for_statement)
  (expression_statement)
  (for_statement)
  (if_statement)
  (labeled_statement)
  (local_variable_declaration)
  (return_statement)
  (switch_expression)
  (synchronized_statement)
  (throw_statement)
  (try_statement)
  (try_with_resources_statement)
  (while_statement)
  (yield_statement)
] @container.body

; The whole declaration, so "import java.util.*;" keeps its asterisk;
; importPath strips the keywords.
(import_declaration) @import
