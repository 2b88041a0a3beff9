package importers

import (
	"bytes"
	"os"
	"testing"

	"github.com/hiveperf/hive/harness/results"
)

// fuzzImport feeds arbitrary bytes to one format: Import must never
// panic, and what it accepts must be a valid results file that survives
// encoding and decoding.
func fuzzImport(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		} else {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res, _, err := Import(format, bytes.NewReader(in), "fuzz", Options{})
		if err != nil {
			if res != nil {
				t.Fatalf("an error with a file: %v", err)
			}
			return
		}
		data, err := results.Encode(res)
		if err != nil {
			t.Fatalf("Import accepted input but the file is invalid: %v\ninput: %q", err, in)
		}
		if _, err := results.Decode("fuzz", data); err != nil {
			t.Fatalf("an imported file does not read back: %v\ninput: %q", err, in)
		}
	})
}

func FuzzHyperfine(f *testing.F) {
	fuzzImport(f, "hyperfine",
		"testdata/hyperfine-sleep-0.010.json",
		"testdata/hyperfine-ignore-failure.json",
		"testdata/hyperfine-parameters.json",
		`{"results":[{"command":"x","mean":1,"median":1,"min":0.5,"max":2}]}`,
		`{"results":[{"command":"","times":[1]},{"command":"--","times":[2]}]}`)
}

func FuzzK6(f *testing.F) {
	// Small seeds: the fuzzer spends a minute minimizing each new
	// interesting input, which for the 5 KB summary file was the whole run.
	fuzzImport(f, "k6",
		`{"metrics":{"http_req_duration{expected_response:true}":{"type":"trend","contains":"time","values":{"avg":2,"min":1,"med":2,"max":4,"p(90)":3,"p(95)":3.5}},"http_reqs":{"type":"counter","contains":"default","values":{"count":2,"rate":1}}}}`,
		`{"type":"Metric","data":{"type":"trend","contains":"time"},"metric":"t"}`+"\n"+
			`{"type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{"a":"1"}},"metric":"t"}`+"\n"+
			`{"type":"Point","data":{"time":"2024-01-01T00:00:01Z","value":2,"tags":{"a":"2"}},"metric":"t"}`,
		`{"metrics":{"http_req_duration":{"avg":1,"min":0,"med":1,"max":3,"p(95)":2,"count":4}}}`,
		`{"metrics":{"x":{"type":"trend","contains":"data","values":{"min":5,"med":1}}}}`)
}

func FuzzBenchfmt(f *testing.F) {
	fuzzImport(f, "benchfmt",
		"pkg: a\nUnit ns/op better=higher\nBenchmarkX-2 1 5 ns/op 3 B/op\n",
		"Unit MB/s better=sideways\nBenchmarkY 1 7 MB/s\n",
		"BenchmarkZ 1 NaN ns/op\n")
}
