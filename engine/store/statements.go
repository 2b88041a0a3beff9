package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// statements are prepared once and reused for the life of the Store:
// preparing is a large part of a single-row operation's cost. The writer's
// run and cache statements are prepared at Open, the rest on first use
// (Store.reads, Store.files).
type statements struct {
	mu  sync.Mutex // guards all
	all []*sql.Stmt

	reads, files lazyGroup

	insertConversation *sql.Stmt
	finishConversation *sql.Stmt
	getConversation    *sql.Stmt
	insertMessage      *sql.Stmt
	listMessages       *sql.Stmt

	cacheGet    *sql.Stmt
	cachePut    *sql.Stmt
	cacheDelete *sql.Stmt

	upsertFile          *sql.Stmt
	deleteSymbols       *sql.Stmt
	maxSymbolID         *sql.Stmt
	indexSymbols        *sql.Stmt
	deleteFile          *sql.Stmt
	deleteSymbolsByPath *sql.Stmt
	fileStates          *sql.Stmt
	countFiles          *sql.Stmt
	searchSymbols       *sql.Stmt

	// symbolInserts[k] inserts 1<<k symbol rows in one statement: a file's
	// symbols go in a few round trips (50 = 32+16+2) instead of one each.
	// They are prepared before the first write transaction that uses
	// them (Store.files): preparing inside one would wait forever for the
	// writer's only connection.
	symbolInserts [symbolInsertSizes]*sql.Stmt
}

// symbolInsertSizes is how many power-of-two INSERT sizes are prepared:
// 1, 2, 4, ... 64 rows (7 parameters each, far below SQLite's limit).
const symbolInsertSizes = 7

func symbolInsertSQL(rows int) string {
	return "INSERT INTO symbols(file_id, name, kind, parent, start_line, end_line, complexity) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?),", rows), ",")
}

