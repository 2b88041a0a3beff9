; Python. Capture roles are described in query.go.
;
; This query is shallow: it runs one level deep on the module and on each
; container it finds, and every pattern is rooted at a statement or a
; clause. Definitions and imports are statements, so they are found by
; following blocks and compound statements down to them; a block or a
; compound statement is scanned only when the lexer (lexpy.go) marked a
; def, class or import inside it (@container.if_marked), or when it has a
; syntax error. Expressions, where nearly all nodes are, are never walked.
; Comments and decision points come from the lexer; the whole-tree query
; it replaces is python_reference.scm. Docstrings are string expressions,
; so they count as code, not comments.

(ERROR) @container

(function_definition name: (identifier) @name body: (block)? @container.if_marked) @definition.function
(class_definition name: (identifier) @name body: (block)? @container.if_marked) @definition.class

(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (_) @import)

; What a definition or an import may nest in. A block's items are
; statements; a compound statement's are its blocks and clauses; a
; decorated definition's is the definition.
[
  (block)
  (decorated_definition)
  (if_statement)
  (elif_clause)
  (else_clause)
  (for_statement)
  (while_statement)
  (try_statement)
  (except_clause)
  (except_group_clause)
  (finally_clause)
  (with_statement)
  (match_statement)
  (case_clause)
] @container.if_marked
