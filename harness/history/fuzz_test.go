package history

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/hiveperf/hive/harness/results"
)

// FuzzDocHead feeds arbitrary bytes to what history decodes from a stored
// results document (headOf for Runs, the same docHead for Metrics). It
// must never panic; an undecodable document lists as unreadable and
// nothing else; a decodable one lists what it says, its date in UTC; and a
// document that is a valid results file lists exactly that file's suite,
// commit, completeness, workload and benchmark count.
func FuzzDocHead(f *testing.F) {
	run, err := os.ReadFile("testdata/run.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(int64(1), run)
	f.Add(int64(7), run[:len(run)/2])
	f.Add(int64(2), []byte(`{"suite":"ci","complete":true,"env":{"commit":"abc","date":"2025-11-20T06:00:00+02:00"},"benchmarks":[{"name":"startup.serve"}]}`))
	f.Add(int64(3), []byte(`{"schema":0,"suite":"quick","env":{"date":"not a date"}}`))
	f.Add(int64(4), []byte(`{"benchmarks":null,"workload":{"hash":7}}`))
	f.Add(int64(5), []byte(`null`))
	f.Add(int64(-1), []byte(`[]`))
	f.Add(int64(0), []byte{})
	f.Fuzz(func(t *testing.T, id int64, doc []byte) {
		r := headOf(id, doc)
		if r.ID != id {
			t.Fatalf("ID = %d, want %d", r.ID, id)
		}
		var h docHead
		if err := json.Unmarshal(doc, &h); err != nil {
			if want := (Run{ID: id, Suite: "(unreadable document)"}); r != want {
				t.Fatalf("undecodable document listed as %+v, want %+v", r, want)
			}
			return
		}
		if r.Suite != h.Suite || r.Commit != h.Env.Commit || r.Dirty != h.Env.Dirty || r.Complete != h.Complete ||
			r.WorkloadHash != h.Workload.Hash || r.Benchmarks != len(h.Benchmarks) || !r.Date.Equal(h.Env.Date) {
			t.Fatalf("listing %+v disagrees with the document %+v", r, h)
		}
		if r.Date.Location() != time.UTC {
			t.Fatalf("date %v is not in UTC", r.Date)
		}
		file, err := results.Decode("fuzz.json", doc)
		if err != nil {
			return
		}
		if r.Suite != file.Suite || r.Commit != file.Env.Commit || r.Dirty != file.Env.Dirty || r.Complete != file.Complete ||
			r.WorkloadHash != file.Workload.Hash || r.Benchmarks != len(file.Benchmarks) || !r.Date.Equal(file.Env.Date) {
			t.Fatalf("listing %+v disagrees with the results file it lists", r)
		}
	})
}
