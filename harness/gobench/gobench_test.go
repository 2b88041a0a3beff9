package gobench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"

	"github.com/hiveperf/hive/harness/results"
)

func importFile(t *testing.T, path string) (*results.File, []Problem) {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	f, problems, err := Import(fh, path)
	require.NoError(t, err)
	return f, problems
}

func TestImportMapsNamesUnitsAndSamples(t *testing.T) {
	f, problems := importFile(t, "testdata/store.txt")
	require.NoError(t, f.Validate(), "an imported file must be a valid results file")
	assert.True(t, f.Complete)
	assert.Equal(t, "gotest:github.com/hiveperf/hive/engine/store", f.Suite)
	assert.Equal(t, "linux", f.Env.OS)
	assert.Equal(t, "amd64", f.Env.Arch)
	assert.Equal(t, "AMD EPYC 7B13", f.Env.CPUModel)
	assert.Equal(t, 2, f.Env.GOMAXPROCS)

	cases := []struct {
		id      string
		unit    string
		dir     results.Direction
		samples []float64
	}{
		{"gobench.insertmessage", "ns", results.LowerIsBetter, []float64{5123, 5201, 4999}},
		{"gobench.insertmessage_bytes", "bytes", results.LowerIsBetter, []float64{512, 512, 520}},
		{"gobench.insertmessage_allocs", "allocs", results.LowerIsBetter, []float64{7, 7, 8}},
		{"gobench.search_prefix_ab", "ns", results.LowerIsBetter, []float64{61000, 60000}},
		{"gobench.search_prefix_ab_mb_s", "MB/s", results.HigherIsBetter, []float64{12.5, 12.9}},
	}
	require.Len(t, f.Benchmarks, len(cases))
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			b, ok := f.Benchmark(c.id)
			require.True(t, ok, "missing %s", c.id)
			assert.Equal(t, results.GoBench, b.Metric)
			assert.Equal(t, c.unit, b.Unit)
			assert.Equal(t, c.dir, b.Direction)
			assert.InDeltaSlice(t, c.samples, b.Samples, 1e-9)
			assert.Equal(t, len(c.samples), b.Summary.N)
		})
	}
	require.Len(t, problems, 1)
	assert.Equal(t, 10, problems[0].Line)
	assert.True(t, strings.HasPrefix(problems[0].String(), "testdata/store.txt:10: "), problems[0].String())
}

// -cpu 1,2 and several packages give distinct measurements under one
// benchmark name; they must stay apart, never pooled into one sample set.
func TestImportKeepsProcsAndPackagesApart(t *testing.T) {
	in := "pkg: example.com/a\n" +
		"BenchmarkX-1 10 100 ns/op\nBenchmarkX-2 10 60 ns/op\nBenchmarkX-1 10 110 ns/op\n" +
		"pkg: example.com/b\n" +
		"BenchmarkX-1 10 5 ns/op\n"
	f, problems, err := Import(strings.NewReader(in), "in")
	require.NoError(t, err)
	assert.Empty(t, problems)
	require.NoError(t, f.Validate())
	assert.Equal(t, "gotest", f.Suite, "two packages: no single package names the suite")
	want := map[string][]float64{
		"gobench.a_x_p1": {100, 110},
		"gobench.a_x_p2": {60},
		"gobench.b_x":    {5},
	}
	require.Len(t, f.Benchmarks, len(want))
	for id, samples := range want {
		b, ok := f.Benchmark(id)
		require.True(t, ok, "missing %s", id)
		assert.Equal(t, samples, b.Samples)
	}
	assert.Equal(t, 0, f.Env.GOMAXPROCS, "several -N values: GOMAXPROCS is not one number")
}

func TestImportProblems(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		wantErr  string // non-empty: Import fails
		problems []string
	}{
		{"empty", "", "no benchmark results found", nil},
		{"only noise", "PASS\nok x 1s\n", "no benchmark results found", nil},
		{"all malformed", "BenchmarkX-2 1 zz ns/op\n", "no benchmark results found", []string{"in:1:"}},
		{"unknown unit skipped", "BenchmarkX 1 5 ns/op 3 widgets/op\n", "", []string{"in:1: benchmark BenchmarkX: unit \"widgets/op\""}},
		{"name collision", "BenchmarkA_b 1 5 ns/op\nBenchmarkA-b 1 6 ns/op\n", "", []string{"in:2: benchmark BenchmarkA-b (ns/op) maps to gobench.a_b"}},
		{"empty name", "Benchmark 1 5 ns/op\nBenchmarkOk 1 5 ns/op\n", "", []string{"in:1: benchmark \"Benchmark\" has no name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, problems, err := Import(strings.NewReader(c.in), "in")
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Nil(t, f)
			} else {
				require.NoError(t, err)
				require.NoError(t, f.Validate())
			}
			require.Len(t, problems, len(c.problems))
			for i, p := range c.problems {
				assert.True(t, strings.HasPrefix(problems[i].String(), p), "problem %q should start with %q", problems[i].String(), p)
			}
		})
	}
}

