; Go. Capture roles are described in query.go.
;
; This query is shallow, like C's (c.scm): it runs one level deep on the
; file and on each @container, so it never walks a function body unless
; the lexer saw a type declaration in it (@container.body), and every
; pattern is rooted at an item of the file. Comments and decision points
; come from the lexer (lexgo.go); the whole-tree query it replaces is
; go_reference.scm.

(ERROR) @container

; A body is scanned when it declares a local type (then at every depth, as
; the whole-tree query did), or when it has a syntax error (error recovery
; may have swallowed the declarations that follow).
(function_declaration name: (identifier) @name body: (block)? @container.body) @definition.function

(method_declaration
  receiver: (parameter_list) @receiver
  name: (field_identifier) @name
  body: (block)? @container.body) @definition.method

; A function literal in a declaration may declare local types too (rare:
; "var tests = []struct{...}{{f: func() { type P struct{...}; ... }}}").
[(var_declaration) (const_declaration) (type_declaration)] @container.body

; struct, interface or other type: decided from the @typebody node's kind.
; Rooted at the declaration, one match per spec, so that a declaration
; costs no scan of its own.
(type_declaration (type_spec name: (type_identifier) @name type: (_) @typebody) @definition.auto)
(type_declaration (type_alias name: (type_identifier) @name) @definition.type)

(import_declaration (import_spec path: (_) @import))
(import_declaration (import_spec_list (import_spec path: (_) @import)))
