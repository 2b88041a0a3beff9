package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/sqlitefile"
)

// SQLite keeps history in a SQLite file, by default the hive database (the
// same file as `--db`). Its tables and its schema version are the
// harness's, created and migrated here on a connection of its own; the
// engine's store knows nothing of them and keeps its own migrations beside
// them. The tables are named as they were when the engine's first
// migration created them (bench_runs, bench_results), so the history an
// older hive database holds is adopted as it is.
type SQLite struct {
	db   *sql.DB
	path string
}

var _ Backend = (*SQLite)(nil)

// sqliteQuery configures every connection: WAL (the engine may write the
// same file meanwhile), a busy timeout as long as the engine's, writes that
// take the lock when they begin, and foreign keys for the cascade.
const sqliteQuery = "_journal_mode=WAL&_busy_timeout=10000&_txlock=immediate&_foreign_keys=1&_synchronous=NORMAL"

// OpenSQLite opens (creating and migrating if needed) the history in the
// SQLite file at path. A path that is not a place for a database is an
// exit-code-2 error naming it.
func OpenSQLite(path string) (*SQLite, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, exitcode.UsageError("history: %s: %v", path, err)
	}
	if err := sqlitefile.Check(abs); err != nil {
		return nil, exitcode.UsageError("history: %v", err)
	}
	db, err := sql.Open("sqlite3", sqlitefile.URI(abs, sqliteQuery))
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", abs, err)
	}
	db.SetMaxOpenConns(1) // one caller at a time (Backend)
	s := &SQLite{db: db, path: abs}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Where is the database path.
func (s *SQLite) Where() string { return s.path }

// Close closes the database.
func (s *SQLite) Close() error { return s.db.Close() }

// sqliteSchema is the history's schema version in this file.
const sqliteSchema = 1

