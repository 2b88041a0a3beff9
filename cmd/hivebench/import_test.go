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
