// Package store is hive's SQLite database (github.com/mattn/go-sqlite3):
// consensus conversations and their per-stage messages, the response cache,
// and analysed source files with their symbols (FTS5-indexed by name). It
// knows nothing of benchmarks: the harness keeps its history in tables of
// its own (harness/history), by default in the same file.
//
// One Store holds two connection pools on the same file: a single writer
// connection (so writers in this process never contend with each other, and
// its transactions BEGIN IMMEDIATE so two processes wait on busy_timeout
// instead of failing with "database is locked") and a pool of query-only
// reader connections, which WAL lets run alongside the writer. Pragmas (WAL,
// synchronous=NORMAL, foreign_keys, busy_timeout, cache and mmap sizes) are
// applied by a connect hook, so every connection the pools ever open gets
// them, not only the first. Connections are opened without SQLite's own
// per-connection mutex (_mutex=no): database/sql never lets two goroutines
// use one connection at once, so the lock around every SQLite call bought
// nothing.
//
// The WAL is copied back into the database file (checkpointed) by a
// goroutine on a connection of its own once 500 frames wait, instead of
// inside whichever commit takes the WAL past SQLite's automatic threshold
// (1000 frames, still in force as the backstop, so as much and no more
// waits for a sync as before); see checkpointer. The WAL's length comes from
// SQLite's WAL hook on the writer, not from reading the -shm file: the store
// opens no descriptor of the database's files besides SQLite's own, because
// closing one would drop the POSIX locks SQLite holds on that file for the
// whole process (sqlite.org/howtocorrupt.html §2.2).
//
// Check runs PRAGMA integrity_check on a connection opened for it (FTS5's
// integrity method trusts a pooled connection's cached index structure
// without revalidating it) and FTS5's own comparison of the symbol index
// with the symbols table.
//
// Migrations are embedded SQL files (migrations/NNNN_name.sql), each applied
// in its own transaction and recorded in schema_migrations; running them
// again is a no-op, and a database whose schema is newer than this binary is
// refused rather than guessed at.
//
// FTS5 is compiled into mattn/go-sqlite3 only with the build tag
// sqlite_fts5 (the Makefile passes it: go build -tags sqlite_fts5). A binary
// built without it fails Open with one line naming the tag.
//
// Bad input — a path that is a directory, a file that is not a SQLite
// database, a truncated database, a place that cannot be written — fails
// Open with an error naming the path and the problem (exit code 2), and the
// file is not modified: the header is checked before SQLite opens the file
// (and skipped when another Store of this process has it open). The path
// is escaped into SQLite's URI, so the file opened is exactly the one named,
// '#', '?' and '%' included.
package store
