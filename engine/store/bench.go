package store

import (
	"context"
	"fmt"
	"time"
)

// BenchRun is one harness run as kept in the local history: the whole
// results document plus one summary row per benchmark for trend queries.
type BenchRun struct {
	ID           int64
	CreatedAt    time.Time
	Suite        string
	Commit       string
	Dirty        bool
	WorkloadHash string
	Complete     bool
	Document     []byte // the results file, JSON
	Results      []BenchResult
}

// BenchResult is one benchmark's summary within a run.
type BenchResult struct {
	Name                          string
	Unit                          string
	N                             int
	P50, P95, P99, Mean, Min, Max float64
}

// BenchPoint is one benchmark's summary at one run, for history.
type BenchPoint struct {
	RunID     int64
	CreatedAt time.Time
	Commit    string
	BenchResult
}

// RecordBenchRun stores a run and its per-benchmark summaries in one transaction.
func (s *Store) RecordBenchRun(ctx context.Context, r *BenchRun) (int64, error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: record bench run: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.StmtContext(ctx, s.stmts.insertBenchRun).ExecContext(ctx, r.CreatedAt.UnixNano(), r.Suite, r.Commit,
		boolInt(r.Dirty), r.WorkloadHash, boolInt(r.Complete), r.Document)
	if err != nil {
		return 0, fmt.Errorf("store: record bench run: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	ins := tx.StmtContext(ctx, s.stmts.insertBenchRes)
	for _, b := range r.Results {
		if _, err := ins.ExecContext(ctx, r.ID, b.Name, b.Unit, b.N, b.P50, b.P95, b.P99, b.Mean, b.Min, b.Max); err != nil {
			return 0, fmt.Errorf("store: record bench result %s: %w", b.Name, err)
		}
	}
	err = tx.Commit()
	if err == nil {
		s.wrote()
	}
	return r.ID, err
}

// BenchHistory returns the newest limit points of one benchmark, oldest first.
func (s *Store) BenchHistory(ctx context.Context, name string, limit int) ([]BenchPoint, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT * FROM (
		SELECT r.id, r.created_at, r.commit_id, b.name, b.unit, b.n, b.p50, b.p95, b.p99, b.mean, b.min, b.max
		FROM bench_results b JOIN bench_runs r ON r.id = b.run_id WHERE b.name = ? ORDER BY r.id DESC LIMIT CAST(? AS INTEGER)
	) ORDER BY 1`, name, limit)
	if err != nil {
		return nil, fmt.Errorf("store: bench history %s: %w", name, err)
	}
	defer rows.Close()
	var out []BenchPoint
	for rows.Next() {
		var p BenchPoint
		var created int64
		if err := rows.Scan(&p.RunID, &created, &p.Commit, &p.Name, &p.Unit, &p.N, &p.P50, &p.P95, &p.P99, &p.Mean, &p.Min, &p.Max); err != nil {
			return nil, err
		}
		p.CreatedAt = time.Unix(0, created)
		out = append(out, p)
	}
	return out, rows.Err()
}

// BenchRunDocument returns a stored run's results document.
func (s *Store) BenchRunDocument(ctx context.Context, id int64) ([]byte, error) {
	var doc []byte
	err := s.r.QueryRowContext(ctx, "SELECT document FROM bench_runs WHERE id = ?", id).Scan(&doc)
	if err != nil {
		return nil, fmt.Errorf("store: bench run %d: %w", id, err)
	}
	return doc, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