// readBack parses benchfmt text and returns samples per name and unit as
// written (before benchfmt's tidying to sec/op).
func readBack(t *testing.T, text []byte) (map[string][]float64, []string) {
	t.Helper()
	got := map[string][]float64{}
	var syntax []string
	rd := benchfmt.NewReader(bytes.NewReader(text), "export")
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			syntax = append(syntax, rec.Error())
		case *benchfmt.Result:
			for _, v := range rec.Values {
				u, x := v.Unit, v.Value
				if v.OrigUnit != "" {
					u, x = v.OrigUnit, v.OrigValue
				}
				// benchfmt drops the "Benchmark" prefix from names.
				k := "Benchmark" + rec.Name.String() + " " + u
				got[k] = append(got[k], x)
			}
		}
	}
	require.NoError(t, rd.Err())
	return got, syntax
}

func TestExportEverySampleSurvives(t *testing.T) {
	f := results.NewFile("quick", results.Fingerprint{})
	add := func(name, unit string, d results.Direction, s ...float64) {
		b, err := results.NewBenchmark(name, unit, d, s)
		require.NoError(t, err)
		f.Add(b)
	}
	add("startup.serve", "ms", results.LowerIsBetter, 12.5, 13, 11.25)
	add("memory.idle_rss", "bytes", results.LowerIsBetter, 30e6, 31e6)
	add("memory.serve_peak_rss", "MB", results.LowerIsBetter, 40, 41)
	add("memory.analyze_warm_peak_rss", "bytes", results.LowerIsBetter, 50e6)
	add("memory.load_heap_alloc", "bytes", results.LowerIsBetter, 8e6)
	add("database.page_cache", "KiB", results.LowerIsBetter, 64)
	add("parsing.per_file", "ms/file", results.LowerIsBetter, 0.5, 0.75)
	add("parsing.files_per_sec", "files/s", results.HigherIsBetter, 900, 950.5)
	add("gobench.x_allocs", "allocs", results.LowerIsBetter, 7, 8)
	f.MarkComplete()

	var buf bytes.Buffer
	require.NoError(t, Export(&buf, f))
	got, syntax := readBack(t, buf.Bytes())
	assert.Empty(t, syntax)
	want := map[string][]float64{
		"BenchmarkStartup/serve ns/op":                         {12.5e6, 13e6, 11.25e6},
		"BenchmarkMemory/idle_rss RSS-bytes":                   {30e6, 31e6},
		"BenchmarkMemory/serve_peak_rss peak-RSS-bytes":        {40e6, 41e6},
		"BenchmarkMemory/analyze_warm_peak_rss peak-RSS-bytes": {50e6},
		"BenchmarkMemory/load_heap_alloc heap-bytes":           {8e6},
		"BenchmarkDatabase/page_cache bytes":                   {64 * 1024},
		"BenchmarkParsing/per_file ns/op":                      {0.5e6, 0.75e6},
		"BenchmarkParsing/files_per_sec files/s":               {900, 950.5},
		"BenchmarkGobench/x_allocs allocs/op":                  {7, 8},
	}
	require.Len(t, got, len(want))
	for k, v := range want {
		// InDeltaSlice walks the actual slice only: a missing key would pass.
		require.Len(t, got[k], len(v), "%s in\n%s", k, buf.String())
		assert.InDeltaSlice(t, v, got[k], 1e-6, k)
	}
	assert.NotContains(t, buf.String(), "B/op", "B/op means bytes allocated per op; no hive metric measures that")
	assert.Contains(t, buf.String(), "goos: "+f.Env.OS+"\n")
	assert.Contains(t, buf.String(), "suite: quick\n")
}

// TestImportExportRoundTrip imports real-looking go test output, exports it
// and imports the export: every sample must come back in the same unit.
func TestImportExportRoundTrip(t *testing.T) {
	f, _ := importFile(t, "testdata/store.txt")
	var buf bytes.Buffer
	require.NoError(t, Export(&buf, f))
	got, syntax := readBack(t, buf.Bytes())
	assert.Empty(t, syntax)
	total := 0
	for _, b := range f.Benchmarks {
		total += len(b.Samples)
	}
	n := 0
	for _, v := range got {
		n += len(v)
	}
	assert.Equal(t, total, n, "every sample is one line of the export")
	for k, v := range map[string][]float64{
		"BenchmarkGobench/insertmessage ns/op":      {5123, 5201, 4999},
		"BenchmarkGobench/insertmessage_bytes B/op": {512, 512, 520}, // imported from B/op, so B/op again
	} {
		require.Len(t, got[k], len(v), k)
		assert.InDeltaSlice(t, v, got[k], 1e-9, k)
	}
}

