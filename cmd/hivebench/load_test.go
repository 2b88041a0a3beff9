package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestLoadList(t *testing.T) {
	stdout, _, code := run(t, "load", "--list")
	require.Equal(t, exitcode.OK, code)
	assert.Contains(t, stdout, "seed-100-users")
	assert.Contains(t, stdout, "hive-1000-users")
	assert.Contains(t, stdout, "1,000 consensus runs/min")
}

func TestLoadUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badField := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(badField, []byte("model: open\nrate: 10/s\nusers: 2\nduration: 1s\nmix: {consensus: 1}\nramp_up: 5s\n"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"non-loopback target", []string{"--target", "http://10.0.0.8:8765", "--users", "1"}, "not a loopback address"},
		{"target with a path", []string{"--target", "http://127.0.0.1:8765/v1", "--users", "1"}, "only scheme, host and port"},
		{"unknown scenario", []string{"--scenario", "seed-1000000-users"}, `unknown scenario "seed-1000000-users"`},
		{"unknown field in a scenario file", []string{"--scenario-file", badField}, "field ramp_up not found"},
		{"both scenario flags", []string{"--scenario", "seed-100-users", "--scenario-file", badField}, "exclusive"},
		{"analyze_small", []string{"--users", "1", "--mix", "analyze_small=1"}, "no analysis endpoint"},
		{"bad mix", []string{"--users", "1", "--mix", "consensus"}, "is not kind=weight"},
		{"bad threshold", []string{"--users", "1", "--threshold", "p(99)<300"}, "not a duration with a unit"},
		{"declared without a mock", []string{"--target", "http://127.0.0.1:1", "--scenario", "seed-100-users"}, `uses "declared"`},
		{"mock flags with a target", []string{"--target", "http://127.0.0.1:1", "--users", "1", "--mock-ttft", "1s"}, "--mock-ttft has no effect with --target"},
		{"no load given", []string{}, "say what load to offer"},
		{"soak and duration", []string{"--users", "1", "--soak", "1m", "--duration", "1m"}, "--soak sets the duration"},
		{"bad rate", []string{"--rate", "1000"}, "has no unit"},
		{"bad leak bound", []string{"--users", "1", "--soak", "1m", "--leak-bound", "1MB"}, "--leak-bound"},
		{"unknown profile", []string{"--users", "1", "--profile", "turbo"}, `unknown profile "turbo"`},
		{"stray argument", []string{"--users", "1", "now"}, `unexpected argument "now"`},
		{"unknown flag", []string{"--vus", "10"}, "vus"},
		{"report file given twice", []string{"--users", "1", "--json", filepath.Join(dir, "a.json"), "--report", filepath.Join(dir, "b.json")}, "give the report file once"},
		{"negative soak warm-up", []string{"--users", "1", "--soak", "1m", "--soak-warmup", "-1s"}, "--soak-warmup -1s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"load"}, c.args...)
			if !strings.Contains(strings.Join(c.args, " "), "--target") {
				// Nothing may start: a binary that does not exist proves it.
				args = append(args, "--hive-bin", filepath.Join(dir, "no-hive"))
			}
			stdout, stderr, code := run(t, args...)
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, c.want)
			assert.Empty(t, stdout, "no report when nothing ran")
		})
	}
}

// A target that refuses connections: the run ends on time with every
// request counted as connection_refused, and the threshold fails (exit 1).
func TestLoadRefusedTarget(t *testing.T) {
	stdout, stderr, code := run(t, "load", "--target", refusedTarget(t), "--users", "2", "--think", "20ms",
		"--duration", "300ms", "--threshold", "rate(errors)<0.01")
	assert.Equal(t, exitcode.Regression, code, stderr)
	assert.Contains(t, stdout, "connection_refused")
	assert.Contains(t, stdout, "❌ rate(errors)<0.01  measured 1 (100.00%)")
	assert.Contains(t, stderr, "failed: rate(errors)<0.01")
}

// refusedTarget is a loopback URL nothing listens on: a port that was
// bound and released.
func refusedTarget(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// The whole path: the harness starts the mock and the real hive serve,
// runs a mixed scenario file, prints the report, writes the results file
// and the JSON report, and exits 0 when the thresholds hold.
func TestLoadAgainstHiveServe(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "mixed.yaml")
	require.NoError(t, os.WriteFile(sc, []byte(`
name: mixed
model: open
rate: 20/s
users: 20
duration: 1s
mix: {consensus: 2, cache_hit: 1, conversation_read: 1}
mock: {ttft: 0s, itl: 0s, tokens: 4}
thresholds: ["rate(errors)==0", "count(dropped)==0", "count(requests)==20"]
`), 0o644))
	out, report := filepath.Join(dir, "results.json"), filepath.Join(dir, "report.json")
	stdout, stderr, code := run(t, "load", "--scenario-file", sc, "--hive-bin", hiveBin, "--out", out, "--report", report)
	require.Equal(t, exitcode.OK, code, stderr)
	assert.Contains(t, stderr, "declared latency per run 0s = 4 × (0s + 4 × 0s)")
	assert.Contains(t, stdout, "hivebench load: mixed — open model, 1200/min")
	assert.Contains(t, stdout, "warm-up: ok:")
	assert.Contains(t, stdout, "errors: none")
	assert.Contains(t, stdout, "engine overhead (overhead_ms of")
	assert.Contains(t, stdout, "/status VmRSS")
	assert.Contains(t, stdout, "✅ count(requests)==20  measured 20")

	f, err := results.Read(out)
	require.NoError(t, err)
	assert.True(t, f.Complete)
	assert.Equal(t, "load/mixed", f.Suite)
	b, ok := f.Benchmark("consensus.load_consensus")
	require.True(t, ok)
	assert.NotEmpty(t, b.Samples)
	_, ok = f.Benchmark("memory.load_rss")
	assert.True(t, ok)

	var rep struct {
		Complete   bool `json:"complete"`
		Thresholds []struct {
			Expr string `json:"expr"`
			OK   bool   `json:"ok"`
		} `json:"thresholds"`
	}
	data, err := os.ReadFile(report)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.True(t, rep.Complete)
	require.Len(t, rep.Thresholds, 3)
	for _, th := range rep.Thresholds {
		assert.True(t, th.OK, th.Expr)
	}
}