// migrate brings the file's history tables to sqliteSchema, in one
// transaction that holds the write lock, so two hivebench processes
// opening a new file at once apply it once.
//
// Version 1: the two tables (kept if an older hive database has them), a
// SHA-256 per document so that recording the same document again is one
// indexed lookup (filled in for documents already there), and an index of
// results by metric.
func (s *SQLite) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fileError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS history_schema (version INTEGER NOT NULL)`); err != nil {
		return s.fileError(err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM history_schema`).Scan(&have); err != nil {
		return s.fileError(err)
	}
	switch {
	case have > sqliteSchema:
		return exitcode.UsageError("history: %s has history schema %d, newer than this hivebench understands (%d); use a newer hivebench", s.path, have, sqliteSchema)
	case have == sqliteSchema:
		return nil
	}
	steps := []string{
		`CREATE TABLE IF NOT EXISTS bench_runs (
			id            INTEGER PRIMARY KEY,
			created_at    INTEGER NOT NULL,  -- the run's env.date, unix nanoseconds
			suite         TEXT    NOT NULL DEFAULT '',
			commit_id     TEXT    NOT NULL DEFAULT '',
			dirty         INTEGER NOT NULL DEFAULT 0,
			workload_hash TEXT    NOT NULL DEFAULT '',
			complete      INTEGER NOT NULL DEFAULT 1,
			document      BLOB    NOT NULL   -- the results file, byte for byte
		)`,
		`CREATE TABLE IF NOT EXISTS bench_results (
			id      INTEGER PRIMARY KEY,
			run_id  INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
			name    TEXT    NOT NULL,
			unit    TEXT    NOT NULL,
			n       INTEGER NOT NULL,
			p50     REAL    NOT NULL,
			p95     REAL    NOT NULL,
			p99     REAL    NOT NULL,
			mean    REAL    NOT NULL,
			min     REAL    NOT NULL,
			max     REAL    NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS bench_results_name ON bench_results(name, run_id)`,
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return s.fileError(err)
		}
	}
	if err := addDocHashes(ctx, tx); err != nil {
		return s.fileError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO history_schema(version) VALUES (?)`, sqliteSchema); err != nil {
		return s.fileError(err)
	}
	if err := tx.Commit(); err != nil {
		return s.fileError(err)
	}
	return nil
}

// addDocHashes adds bench_runs.doc_sha256 if it is missing, fills it for
// the documents already stored, and indexes it.
func addDocHashes(ctx context.Context, tx *sql.Tx) error {
	var has int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('bench_runs') WHERE name = 'doc_sha256'`).Scan(&has); err != nil {
		return err
	}
	if has == 0 {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE bench_runs ADD COLUMN doc_sha256 TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, document FROM bench_runs WHERE doc_sha256 = ''`)
	if err != nil {
		return err
	}
	type docID struct {
		id   int64
		hash string
	}
	var todo []docID
	for rows.Next() {
		var d docID
		var doc []byte
		if err := rows.Scan(&d.id, &doc); err != nil {
			rows.Close()
			return err
		}
		d.hash = docHash(doc)
		todo = append(todo, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE bench_runs SET doc_sha256 = ? WHERE id = ?`, d.hash, d.id); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS bench_runs_doc ON bench_runs(doc_sha256)`)
	return err
}

// fileError names the path, and marks errors SQLite raises about the file
// itself as bad input.
func (s *SQLite) fileError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt, sqlite3.ErrCantOpen, sqlite3.ErrReadonly, sqlite3.ErrPerm:
			return exitcode.UsageError("history: %s: %v", s.path, err)
		}
	}
	return fmt.Errorf("history: %s: %w", s.path, err)
}

// Nanosecond timestamps (the column's unit since the engine kept history)
// hold dates between these two; time.UnixNano is undefined outside.
var (
	minRunDate = time.Unix(0, math.MinInt64)
	maxRunDate = time.Unix(0, math.MaxInt64)
)

// Record stores f unless the same document is already there. A run whose
// date cannot be stored exactly is refused, not stored wrong.
func (s *SQLite) Record(ctx context.Context, f *results.File, doc []byte) (int64, bool, error) {
	if d := f.Env.Date; d.Before(minRunDate) || d.After(maxRunDate) {
		return 0, false, exitcode.UsageError("history: env.date %s is outside the dates a run can have (%d to %d)", d.Format(time.RFC3339), minRunDate.Year(), maxRunDate.Year())
	}
	sum := docHash(doc)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, s.fileError(err)
	}
	defer tx.Rollback()
	var id int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM bench_runs WHERE doc_sha256 = ?`, sum).Scan(&id); {
	case err == nil:
		return id, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, s.fileError(err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO bench_runs(created_at, suite, commit_id, dirty, workload_hash, complete, doc_sha256, document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.Env.Date.UnixNano(), f.Suite, f.Env.Commit, f.Env.Dirty, f.Workload.Hash, f.Complete, sum, doc)
	if err != nil {
		return 0, false, s.fileError(err)
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, false, s.fileError(err)
	}
	for _, b := range f.Benchmarks {
		sm := b.Summary
		if _, err := tx.ExecContext(ctx, `INSERT INTO bench_results(run_id, name, unit, n, p50, p95, p99, mean, min, max)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, b.Name, b.Unit, sm.N, sm.P50, sm.P95, sm.P99, sm.Mean, sm.Min, sm.Max); err != nil {
			return 0, false, fmt.Errorf("history: %s: %s: %w", s.path, b.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, s.fileError(err)
	}
	return id, true, nil
}

// Runs lists the newest limit runs, newest first.
func (s *SQLite) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.created_at, r.commit_id, r.dirty, r.suite, r.complete, r.workload_hash,
		(SELECT count(*) FROM bench_results b WHERE b.run_id = r.id)
		FROM bench_runs r ORDER BY r.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, s.fileError(err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var date int64
		if err := rows.Scan(&r.ID, &date, &r.Commit, &r.Dirty, &r.Suite, &r.Complete, &r.WorkloadHash, &r.Benchmarks); err != nil {
			return nil, s.fileError(err)
		}
		r.Date = time.Unix(0, date).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fileError(err)
	}
	return out, nil
}

// Metrics lists every recorded metric name, sorted.
func (s *SQLite) Metrics(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT name FROM bench_results ORDER BY name`)
	if err != nil {
		return nil, s.fileError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, s.fileError(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fileError(err)
	}
	return out, nil
}

// Series returns metric's newest limit points, oldest first.
func (s *SQLite) Series(ctx context.Context, metric string, limit int) ([]Point, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (
		SELECT r.id, r.created_at, r.commit_id, b.name, b.unit, b.n, b.p50, b.p95, b.p99, b.mean, b.min, b.max
		FROM bench_results b JOIN bench_runs r ON r.id = b.run_id WHERE b.name = ? ORDER BY r.id DESC LIMIT ?
	) ORDER BY 1`, metric, limit)
	if err != nil {
		return nil, s.fileError(err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var p Point
		var date int64
		if err := rows.Scan(&p.RunID, &date, &p.Commit, &p.Metric, &p.Unit, &p.N, &p.P50, &p.P95, &p.P99, &p.Mean, &p.Min, &p.Max); err != nil {
			return nil, s.fileError(err)
		}
		p.Date = time.Unix(0, date).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fileError(err)
	}
	return out, nil
}
