package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
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
