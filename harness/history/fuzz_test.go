package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// FuzzRecordDocument feeds arbitrary bytes through what `hivebench history
// record FILE` does with a file: results.Decode, then Record into the
// SQLite history. A document the decoder accepts must record (or be refused
// with an exit-2 error when its date cannot be stored exactly), list
// exactly as the file says (suite, commit, completeness, workload,
// benchmark count, date), and record again as the same run, not a new one.
func FuzzRecordDocument(f *testing.F) {
	run, err := os.ReadFile("testdata/run.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(run)
	f.Add(run[:len(run)/2])
	f.Add([]byte(`{"schema":0,"suite":"quick","env":{"date":"not a date"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte{})
	b, err := OpenSQLite(filepath.Join(f.TempDir(), "history.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { b.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, doc []byte) {
		file, err := results.Decode("fuzz.json", doc)
		if err != nil {
			return
		}
		id, _, err := b.Record(ctx, file, doc)
		if err != nil && exitcode.Code(err) == exitcode.Usage && strings.Contains(err.Error(), "env.date") {
			return
		}
		if err != nil {
			t.Fatalf("a document the decoder accepts does not record: %v", err)
		}
		again, added, err := b.Record(ctx, file, doc)
		if err != nil || added || again != id {
			t.Fatalf("recording the same document again: id %d (first %d), added %v, err %v", again, id, added, err)
		}
		runs, err := b.Runs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.ID != id {
				continue
			}
			if r.Suite != file.Suite || r.Commit != file.Env.Commit || r.Dirty != file.Env.Dirty || r.Complete != file.Complete ||
				r.WorkloadHash != file.Workload.Hash || r.Benchmarks != len(file.Benchmarks) || !r.Date.Equal(file.Env.Date) {
				t.Fatalf("listing %+v disagrees with the results file it lists", r)
			}
			return
		}
		t.Fatalf("run %d is not listed", id)
	})
}
