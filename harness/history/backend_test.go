package history

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// synthRun builds a valid results file for commit with startup.serve
// samples around level ms and database.insert_message around 1ms.
func synthRun(t *testing.T, i int, level float64) (*results.File, []byte) {
	t.Helper()
	f := results.NewFile("test", results.Fingerprint{})
	f.Env.Commit = fmt.Sprintf("c%03d", i)
	f.Env.Dirty = false
	f.Env.Date = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	// Tiny deterministic wobble so the series is not constant.
	w := float64(i%3) * 0.1
	b, err := results.NewBenchmark("startup.serve", "ms", results.LowerIsBetter, []float64{level - 0.5 + w, level + w, level + 0.5 + w})
	require.NoError(t, err)
	f.Add(b)
	db, err := results.NewBenchmark("database.insert_message", "ms", results.LowerIsBetter, []float64{0.9, 1 + w/10, 1.1})
	require.NoError(t, err)
	f.Add(db)
	f.MarkComplete()
	doc, err := results.Encode(f)
	require.NoError(t, err)
	return f, doc
}

// exerciseBackend is the contract both backends must meet.
func exerciseBackend(t *testing.T, b Backend) {
	ctx := context.Background()
	runs, err := b.Runs(ctx, 0)
	require.NoError(t, err)
	require.Empty(t, runs, "a new history is empty")

	var firstDoc []byte
	var firstID int64
	for i := range 12 {
		level := 10.0
		if i >= 6 {
			level = 13.0 // a 30% step at run index 6
		}
		f, doc := synthRun(t, i, level)
		id, added, err := b.Record(ctx, f, doc)
		require.NoError(t, err)
		assert.True(t, added, "run %d is new", i)
		if i == 0 {
			firstDoc, firstID = doc, id
		}
	}
	// Recording the same document again is a no-op that returns its id.
	f0, err := results.Decode("first", firstDoc)
	require.NoError(t, err)
	id, added, err := b.Record(ctx, f0, firstDoc)
	require.NoError(t, err)
	assert.False(t, added)
	assert.Equal(t, firstID, id)

	runs, err = b.Runs(ctx, 0)
	require.NoError(t, err)
	require.Len(t, runs, 12)
	assert.Equal(t, "c011", runs[0].Commit, "newest first")
	assert.Equal(t, "test", runs[0].Suite)
	assert.True(t, runs[0].Complete)
	assert.Equal(t, 2, runs[0].Benchmarks)
	assert.Equal(t, time.Date(2026, 11, 1, 11, 0, 0, 0, time.UTC), runs[0].Date)
	limited, err := b.Runs(ctx, 5)
	require.NoError(t, err)
	assert.Len(t, limited, 5)

	metrics, err := b.Metrics(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"database.insert_message", "startup.serve"}, metrics)

	series, err := b.Series(ctx, "startup.serve", 0)
	require.NoError(t, err)
	require.Len(t, series, 12)
	assert.Equal(t, "c000", series[0].Commit, "oldest first")
	assert.Equal(t, "ms", series[0].Unit)
	assert.InDelta(t, 10.0, series[0].P50, 1e-9)
	assert.InDelta(t, 13.0, series[6].P50, 1e-9)
	last4, err := b.Series(ctx, "startup.serve", 4)
	require.NoError(t, err)
	require.Len(t, last4, 4)
	assert.Equal(t, "c008", last4[0].Commit, "the newest 4, oldest first")
	none, err := b.Series(ctx, "startup.nope", 0)
	require.NoError(t, err)
	assert.Empty(t, none)

	tr, err := Analyze(DefaultDetector, "startup.serve", series)
	require.NoError(t, err)
	require.Len(t, tr.Steps, 1)
	assert.Equal(t, 6, tr.Steps[0].Index)
	assert.InDelta(t, 30, tr.Steps[0].StepPct, 2)
}

func TestSQLiteBackend(t *testing.T) {
	b, err := OpenSQLite(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	defer b.Close()
	exerciseBackend(t, b)
}

func TestSQLiteBackendReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	b, err := OpenSQLite(path)
	require.NoError(t, err)
	f, doc := synthRun(t, 1, 10)
	_, _, err = b.Record(context.Background(), f, doc)
	require.NoError(t, err)
	require.NoError(t, b.Close())

	b, err = OpenSQLite(path)
	require.NoError(t, err)
	defer b.Close()
	runs, err := b.Runs(context.Background(), 0)
	require.NoError(t, err)
	assert.Len(t, runs, 1, "history survives reopening")
}

