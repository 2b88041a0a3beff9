; Java, the whole-tree reference: the query Java ran before the shallow scan
; and the lexer (java.scm, lexjava.go). Only tests use it, as the oracle both
; are held to. Capture roles are described in query.go.

[(line_comment) (block_comment)] @comment

(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method

; The whole declaration, so "import java.util.*;" keeps its asterisk;
; importPath strips the keywords.
(import_declaration) @import

[
  (if_statement)
  (for_statement)
  (enhanced_for_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (ternary_expression)
] @branch

; "case x:" has an expression or pattern; "default:" has none. The anchor
; makes "case a, b:" one match, not one per label.
(switch_label . (_)) @branch

(binary_expression operator: ["&&" "||"] @branch)
