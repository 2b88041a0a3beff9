package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/results"
)

// SQLite keeps history in the hive database through engine/store's bench
// tables. The harness may use the engine only through its public API, and
// that API has RecordBenchRun, BenchHistory and BenchRunDocument but no
// listing; Runs and Metrics therefore read the stored documents by id
// (ids are dense: the store never deletes runs). That is O(runs) per
// listing, which is fine for one machine's history; a store method listing
// bench_runs would make it O(1) queries.
type SQLite struct {
	st *store.Store
}

var _ Backend = (*SQLite)(nil)

// OpenSQLite opens (creating and migrating if needed) the hive database at
// path. Path errors are exit-code-2 errors naming the path (engine/store).
func OpenSQLite(path string) (*SQLite, error) {
	st, err := store.Open(path)
	if err != nil {
		return nil, err
	}
	return &SQLite{st: st}, nil
}

// Where is the database path.
func (s *SQLite) Where() string { return s.st.Path() }

// Close closes the database.
func (s *SQLite) Close() error { return s.st.Close() }

// Record stores f unless the same document is already there.
func (s *SQLite) Record(ctx context.Context, f *results.File, doc []byte) (int64, bool, error) {
	want := docHash(doc)
	var dup int64
	err := s.eachDoc(ctx, func(id int64, d []byte) bool {
		if docHash(d) == want {
			dup = id
			return false
		}
		return true
	})
	if err != nil {
		return 0, false, err
	}
	if dup != 0 {
		return dup, false, nil
	}
	run := &store.BenchRun{
		CreatedAt:    f.Env.Date,
		Suite:        f.Suite,
		Commit:       f.Env.Commit,
		Dirty:        f.Env.Dirty,
		WorkloadHash: f.Workload.Hash,
		Complete:     f.Complete,
		Document:     doc,
	}
	for _, b := range f.Benchmarks {
		sm := b.Summary
		run.Results = append(run.Results, store.BenchResult{Name: b.Name, Unit: b.Unit, N: sm.N,
			P50: sm.P50, P95: sm.P95, P99: sm.P99, Mean: sm.Mean, Min: sm.Min, Max: sm.Max})
	}
	id, err := s.st.RecordBenchRun(ctx, run)
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// Runs lists the newest limit runs, newest first.
func (s *SQLite) Runs(ctx context.Context, limit int) ([]Run, error) {
	var out []Run
	err := s.eachDoc(ctx, func(id int64, d []byte) bool {
		out = append(out, headOf(id, d))
		return true
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Metrics lists every metric name found in the stored documents.
func (s *SQLite) Metrics(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	err := s.eachDoc(ctx, func(_ int64, d []byte) bool {
		var h docHead
		if json.Unmarshal(d, &h) == nil {
			for _, b := range h.Benchmarks {
				seen[b.Name] = true
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// Series returns metric's points, oldest first.
func (s *SQLite) Series(ctx context.Context, metric string, limit int) ([]Point, error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	pts, err := s.st.BenchHistory(ctx, metric, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{RunID: p.RunID, Date: p.CreatedAt.UTC(), Commit: p.Commit, Metric: p.Name, Unit: p.Unit, N: p.N,
			P50: p.P50, P95: p.P95, P99: p.P99, Mean: p.Mean, Min: p.Min, Max: p.Max}
	}
	return out, nil
}

// eachDoc calls fn with every stored document in id order until fn returns
// false. The row count bounds the walk, so a missing id (a run deleted by
// hand) is skipped rather than ending it early.
func (s *SQLite) eachDoc(ctx context.Context, fn func(id int64, doc []byte) bool) error {
	st, err := s.st.Stats(ctx)
	if err != nil {
		return err
	}
	total := st.Rows["bench_runs"]
	const maxGap = 10000 // consecutive missing ids before giving up
	for id, seen, gap := int64(1), int64(0), 0; seen < total && gap < maxGap; id++ {
		doc, err := s.st.BenchRunDocument(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			gap++
			continue
		}
		if err != nil {
			return fmt.Errorf("history: %s: %w", s.Where(), err)
		}
		seen, gap = seen+1, 0
		if !fn(id, doc) {
			return nil
		}
	}
	return nil
}

// docHead is the part of a results document a listing needs. It is decoded
// leniently, so a document from an older schema still lists.
type docHead struct {
	Suite    string `json:"suite"`
	Complete bool   `json:"complete"`
	Env      struct {
		Commit string    `json:"commit"`
		Dirty  bool      `json:"dirty"`
		Date   time.Time `json:"date"`
	} `json:"env"`
	Workload struct {
		Hash string `json:"hash"`
	} `json:"workload"`
	Benchmarks []struct {
		Name string `json:"name"`
	} `json:"benchmarks"`
}

func headOf(id int64, doc []byte) Run {
	var h docHead
	if err := json.Unmarshal(doc, &h); err != nil {
		return Run{ID: id, Suite: "(unreadable document)"}
	}
	return Run{ID: id, Date: h.Env.Date.UTC(), Commit: h.Env.Commit, Dirty: h.Env.Dirty, Suite: h.Suite,
		Complete: h.Complete, WorkloadHash: h.Workload.Hash, Benchmarks: len(h.Benchmarks)}
}