var getenv = os.Getenv

// A hive database whose history the engine's store kept (its first
// migration created bench_runs and bench_results, without document
// hashes) is adopted as it is: its runs list, its documents are hashed, and
// recording one of them again adds nothing.
func TestSQLiteAdoptsTheEnginesOldHistoryTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	old, err := sql.Open("sqlite3", path)
	require.NoError(t, err)
	_, err = old.Exec(`CREATE TABLE bench_runs (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, suite TEXT NOT NULL DEFAULT '',
		commit_id TEXT NOT NULL DEFAULT '', dirty INTEGER NOT NULL DEFAULT 0, workload_hash TEXT NOT NULL DEFAULT '',
		complete INTEGER NOT NULL DEFAULT 1, document BLOB NOT NULL);
	CREATE TABLE bench_results (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
		name TEXT NOT NULL, unit TEXT NOT NULL, n INTEGER NOT NULL, p50 REAL NOT NULL, p95 REAL NOT NULL, p99 REAL NOT NULL,
		mean REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL);
	CREATE INDEX bench_results_name ON bench_results(name, run_id);`)
	require.NoError(t, err)
	f, doc := synthRun(t, 3, 10)
	_, err = old.Exec(`INSERT INTO bench_runs(created_at, suite, commit_id, complete, document) VALUES (?, 'test', 'c003', 1, ?)`,
		f.Env.Date.UnixNano(), doc)
	require.NoError(t, err)
	_, err = old.Exec(`INSERT INTO bench_results(run_id, name, unit, n, p50, p95, p99, mean, min, max) VALUES (1, 'startup.serve', 'ms', 3, 10, 10.5, 10.5, 10, 9.5, 10.5)`)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	b, err := OpenSQLite(path)
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()
	runs, err := b.Runs(ctx, 0)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, "c003", runs[0].Commit)
	assert.Equal(t, 1, runs[0].Benchmarks)
	id, added, err := b.Record(ctx, f, doc)
	require.NoError(t, err)
	assert.False(t, added, "the adopted document was hashed")
	assert.Equal(t, int64(1), id)
}

// The history lives in the engine's database file by default, beside the
// engine's tables, each with its own migrations: neither disturbs the other.
func TestSQLiteSharesTheEnginesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	ctx := context.Background()
	st, err := store.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.CachePut(ctx, "k", []byte("v"), 0))
	require.NoError(t, st.Close())

	b, err := OpenSQLite(path)
	require.NoError(t, err)
	f, doc := synthRun(t, 1, 10)
	_, added, err := b.Record(ctx, f, doc)
	require.NoError(t, err)
	assert.True(t, added)
	require.NoError(t, b.Close())

	st, err = store.Open(path)
	require.NoError(t, err)
	defer st.Close()
	check, err := st.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ok"}, check)
	v, ok, err := st.CacheGet(ctx, "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", string(v))
	b, err = OpenSQLite(path)
	require.NoError(t, err)
	defer b.Close()
	runs, err := b.Runs(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, runs, 1)
}

// A path that is not a place for a database is refused with a line naming it.
func TestOpenSQLiteRefusesBadPaths(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("not a database\n"), 0o644))
	for _, c := range []struct{ path, want string }{{dir, "is a directory"}, {notDB, "is not a SQLite database"}} {
		_, err := OpenSQLite(c.path)
		require.Error(t, err)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		assert.Contains(t, err.Error(), c.want)
	}
}

// A run date the history cannot store exactly (nanoseconds since 1970 in
// an int64) is refused with a line naming it, never stored as another date
// (the fuzz target found year 5026 recorded as 2104).
func TestRecordRefusesDatesItCannotStore(t *testing.T) {
	b, err := OpenSQLite(filepath.Join(t.TempDir(), "hive.db"))
	require.NoError(t, err)
	defer b.Close()
	for _, date := range []time.Time{time.Date(5026, 12, 7, 5, 41, 55, 0, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		f, _ := synthRun(t, 1, 10)
		f.Env.Date = date
		doc, err := results.Encode(f)
		require.NoError(t, err)
		_, _, err = b.Record(context.Background(), f, doc)
		require.Error(t, err, "%v", date)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err))
		assert.Contains(t, err.Error(), "env.date")
	}
	runs, err := b.Runs(context.Background(), 0)
	require.NoError(t, err)
	assert.Empty(t, runs)
}
