package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Stats is what `hive db stats` prints.
type Stats struct {
	Path      string           `json:"path"`
	Schema    int              `json:"schema"`
	FileBytes int64            `json:"file_bytes"` // main file
	WALBytes  int64            `json:"wal_bytes"`
	Rows      map[string]int64 `json:"rows"`
}

// Tables whose row counts Stats reports.
var statTables = []string{"conversations", "messages", "response_cache", "files", "symbols", "bench_runs", "bench_results"}

// Stats counts rows per table and measures the files on disk.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{Path: s.path, Rows: map[string]int64{}}
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
	if fi, err := os.Stat(s.path); err == nil {
		st.FileBytes = fi.Size()
	}
	if fi, err := os.Stat(s.path + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}
	return st, nil
}

// Check runs PRAGMA integrity_check and returns its findings; a healthy
// database returns exactly ["ok"].
func (s *Store) Check(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
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
	return out, rows.Err()
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
