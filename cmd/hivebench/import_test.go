package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestImportGotest(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "bench.txt")
	require.NoError(t, os.WriteFile(good, []byte(
		"goos: linux\npkg: example.com/p\n"+
			"BenchmarkA-2 100 10 ns/op 8 B/op 1 allocs/op\n"+
			"BenchmarkA-2 100 12 ns/op 8 B/op 1 allocs/op\n"+
			"BenchmarkA-2 100 x ns/op\n"), 0o644))
	noise := filepath.Join(dir, "noise.txt")
	require.NoError(t, os.WriteFile(noise, []byte("PASS\nBenchmarkB 1 y ns/op\n"), 0o644))
	out := filepath.Join(dir, "r.json")

	cases := []struct {
		name       string
		args       []string
		code       int
		stderrHas  []string
		stdoutHas  string
		wantOutput bool
	}{
		{"to file with a problem", []string{"import", "gotest", good, "--out", out}, exitcode.OK,
			[]string{good + ":5: ", "imported 3 benchmarks"}, "", true},
		{"to stdout", []string{"import", "gotest", good}, exitcode.OK, []string{good + ":5: "}, `"gobench.a_allocs"`, false},
		{"nothing usable", []string{"import", "gotest", noise}, exitcode.Usage, []string{noise + ":2: ", "no benchmark results found"}, "", false},
		{"missing file", []string{"import", "gotest", filepath.Join(dir, "nope.txt")}, exitcode.Usage, []string{"nope.txt"}, "", false},
		{"unknown source", []string{"import", "jmh", good}, exitcode.Usage, []string{`unknown format "jmh"; want one of gotest, benchfmt, hyperfine, k6`}, "", false},
		{"out dir missing", []string{"import", "gotest", good, "--out", filepath.Join(dir, "no", "r.json")}, exitcode.Usage, []string{"does not exist"}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			assert.Equal(t, c.code, code, stderr)
			for _, s := range c.stderrHas {
				assert.Contains(t, stderr, s)
			}
			if c.stdoutHas != "" {
				assert.Contains(t, stdout, c.stdoutHas)
			}
			if c.wantOutput {
				f, err := results.Read(out)
				require.NoError(t, err)
				b, ok := f.Benchmark("gobench.a")
				require.True(t, ok)
				assert.Equal(t, []float64{10, 12}, b.Samples)
				assert.Equal(t, "gotest:example.com/p", f.Suite)
				assert.True(t, strings.HasPrefix(b.Unit, "ns"))
			}
		})
	}
}

func TestImportOtherFormats(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		code      int
		stdoutHas []string
		stderrHas []string
	}{
		{"hyperfine to stdout", []string{"import", "hyperfine", importerData + "hyperfine-sleep-0.010.json", "--commit", "abc123"}, exitcode.OK,
			[]string{`"hyperfine.sleep_0_010"`, `"label": "sleep 0.010"`, `"commit": "abc123"`}, nil},
		{"hyperfine named", []string{"import", "hyperfine", importerData + "hyperfine-parameters.json", "--name", "fast,slow"}, exitcode.OK,
			[]string{`"hyperfine.fast"`, `"hyperfine.slow"`}, nil},
		{"k6 points", []string{"import", "k6", importerData + "k6-out.ndjson"}, exitcode.OK,
			[]string{`"k6.http_req_duration"`, `"unit": "ms"`}, []string{"not imported, because their points are not samples of one quantity"}},
		{"k6 summary", []string{"import", "k6", importerData + "k6-handlesummary.json"}, exitcode.OK,
			[]string{`"aggregates": {`, `"p95": 265.1961`}, nil},
		{"names for k6", []string{"import", "k6", importerData + "k6-out.ndjson", "--name", "x"}, exitcode.Usage,
			nil, []string{"names are for hyperfine's commands"}},
		{"a k6 file as hyperfine", []string{"import", "hyperfine", importerData + "k6-out.ndjson"}, exitcode.Usage,
			nil, []string{"is not hyperfine's --export-json"}},
		{"no file", []string{"import", "k6"}, exitcode.Usage, nil, []string{"want FORMAT FILE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := run(t, c.args...)
			assert.Equal(t, c.code, code, stderr)
			for _, s := range c.stdoutHas {
				assert.Contains(t, stdout, s)
			}
			for _, s := range c.stderrHas {
				assert.Contains(t, stderr, s)
			}
		})
	}
}
