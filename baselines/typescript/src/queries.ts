// The tree-sitter queries: Go is hive's own (engine/parse/queries/go.scm);
// C is the whole-tree query hive's C analysis is held to
// (c_reference.scm), the one a team without hive's hand-written lexer
// would write.
export const GO_QUERY = `
(comment) @comment
(function_declaration name: (identifier) @name) @definition.function
(method_declaration
  receiver: (parameter_list) @receiver
  name: (field_identifier) @name) @definition.method
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
`;

export const C_QUERY = `
(comment) @comment
(function_definition declarator: (_) @declarator) @definition.function
(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.union
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(preproc_include path: (_) @import)
[
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (conditional_expression)
] @branch
(case_statement value: (_)) @branch
(binary_expression operator: ["&&" "||"] @branch)
`;
