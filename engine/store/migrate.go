package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/internal/exitcode"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql with consecutive versions from 1.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration file %s is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations are not consecutive: expected version %d, found %d", i+1, m.version)
		}
	}
	return ms, nil
}

// LatestSchema is the schema version this binary creates and understands.
func LatestSchema() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)`

// migrate applies every migration newer than the database's version, each in
// its own IMMEDIATE transaction (the writer DSN sets _txlock=immediate), and
// re-reads the version inside the transaction so two processes opening a new
// database at once apply each migration exactly once.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return fileError(path, err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return fileError(path, err)
	}
	if current > len(ms) {
		return exitcode.UsageError("store: %s has schema version %d, newer than this hive understands (%d); use a newer hive or another --db", path, current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := applyMigration(ctx, db, path, m); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, path string, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fileError(path, err)
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil {
		return fileError(path, err)
	}
	if done > 0 {
		return nil // another process applied it while we waited for the lock
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("store: %s: migration %04d_%s: %w", path, m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, time.Now().UnixNano()); err != nil {
		return fileError(path, err)
	}
	if err := tx.Commit(); err != nil {
		return fileError(path, err)
	}
	return nil
}

func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// SchemaVersion is the database's applied schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.r)
}

// Migrate applies pending migrations (Open already does; this is for
// `hive db migrate`) and returns the version before and after.
func (s *Store) Migrate(ctx context.Context) (before, after int, err error) {
	before, err = schemaVersion(ctx, s.w)
	if err != nil {
		return 0, 0, err
	}
	if err := migrate(ctx, s.w, s.path); err != nil {
		return before, before, err
	}
	after, err = schemaVersion(ctx, s.w)
	return before, after, err
}