// Ctrl-C mid-run: the command stops issuing, prints the partial report
// marked incomplete, writes an incomplete results file, stops the server,
// and exits 3 (a partial run must not pass a gate).
func TestLoadInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "partial.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hook := func(line string) {
		if strings.Contains(line, "hivebench load: adhoc —") {
			time.AfterFunc(300*time.Millisecond, cancel)
		}
	}
	stdout, stderr, code := runApp(t, ctx, hook, "load", "--hive-bin", hiveBin, "--users", "3", "--think", "10ms",
		"--duration", "1m", "--mock-ttft", "0s", "--mock-itl", "0s", "--mock-tokens", "4", "--out", out)
	assert.Equal(t, exitcode.Infra, code, stderr)
	assert.Contains(t, stdout, "INCOMPLETE — interrupted after")
	assert.Contains(t, stderr, "report above is partial")
	f, err := results.Read(out)
	require.NoError(t, err)
	assert.False(t, f.Complete)
	assert.Contains(t, f.IncompleteReason, "interrupted")
}

// A soak prints a verdict per series and fails unless every one is
// "no leak" (a one-second soak is usually inconclusive: that is exit 1).
func TestLoadSoak(t *testing.T) {
	stdout, stderr, code := run(t, "load", "--hive-bin", hiveBin, "--users", "2", "--think", "10ms",
		"--mock-ttft", "0s", "--mock-itl", "0s", "--mock-tokens", "4",
		"--soak", "1s", "--soak-warmup", "0s", "--sample-every", "100ms", "--leak-bound", "100MB/min", "--goroutine-bound", "1000/min")
	require.Contains(t, stdout, "soak: least-squares slope per minute after a 0s warm-up, 95% confidence interval")
	for _, s := range []string{"rss", "heap_alloc", "goroutines"} {
		assert.Contains(t, stdout, " "+s+" ")
	}
	passed := strings.Count(stdout, "✅ ") == 3
	if passed {
		assert.Equal(t, exitcode.OK, code, stderr)
	} else {
		assert.Equal(t, exitcode.Regression, code, stderr)
		assert.Contains(t, stderr, "soak")
	}
}

// --json is a boolean, as everywhere: the report as JSON on stdout. Its old
// meaning, --json FILE (now --report FILE), still writes the file, with a
// notice naming the new flag.
func TestLoadJSONFlag(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name       string
		args       func(file string) []string
		wantFile   bool
		wantJSON   bool // stdout is the JSON report
		deprecated bool
	}{
		{"--json", func(string) []string { return []string{"--json"} }, false, true, false},
		{"--json=true", func(string) []string { return []string{"--json=true"} }, false, true, false},
		{"--report FILE", func(f string) []string { return []string{"--report", f} }, true, false, false},
		{"--json and --report FILE", func(f string) []string { return []string{"--json", "--report", f} }, true, true, false},
		{"old --json FILE", func(f string) []string { return []string{"--json", f} }, true, false, true},
		{"old --json=FILE", func(f string) []string { return []string{"--json=" + f} }, true, false, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, fmt.Sprintf("report-%d.json", i))
			args := append([]string{"load", "--target", refusedTarget(t), "--users", "1", "--think", "20ms", "--duration", "200ms"}, c.args(file)...)
			stdout, stderr, code := run(t, args...)
			require.NotEqual(t, exitcode.Usage, code, stderr)
			var rep map[string]any
			if c.wantJSON {
				require.NoError(t, json.Unmarshal([]byte(stdout), &rep), "stdout is one JSON document: %q", stdout)
				assert.Contains(t, rep, "scenario")
			} else {
				assert.Contains(t, stdout, "connection_refused", "the text report")
			}
			data, err := os.ReadFile(file)
			if c.wantFile {
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(data, &rep))
			} else {
				assert.True(t, os.IsNotExist(err))
			}
			if c.deprecated {
				assert.Contains(t, stderr, "--json FILE is deprecated; use --report "+file)
			} else {
				assert.NotContains(t, stderr, "deprecated")
			}
		})
	}
}
