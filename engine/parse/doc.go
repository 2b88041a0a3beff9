// Package parse is hive's source analyzer: it walks a tree in parallel,
// parses Go, C, C++, JavaScript, TypeScript/TSX, Python, Rust and Java with
// tree-sitter (github.com/tree-sitter/go-tree-sitter v0.25.0 and the
// official grammars), and reports per file the language, size, lines
// (code / comment / blank), symbols (functions, methods with their parent
// type, classes, structs, enums, interfaces, traits, type aliases, ...),
// imports, cyclomatic complexity per function and per file, and the count
// of syntax-error nodes. With a store it is incremental.
//
// # Using it
//
// One file:
//
//	a := parse.NewAnalyzer() // one per goroutine; reuses parsers and cursor
//	defer a.Close()
//	an, ok, err := a.AnalyzeFile("x.go", src)
//
// A tree, streaming every result and persisting to the store:
//
//	sum, err := parse.Run(ctx, "/src/linux", parse.Options{Jobs: 2, Store: st, OnFile: fn})
//
// `hive analyze PATH` and `hive symbols QUERY` (cmd/hive) are the CLI.
//
// # How it stays fast
//
//   - Extraction is tree-sitter queries (queries/<lang>.scm, embedded; one
//     compiled query per language, built on first use and shared by all
//     workers since a compiled query is immutable). One query pass per file
//     captures definitions, comments, decision points and imports; Go only
//     sees those captures, never every node. Decision points are attributed
//     to the innermost enclosing function by byte range; comment ranges
//     feed one byte scan that classifies lines. Syntax errors are counted
//     by descending only into subtrees that report one.
//   - C and C++ go further, because a query cursor still visits every
//     node, which on the Linux kernel cost 40% on top of parsing (on
//     Chromium, mostly C++, 41%). Their queries are shallow: they run one
//     level deep on the file and on each container they find (preprocessor
//     conditionals, struct and class bodies, namespaces, templates, extern
//     blocks, error regions), so they never enter a function body; and
//     comments and decision points come from a lexer (lexc.go), one byte
//     scan that finds the same tokens as the grammar. C++ leaves the tree
//     one question: whether an && or || is a binary operator (T&& is a
//     reference), which one cursor walk down to those tokens answers; and a
//     function body in which the lexer saw what may start a local
//     definition (class, typedef, using X =, #include) is scanned whole. A
//     differential test and the fuzz targets hold both to the whole-tree
//     queries they replaced (queries/c_reference.scm, cpp_reference.scm).
//   - Go too (the whole-tree query cost 55-65% on top of parsing on
//     GOROOT/src): its query reads the file's top-level declarations, a
//     lexer (lexgo.go) finds comments and decision points, and a function
//     body is scanned whole only if it declares a local type. Over all of
//     GOROOT/src the result is the whole-tree query's
//     (queries/go_reference.scm), file for file.
//   - Java too (the whole-tree query cost 70% on top of parsing Apache
//     Tomcat): its query reads the file and type bodies one level deep, a
//     lexer (lexjava.go) finds comments and decision points, and a method,
//     initializer, field or type header is scanned whole only if the lexer
//     saw in it what may start a definition (class, interface, enum, a
//     record, an anonymous class's '{'). Java's local and anonymous classes
//     are real, so unlike C++ not one method nested in a method may go
//     unreported; over all of Tomcat 10.1.55 the result is the whole-tree
//     query's (queries/java_reference.scm), file for file.
//   - JavaScript, TypeScript and TSX too (the whole-tree query cost about
//     60% on top of parsing on Chromium's sources). Their definitions are
//     real at any depth (closures, local classes, object-literal methods),
//     so the lexer (lexjs.go), which finds comments and decision points
//     through regular expressions, template literals and JSX, also marks
//     every token that may start a definition: a function declaration, a
//     class, "const f = () =>", a method's "name(...) {", require(...), and
//     in TypeScript interface, enum and type X. A body holding one is
//     scanned whole, with the query stripped of its container patterns; a
//     callback, "f(() => ...)", is not a definition and marks nothing.
//     Bundled files (one function around everything) are scanned whole
//     regardless. TypeScript's '?' is also an optional member's or a
//     conditional type's: the tree keeps those of ternary expressions. Over
//     Chromium's 21,139 .js and 15,238 .ts files the result is the
//     whole-tree query's (javascript_reference.scm, typescript_reference.scm)
//     for every file without syntax errors.
//   - Rust too (the whole-tree query cost 60% on top of parsing Chromium's
//     vendored crates), with one difference: definitions are real at any
//     depth (a helper fn or a use in a body, an impl inside a function), so
//     every one must still be found. The lexer (lexrust.go) marks the
//     tokens that start one, and in a body only the items at those marks
//     are scanned whole; it skips macro and attribute token trees, where
//     neither a definition nor a decision point is, and leaves to the tree
//     the && and || that may join a let chain and the if that may be a
//     match guard. Over Chromium 150's Rust the result is the whole-tree
//     query's (queries/rust_reference.scm) on every error-free file.
//   - Python too (the whole-tree query made an analysis 1.6x a parse on
//     Chromium's Python), though its definitions and imports nest at any
//     depth (closures, local classes, imports inside functions): they are
//     statements, so its query follows blocks and compound statements, one
//     level at a time, into those where the lexer (lexpy.go) saw a def,
//     class or import, and never walks an expression. The lexer finds
//     comments and decision points, f-strings' interpolations included;
//     whether a case is a case clause or a name, the tree tells, as it
//     tells C++'s &&. Over Chromium's Python and CPython's library the
//     result is the whole-tree query's (queries/python_reference.scm),
//     file for file.
//   - Each worker owns an Analyzer (a parser per language and a query
//     cursor, reused) and is pinned to one OS thread, so tree-sitter's
//     malloc reuses one glibc arena per worker instead of warming a new one
//     on every thread the goroutine visits (see run.go). Every tree is closed
//     after its file.
//   - go-tree-sitter v0.25.0 routes every tree-sitter malloc and free through
//     a C→Go→C callback; allocator.go restores tree-sitter's plain libc
//     allocator at init (the upstream fix, go-tree-sitter PR #43, came after
//     v0.25.0). That callback cost more than parsing.
//   - The walker only lists directories; workers stat, read, hash and parse
//     in parallel. Results stream to the caller; one goroutine writes them to
//     the store in batches of 256 (one transaction each), off the workers'
//     path. Memory is bounded by the workers' current files, not the tree.
//   - A rerun compares size and mtime with the stored FileState first and
//     only reads and hashes files whose size or mtime changed; a file whose
//     hash still matches is not parsed again (it keeps its old mtime in the
//     store, so it is hashed again next time: the store has no call to
//     update an mtime alone). Cached files count in the summary from their
//     FileState. Stored files under the root that the walk no longer finds
//     (or can no longer analyse) are deleted, but only after a complete walk.
//
// # Which files, and what is reported
//
// A file is source if its extension is known (Languages) or, with no
// extension at all, if its shebang names a known interpreter (python,
// node, deno, ...). Other files are passed over silently: they are not
// source, so they are neither skipped nor errors. Directories .git, .hg,
// .svn, .bzr, _darcs, CVS, .jj and .pijul are never entered; symlinked
// directories are not followed (which also rules out loops); symlinks to
// files are followed. With Options.GitIgnore, .gitignore files are honoured
// (see gitignore.go for the supported syntax).
//
// Nothing is opened that is not a regular file (or a directory, to list it):
// internal/regularfile opens without blocking (a named pipe would otherwise
// wait for a writer for ever, out of reach of any context or signal) and
// checks the opened file, not an earlier stat that a rename could overtake.
//
// Bad input never stops a walk. Skipped (counted in Summary.Skipped, with a
// reason): binary files (a NUL byte in the first 8 KiB), files over the
// size cap (default 2 MiB, at most MaxFileSizeLimit: tree-sitter's offsets
// are 32-bit), symlinks to directories, FIFOs and other non-regular files.
// Errors (Summary.Errors, with a reason): unreadable files and directories,
// files deleted between listing and reading, broken symlinks, symlink
// loops. Files with invalid UTF-8 are analysed as they are and flagged with
// a warning. A root that does not exist, a size cap out of range, and (with
// GitIgnore) a .gitignore that exists but cannot be read — a named pipe,
// permission denied — are usage errors (exit code 2); the last comes back
// after the walk, with its results, since its rules were not applied.
//
// # Definitions
//
// A line is code if it has a non-blank byte outside comments, a comment
// line if its only non-blank bytes are inside comments, else blank
// (Python docstrings are strings, so code). A function's complexity is 1
// plus its decision points: if/elif, loops, case labels (not default),
// catch/except, the conditional operator and && || (and ?? in JS/TS, and/or
// in Python); closures and lambdas count toward the named function around
// them. A file's complexity is the sum over its functions plus the decision
// points outside any function. A function whose innermost enclosing symbol
// is a class, struct, interface, trait, enum, union or Rust impl block is a
// method with that parent; Go methods take the receiver type, and C++
// out-of-line definitions (Foo::bar) take the qualifier. Declarations
// without bodies (C prototypes, TS overload signatures, Rust trait method
// signatures) are not symbols, except Java interface methods, which the Java
// grammar calls method declarations like any other.
//
// C differs from the other languages in three ways, all from its
// shallow query and lexer: definitions inside function bodies (a local
// struct) are not symbols; the && and || of #if conditions are not decision
// points (the compiler decides them; macro bodies never counted); and a
// do-while loop counts at its while, which changes nothing but the byte
// offset. When tree-sitter's error recovery swallows functions into the
// body of a broken one, they are still found (the body of a function with a
// syntax error is scanned as a container). C++ shares the last two; its
// local types are symbols, as before, but a "function" directly inside a
// function body that the lexer did not mark is not reported, and its
// decision points count for the function around it: such a thing is a
// macro call followed by a block ("FOR_EACH(x) {"), which the grammar
// takes for a constructor, or error recovery's invention, never a function.
//
// # .h files
//
// A .h file is parsed as C: most headers in the trees this targets (the
// Linux kernel, C libraries) are C, and the C grammar is the faster one.
// If the C parse has syntax errors and the lexer saw a C++-only construct in
// the code (not in comments or strings: a::b, "template <", "namespace x",
// "virtual T", an access label such as "public:"), it is parsed again as
// C++ and the C++ result is kept if it has fewer syntax errors; the file is
// then reported as cpp. Clean C headers cost one parse; only headers that
// fail as C and hold C++ cost two.
package parse
