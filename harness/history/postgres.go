package history

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Postgres keeps history in PostgreSQL, so CI runners that vanish after
// each job share one history. It holds one connection: hivebench commands
// are short and sequential.
type Postgres struct {
	conn  *pgx.Conn
	where string
}

var _ Backend = (*Postgres)(nil)

// pgMigrations are applied in order; the index+1 is the schema version
// recorded in hive_history_schema. Append, never edit: a runner with older
// code must still find the tables it knows.
var pgMigrations = []string{
	`CREATE TABLE IF NOT EXISTS hive_history_runs (
		id            BIGSERIAL PRIMARY KEY,
		recorded_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
		run_date      TIMESTAMPTZ NOT NULL,
		suite         TEXT        NOT NULL,
		commit_id     TEXT        NOT NULL,
		dirty         BOOLEAN     NOT NULL,
		workload_hash TEXT        NOT NULL,
		complete      BOOLEAN     NOT NULL,
		doc_sha256    TEXT        NOT NULL UNIQUE,
		document      BYTEA       NOT NULL -- the results file, byte for byte
	);
	CREATE TABLE IF NOT EXISTS hive_history_results (
		run_id BIGINT NOT NULL REFERENCES hive_history_runs(id) ON DELETE CASCADE,
		name   TEXT   NOT NULL,
		unit   TEXT   NOT NULL,
		n      INTEGER NOT NULL,
		p50    DOUBLE PRECISION NOT NULL,
		p95    DOUBLE PRECISION NOT NULL,
		p99    DOUBLE PRECISION NOT NULL,
		mean   DOUBLE PRECISION NOT NULL,
		min    DOUBLE PRECISION NOT NULL,
		max    DOUBLE PRECISION NOT NULL,
		PRIMARY KEY (run_id, name)
	);
	CREATE INDEX IF NOT EXISTS hive_history_results_name ON hive_history_results(name, run_id);`,
}

// pgLockKey serializes migrations between runners (pg_advisory_xact_lock);
// any constant works as long as it is the same everywhere.
const pgLockKey = 0x68697665 // "hive"

// PGSchema is the schema version OpenPostgres brings a database to.
func PGSchema() int { return len(pgMigrations) }

// OpenPostgres connects to the DSN and creates or upgrades the history
// tables. A DSN that does not parse is a usage error (exit 2); a server
// that cannot be reached or refuses the credentials is an infrastructure
// error (exit 3). No error ever contains the password: messages name
// host, port, database and user only.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's own message quotes the DSN with a best-effort redaction,
		// and a wrapped url.Error quotes it verbatim; say what is expected
		// instead.
		return nil, exitcode.UsageError("--history-dsn: not a valid PostgreSQL connection string; expected postgres://USER:PASSWORD@HOST:PORT/DB or \"host=... user=... dbname=...\"")
	}
	where := fmt.Sprintf("postgres host=%s port=%d db=%s user=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User)
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, exitcode.InfraError("history: cannot connect to %s: %s", where, redact(rootCause(err), cfg.Password))
	}
	p := &Postgres{conn: conn, where: where}
	if err := p.migrate(ctx); err != nil {
		conn.Close(context.Background())
		return nil, exitcode.InfraError("history: %s: creating tables: %s", where, redact(err.Error(), cfg.Password))
	}
	return p, nil
}

// rootCause drops pgx's "failed to connect to `user=... database=...`"
// prefix, which repeats what where already says.
func rootCause(err error) string {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && errors.Unwrap(ce) != nil {
		err = errors.Unwrap(ce)
	}
	// A multi-host or multi-address attempt reports one line per try; keep
	// the error on one line for CI logs.
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// redact removes the password from a message, in case a server or driver
// ever echoes it.
func redact(msg, password string) string {
	if password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "xxxxx")
}