// hive's memory goes out as peak-RSS-bytes and RSS-bytes (benchfmt units
// every Go user reads as process memory, not B/op) and comes back as bytes,
// each unit under its own id.
func TestImportReadsExportedMemoryUnits(t *testing.T) {
	f := results.NewFile("quick", results.Fingerprint{})
	for name, s := range map[string][]float64{"memory.serve_peak_rss": {40e6, 41e6}, "memory.idle_rss": {30e6}} {
		b, err := results.NewBenchmark(name, "bytes", results.LowerIsBetter, s)
		require.NoError(t, err)
		f.Add(b)
	}
	var buf bytes.Buffer
	require.NoError(t, Export(&buf, f))
	back, problems, err := Import(&buf, "export")
	require.NoError(t, err)
	assert.Empty(t, problems)
	want := map[string][]float64{
		"gobench.memory_serve_peak_rss_peak_rss_bytes": {40e6, 41e6},
		"gobench.memory_idle_rss_rss_bytes":            {30e6},
	}
	require.Len(t, back.Benchmarks, len(want))
	for id, s := range want {
		b, ok := back.Benchmark(id)
		require.True(t, ok, "missing %s", id)
		assert.Equal(t, "bytes", b.Unit)
		assert.Equal(t, results.LowerIsBetter, b.Direction)
		assert.Equal(t, s, b.Samples)
	}
}

func TestGoName(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"startup.serve", "BenchmarkStartup/serve", ""},
		{"database.insert_message", "BenchmarkDatabase/insert_message", ""},
		{"noDot", "", "not FAMILY.WHAT"},
		{"a.b c", "", "not FAMILY.WHAT"},
	}
	for _, c := range cases {
		got, err := GoName(c.in)
		if c.err != "" {
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
}

func TestExportRejectsBadUnit(t *testing.T) {
	f := &results.File{Benchmarks: []results.Benchmark{{Name: "startup.serve", Unit: "furlongs", Samples: []float64{1}}}}
	err := Export(&bytes.Buffer{}, f)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "startup.serve")
}

// TestBenchstatReadsExport runs the real benchstat when it is installed
// (go install golang.org/x/perf/cmd/benchstat@...). Without it, the
// always-run TestExportEverySampleSurvives still parses the export with
// benchfmt, the library benchstat uses.
func TestBenchstatReadsExport(t *testing.T) {
	path, err := exec.LookPath("benchstat")
	if err != nil {
		t.Skip("benchstat not on PATH; TestExportEverySampleSurvives covers the format")
	}
	// store_real.txt is real output of
	// go test -tags sqlite_fts5 -run '^$' -bench . -benchmem -count 3 -benchtime 50ms ./engine/store/
	f, _ := importFile(t, "testdata/store_real.txt")
	out := filepath.Join(t.TempDir(), "new.txt")
	var buf bytes.Buffer
	require.NoError(t, Export(&buf, f))
	require.NoError(t, os.WriteFile(out, buf.Bytes(), 0o644))
	cmd := exec.Command(path, out)
	text, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", text)
	assert.Contains(t, string(text), "Gobench/insertmessage")
	assert.Contains(t, string(text), "Gobench/upsertfiles50symbolsbatch64_ns_file")
	assert.Contains(t, string(text), "sec/op")
	assert.Contains(t, string(text), "allocs/op")
}

func TestExportRunLabelsEachResult(t *testing.T) {
	f, _ := importFile(t, "testdata/store.txt")
	var buf bytes.Buffer
	require.NoError(t, ExportRun(&buf, f, "base"))
	require.NoError(t, ExportRun(&buf, f, "head"))
	runs := map[string]int{}
	rd := benchfmt.NewReader(bytes.NewReader(buf.Bytes()), "two")
	for rd.Scan() {
		if r, ok := rd.Result().(*benchfmt.Result); ok {
			runs[r.GetConfig("run")]++
			assert.Equal(t, "true", r.GetConfig("complete"))
		}
	}
	require.NoError(t, rd.Err())
	total := 0
	for _, b := range f.Benchmarks {
		total += len(b.Samples)
	}
	assert.Equal(t, map[string]int{"base": total, "head": total}, runs)
}
