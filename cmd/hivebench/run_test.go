package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

// fixture is one `hivebench run --suite test` over every family, made once
// and shared by the tests that read a results file.
var fixture struct {
	once           sync.Once
	dir, path      string
	stdout, stderr string
	code           int
}

func testRun(t *testing.T) string {
	t.Helper()
	fixture.once.Do(func() {
		fixture.dir = filepath.Join(filepath.Dir(hiveBin), "fixture")
		if err := os.MkdirAll(fixture.dir, 0o755); err != nil {
			t.Fatal(err)
		}
		fixture.path = filepath.Join(fixture.dir, "run.json")
		fixture.stdout, fixture.stderr, fixture.code = run(t, "run", "--suite", "test", "--hive-bin", hiveBin, "--out", fixture.path)
	})
	require.Equal(t, 0, fixture.code, fixture.stderr)
	return fixture.path
}

func TestRunWritesResultsAndTable(t *testing.T) {
	path := testRun(t)
	f, err := results.Read(path)
	require.NoError(t, err)
	assert.True(t, f.Complete)
	assert.Equal(t, "test", f.Suite)
	assert.Equal(t, "json", f.Workload.Name, "the test suite reads GOROOT/src/encoding/json")
	for _, fam := range results.Families {
		found := false
		for _, b := range f.Benchmarks {
			found = found || b.Metric == fam
			assert.Positive(t, b.Summary.P50, b.Name)
		}
		assert.True(t, found, "family %s measured", fam)
	}
	// One round of a correlated metric: one round figure beside the samples.
	b, ok := f.Benchmark("parsing.per_file")
	require.True(t, ok)
	require.Len(t, b.Extra, 1)
	assert.Equal(t, "round_median", b.Extra[0].Name)
	assert.Greater(t, len(b.Samples), 1, "one sample per analysed file")

	for _, col := range []string{"metric", "p50", "p95", "p99", "target (hive)", "vs TypeScript", "verdict", "startup.serve", "database.cache_get"} {
		assert.Contains(t, fixture.stdout, col)
	}
	assert.Contains(t, fixture.stderr, "startup: round 1/1 done")
}

func TestRunInterruptedWritesPartialResults(t *testing.T) {
	out := filepath.Join(t.TempDir(), "partial.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// SIGINT arrives, as internal/cli delivers it, as a canceled context:
	// here right after the first round of startup finished.
	hook := func(s string) {
		if strings.Contains(s, "startup: round 1/3 done") {
			cancel()
		}
	}
	_, stderr, code := runApp(t, ctx, hook, "run", "--suite", "test", "--rounds", "3", "--metrics", "startup,database",
		"--hive-bin", hiveBin, "--out", out)
	assert.Equal(t, exitcode.Infra, code, stderr)
	assert.Contains(t, stderr, "interrupted")
	assert.Contains(t, stderr, "marked incomplete")
	f, err := results.Read(out)
	require.NoError(t, err, "the partial file is a valid results file")
	assert.False(t, f.Complete)
	assert.Contains(t, f.IncompleteReason, "interrupted by a signal")
	b, ok := f.Benchmark("startup.serve")
	require.True(t, ok, "the finished round is kept")
	assert.Len(t, b.Samples, 2, "one round of the test suite's 2 samples")
	_, ok = f.Benchmark("database.cache_get")
	assert.False(t, ok, "database never ran")
}

func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "hive")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	out := filepath.Join(dir, "r.json")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown suite", []string{"--suite", "nightly"}, exitcode.Usage, `unknown suite "nightly"`},
		{"unknown metric", []string{"--metrics", "startup.boot"}, exitcode.Usage, `unknown family or metric "startup.boot"`},
		{"unknown tier", []string{"--tier", "wave9"}, exitcode.Usage, `unknown tier "wave9"`},
		{"unknown format", []string{"--format", "csv"}, exitcode.Usage, `unknown report format "csv"`},
		{"stray argument", []string{"startup"}, exitcode.Usage, `unexpected argument "startup"`},
		{"out in a missing directory", []string{"--out", filepath.Join(dir, "no", "r.json")}, exitcode.Usage, "does not exist"},
		{"binary not executable", []string{"--hive-bin", notExec}, exitcode.Infra, "is not executable"},
		{"missing binary", []string{"--hive-bin", filepath.Join(dir, "none")}, exitcode.Infra, "no such file"},
		{"bad workload", []string{"--workload", filepath.Join(dir, "none"), "--metrics", "parsing"}, exitcode.Usage, "is not a directory of source files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"run", "--suite", "test", "--hive-bin", hiveBin, "--out", out}, c.args...)
			_, stderr, code := run(t, args...)
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// --push, --textfile and --record share a written run; a Pushgateway that
// refuses connections warns and leaves the exit code alone.
func TestRunSharesResults(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	db := filepath.Join(dir, "hist.db")
	_, stderr, code := run(t, "run", "--suite", "test", "--metrics", "database", "--hive-bin", hiveBin, "--out", out,
		"--push", "http://127.0.0.1:1", "--textfile", dir, "--record", "--db", db)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "warning: push")
	assert.Contains(t, stderr, "the results are still in "+out)
	assert.Contains(t, stderr, "recorded as run 1")
	assert.NotContains(t, stderr, "already recorded")
	prom, err := os.ReadFile(filepath.Join(dir, "hivebench.prom"))
	require.NoError(t, err)
	assert.Contains(t, string(prom), `hivebench_benchmark_seconds_count{benchmark="database.cache_get"`)
	if promtool, err := testhive.Promtool(); err != nil {
		t.Log("not linting the textfile:", err)
	} else {
		assert.NoError(t, testhive.CheckMetrics(promtool, prom), "the textfile of a real run")
	}
	listing, _, code := run(t, "history", "list", "--db", db)
	assert.Equal(t, 0, code)
	assert.Contains(t, listing, "test")
}