func (p *Postgres) migrate(ctx context.Context) error {
	tx, err := p.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgLockKey); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS hive_history_schema (
		version    INTEGER PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return err
	}
	var have int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM hive_history_schema").Scan(&have); err != nil {
		return err
	}
	if have > len(pgMigrations) {
		return fmt.Errorf("database has history schema %d, this hivebench knows up to %d; upgrade hivebench", have, len(pgMigrations))
	}
	for v := have + 1; v <= len(pgMigrations); v++ {
		if _, err := tx.Exec(ctx, pgMigrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO hive_history_schema(version) VALUES ($1)", v); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// SchemaVersion is the history schema version recorded in the database.
func (p *Postgres) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := p.conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM hive_history_schema").Scan(&v)
	return v, err
}

// Where names the server, database and user (never the password).
func (p *Postgres) Where() string { return p.where }

// Close ends the connection.
func (p *Postgres) Close() error { return p.conn.Close(context.Background()) }

// Record stores f in one transaction unless the document is already there.
func (p *Postgres) Record(ctx context.Context, f *results.File, doc []byte) (int64, bool, error) {
	tx, err := p.conn.Begin(ctx)
	if err != nil {
		return 0, false, p.infra("record", err)
	}
	defer tx.Rollback(context.Background())
	sum := docHash(doc)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO hive_history_runs(run_date, suite, commit_id, dirty, workload_hash, complete, doc_sha256, document)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (doc_sha256) DO NOTHING RETURNING id`,
		f.Env.Date.UTC(), f.Suite, f.Env.Commit, f.Env.Dirty, f.Workload.Hash, f.Complete, sum, doc).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := tx.QueryRow(ctx, "SELECT id FROM hive_history_runs WHERE doc_sha256 = $1", sum).Scan(&id); err != nil {
			return 0, false, p.infra("record", err)
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, p.infra("record", err)
	}
	for _, b := range f.Benchmarks {
		sm := b.Summary
		if _, err := tx.Exec(ctx, `INSERT INTO hive_history_results(run_id, name, unit, n, p50, p95, p99, mean, min, max)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			id, b.Name, b.Unit, sm.N, sm.P50, sm.P95, sm.P99, sm.Mean, sm.Min, sm.Max); err != nil {
			return 0, false, p.infra("record "+b.Name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, false, p.infra("record", err)
	}
	return id, true, nil
}

// Runs lists the newest limit runs, newest first.
func (p *Postgres) Runs(ctx context.Context, limit int) ([]Run, error) {
	q := `SELECT r.id, r.run_date, r.commit_id, r.dirty, r.suite, r.complete, r.workload_hash,
		(SELECT count(*) FROM hive_history_results b WHERE b.run_id = r.id)
		FROM hive_history_runs r ORDER BY r.id DESC`
	args := []any{}
	if limit > 0 {
		q += " LIMIT $1"
		args = append(args, limit)
	}
	rows, err := p.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, p.infra("list runs", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Date, &r.Commit, &r.Dirty, &r.Suite, &r.Complete, &r.WorkloadHash, &r.Benchmarks); err != nil {
			return nil, p.infra("list runs", err)
		}
		r.Date = r.Date.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, p.infra("list runs", err)
	}
	return out, nil
}

// Metrics lists the recorded metric names.
func (p *Postgres) Metrics(ctx context.Context) ([]string, error) {
	rows, err := p.conn.Query(ctx, "SELECT DISTINCT name FROM hive_history_results ORDER BY name")
	if err != nil {
		return nil, p.infra("list metrics", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, p.infra("list metrics", err)
	}
	return names, nil
}

// Series returns metric's newest limit points, oldest first.
func (p *Postgres) Series(ctx context.Context, metric string, limit int) ([]Point, error) {
	q := `SELECT r.id, r.run_date, r.commit_id, b.name, b.unit, b.n, b.p50, b.p95, b.p99, b.mean, b.min, b.max
		FROM hive_history_results b JOIN hive_history_runs r ON r.id = b.run_id
		WHERE b.name = $1 ORDER BY r.id DESC`
	args := []any{metric}
	if limit > 0 {
		q += " LIMIT $2"
		args = append(args, limit)
	}
	rows, err := p.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, p.infra("series "+metric, err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var pt Point
		if err := rows.Scan(&pt.RunID, &pt.Date, &pt.Commit, &pt.Metric, &pt.Unit, &pt.N,
			&pt.P50, &pt.P95, &pt.P99, &pt.Mean, &pt.Min, &pt.Max); err != nil {
			return nil, p.infra("series "+metric, err)
		}
		pt.Date = pt.Date.UTC()
		out = append(out, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, p.infra("series "+metric, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func (p *Postgres) infra(what string, err error) error {
	return exitcode.InfraError("history: %s: %s: %v", p.where, what, err)
}
