; C++. Capture roles are described in query.go.
;
; This query is shallow, like C's (c.scm): it runs one level deep on the
; file and on each @container, so it never walks a function body unless
; the lexer marked one (@container.body), and every pattern is rooted at an
; item of a container. Comments and decision points come from the lexer
; (lexc.go), not from here; the whole-tree query it replaces is
; cpp_reference.scm.

[
  (preproc_if)
  (preproc_ifdef)
  (preproc_else)
  (preproc_elif)
  (preproc_elifdef)
  (template_declaration)
  (friend_declaration)
  (linkage_specification)
  (declaration_list)
  (ERROR)
] @container
(namespace_definition body: (declaration_list) @container)

; Statements outside any function: the grammar accepts them (for code full
; of macros), and they may hold anything, "{ A() {} }" included. They are
; rare, so they are scanned at every depth, as the whole-tree query did.
(translation_unit
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(declaration_list
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(preproc_if
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(preproc_ifdef
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(preproc_else
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(preproc_elif
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)
(preproc_elifdef
  [(case_statement) (attributed_statement) (labeled_statement) (compound_statement)
   (expression_statement) (if_statement) (switch_statement) (do_statement) (while_statement)
   (for_statement) (return_statement) (break_statement) (continue_statement) (goto_statement)
   (co_return_statement) (co_yield_statement) (for_range_loop) (try_statement) (throw_statement)] @container.deep)

; A declaration may hold a lambda with a local class in it: scanned at
; every depth when the lexer marked its text after the first byte.
(declaration) @container.body

; Out-of-line "void Foo::bar()" resolves to method bar with parent Foo. The
; body is scanned when the lexer saw a local type, an alias or an #include
; in it, or when it has a syntax error (error recovery may have swallowed
; the functions that follow).
(function_definition declarator: (_) @declarator body: (_)? @container.body) @definition.function

(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type

(preproc_include path: (_) @import)

; Types with a body, named or not: a definition when named, and a class
; body is a container (methods, nested types). A type is an item itself
; ("class A {...};", also a template's) or the type of one (a declaration,
; a typedef, a field). As in c.scm, the parents are spelt out, one pattern
; per parent with the kinds as alternatives.
[
  (class_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.class
  (struct_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.struct
  (union_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.union
  (enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
]
(declaration type: [
  (class_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.class
  (struct_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.struct
  (union_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.union
  (enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
])
(type_definition type: [
  (class_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.class
  (struct_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.struct
  (union_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.union
  (enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
])
(field_declaration type: [
  (class_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.class
  (struct_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.struct
  (union_specifier name: (_)? @name body: (field_declaration_list) @container) @definition.union
  (enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
])