// prepare prepares the statements every Store uses, on the writer, at Open.
// The readers' statements are readied in the background from Open (reads):
// `hive serve`'s first 200 need not wait for a reader connection (its own
// SQLite connection, schema read and all), and its first read should not
// pay for one either. The analysis statements wait for their first use
// (files): `hive serve` never analyses.
func (s *Store) prepare() error {
	st := &s.stmts
	w := func(dst **sql.Stmt, q string) error { return st.prep(s.w, dst, q) }
	return errors.Join(
		w(&st.insertConversation, `INSERT INTO conversations(created_at, question, context, profile, cache_key, status, final, total_cost, latency_ns, owner)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		w(&st.finishConversation, `UPDATE conversations SET status = ?, final = ?, total_cost = ?, latency_ns = ? WHERE id = ?`),
		w(&st.insertMessage, `INSERT INTO messages(conversation_id, seq, role, stage, model, content, prompt_tokens, completion_tokens,
			cost, ttft_ns, latency_ns, status, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		w(&st.cachePut, `INSERT INTO response_cache(key, value, created_at, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at`),
		w(&st.cacheDelete, `DELETE FROM response_cache WHERE key = ? AND expires_at = ?`),
	)
}

// reads readies the readers' statements of conversations and the cache.
func (s *Store) reads() error {
	return s.stmts.reads.ready(s.path, func() error {
		st := &s.stmts
		r := func(dst **sql.Stmt, q string) error { return st.prep(s.r, dst, q) }
		return errors.Join(
			r(&st.getConversation, `SELECT id, created_at, question, context, profile, cache_key, status, final, total_cost, latency_ns
			FROM conversations WHERE id = ?`),
			r(&st.listMessages, `SELECT id, conversation_id, seq, role, stage, model, content, prompt_tokens, completion_tokens,
			cost, ttft_ns, latency_ns, status, error, created_at FROM messages WHERE conversation_id = ? ORDER BY seq, id`),
			r(&st.cacheGet, `SELECT value, expires_at FROM response_cache WHERE key = ?`),
		)
	})
}

// files readies the analysis statements. It must be called before a write
// transaction begins: preparing inside one would wait forever for the
// writer's only connection.
func (s *Store) files() error {
	return s.stmts.files.ready(s.path, func() error {
		st := &s.stmts
		w := func(dst **sql.Stmt, q string) error { return st.prep(s.w, dst, q) }
		r := func(dst **sql.Stmt, q string) error { return st.prep(s.r, dst, q) }
		steps := []error{
			w(&st.upsertFile, `INSERT INTO files(path, content_hash, size, mod_time, language, lines, code, comments, blanks,
				complexity, errors, symbol_count, function_count, imports, analyzed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size,
				mod_time = excluded.mod_time, language = excluded.language, lines = excluded.lines, code = excluded.code,
				comments = excluded.comments, blanks = excluded.blanks, complexity = excluded.complexity,
				errors = excluded.errors, symbol_count = excluded.symbol_count, function_count = excluded.function_count,
				imports = excluded.imports, analyzed_at = excluded.analyzed_at
				RETURNING id`),
			w(&st.deleteSymbols, `DELETE FROM symbols WHERE file_id = ?`),
			w(&st.maxSymbolID, `SELECT coalesce(max(id), 0) FROM symbols`),
			w(&st.indexSymbols, `INSERT INTO symbols_fts(rowid, name) SELECT id, name FROM symbols WHERE id > ?`),
			w(&st.deleteFile, `DELETE FROM files WHERE path = ?`),
			w(&st.deleteSymbolsByPath, `DELETE FROM symbols WHERE file_id = (SELECT id FROM files WHERE path = ?)`),
			r(&st.countFiles, `SELECT count(*) FROM files WHERE path >= ? AND path < ?`),
			r(&st.fileStates, `SELECT path, content_hash, size, mod_time, language, lines, code, comments, blanks, complexity,
				errors, symbol_count, function_count FROM files WHERE path >= ? AND path < ?`),
			// LIMIT is a CAST because with a bare LIMIT ? the bundled SQLite (3.54)
			// reads the bound value while planning and marks the statement to be
			// re-prepared whenever that parameter is bound again, i.e. on every
			// search, and re-preparing this join is a large part of its cost. The
			// MATCH argument did the same through FTS5's planning until every
			// connection got the planner stability guarantee (sqliteconfig.go).
			r(&st.searchSymbols, `SELECT s.name, s.kind, s.parent, s.start_line, s.end_line, s.complexity, f.path, f.language
				FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid JOIN files f ON f.id = s.file_id
				WHERE symbols_fts MATCH ? ORDER BY length(s.name), s.name, f.path, s.start_line LIMIT CAST(? AS INTEGER)`),
		}
		for k := range st.symbolInserts {
			steps = append(steps, w(&st.symbolInserts[k], symbolInsertSQL(1<<k)))
		}
		return errors.Join(steps...)
	})
}

func (st *statements) prep(db *sql.DB, dst **sql.Stmt, q string) error {
	stmt, err := db.Prepare(q)
	if err != nil {
		return fmt.Errorf("%w in %q", err, q)
	}
	*dst = stmt
	st.mu.Lock()
	st.all = append(st.all, stmt)
	st.mu.Unlock()
	return nil
}

func (st *statements) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, s := range st.all {
		s.Close()
	}
	st.all = nil
}

// lazyGroup prepares a group of statements once, on first use. A failed
// preparation is not remembered: the next use tries again (a database that
// was busy then may not be now).
type lazyGroup struct {
	mu   sync.Mutex
	done atomic.Bool
}

func (g *lazyGroup) ready(path string, prepare func() error) error {
	if g.done.Load() {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done.Load() {
		return nil
	}
	if err := prepare(); err != nil {
		return fmt.Errorf("store: %s: preparing statements: %w", path, err)
	}
	g.done.Store(true)
	return nil
}
