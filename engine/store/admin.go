package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Stats is what `hive db stats` prints.
type Stats struct {
	Path      string           `json:"path"`
	Schema    int              `json:"schema"`
	FileBytes int64            `json:"file_bytes"` // main file
	WALBytes  int64            `json:"wal_bytes"`
	Rows      map[string]int64 `json:"rows"`
	// Runs counts conversations by status: "running" ones belong to live
	// processes (Open marks those of dead ones "abandoned").
	Runs map[string]int64 `json:"runs"`
}

// Tables whose row counts Stats reports.
var statTables = []string{"conversations", "messages", "response_cache", "files", "symbols"}

// Stats counts rows per table and measures the files on disk.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{Path: s.path, Rows: map[string]int64{}, Runs: map[string]int64{}}
	var err error
	if st.Schema, err = s.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	for _, t := range statTables {
		var n int64
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", t, err)
		}
		st.Rows[t] = n
	}
	rows, err := s.r.QueryContext(ctx, "SELECT status, count(*) FROM conversations GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: count runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: count runs: %w", err)
		}
		st.Runs[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count runs: %w", err)
	}
	if fi, err := os.Stat(s.path); err == nil {
		st.FileBytes = fi.Size()
	}
	if fi, err := os.Stat(s.path + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}
	return st, nil
}

// Check runs SQLite's integrity check of the whole file and FTS5's check of
// the symbol index against the symbols table, and returns their findings; a
// healthy database returns exactly ["ok"].
//
// The integrity check runs on a connection opened for it. A pooled one
// would do for the b-trees, but not for FTS5: each connection keeps its copy
// of the index's structure between statements, revalidated when a query
// opens a cursor or a write begins, and FTS5's integrity method (what PRAGMA
// integrity_check calls; SQLite 3.54.1) reads that copy without
// revalidating it. A reader that searched before another connection's
// writes merged index segments away then reports "fts5: corruption found
// reading blob" in a sound file. A new connection has no copy to be stale.
//
// PRAGMA integrity_check cannot compare an external-content index with its
// content table; FTS5's 'integrity-check' command with rank 1 does. It is
// a write statement, so it runs in a transaction on the writer, rolled back
// (it changes nothing): writers of this process wait for it, and those of
// other processes for up to their busy timeout.
func (s *Store) Check(ctx context.Context) ([]string, error) {
	db := openReaders(fileURI(s.path, s.query))
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fileError(s.path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		return nil, fileError(s.path, err)
	}
	fts, err := s.checkSymbolIndex(ctx)
	if err != nil {
		return nil, err
	}
	if fts != "" {
		if len(out) == 1 && out[0] == "ok" {
			out = out[:0]
		}
		out = append(out, fts)
	}
	return out, nil
}

// checkSymbolIndex returns "" when the FTS5 index holds exactly the
// symbols table's names, else a finding that says it does not.
func (s *Store) checkSymbolIndex(ctx context.Context) (string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fileError(s.path, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, "INSERT INTO symbols_fts(symbols_fts, rank) VALUES ('integrity-check', 1)")
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrCorrupt {
		return fmt.Sprintf("symbols_fts: the FTS5 index does not match the symbols table: %v", err), nil
	}
	if err != nil {
		return "", fmt.Errorf("store: %s: checking the symbol index: %w", s.path, err)
	}
	return "", nil
}

// Vacuum rebuilds the database file, returning its size before and after.
func (s *Store) Vacuum(ctx context.Context) (before, after int64, err error) {
	size := func() int64 {
		fi, err := os.Stat(s.path)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	before = size()
	if _, err := s.w.ExecContext(ctx, "VACUUM"); err != nil {
		return before, before, fmt.Errorf("store: vacuum: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return before, before, fmt.Errorf("store: checkpoint: %w", err)
	}
	return before, size(), nil
}

// DefaultPath is where hive keeps its database unless told otherwise:
// $HIVE_DB, else $XDG_DATA_HOME/hive/hive.db, else ~/.local/share/hive/hive.db.
func DefaultPath(getenv func(string) string) string {
	if p := getenv("HIVE_DB"); p != "" {
		return p
	}
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "hive", "hive.db")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "share", "hive", "hive.db")
}
