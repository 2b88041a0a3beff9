package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/exitcode"
	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
)

// gateJSON is the part of the gate's JSON summary the tests read.
type gateJSON struct {
	Results []compare.Result `json:"results"`
}

func verdicts(t *testing.T, stdout string) map[string]compare.Verdict {
	t.Helper()
	var g gateJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &g), stdout)
	out := map[string]compare.Verdict{}
	for _, r := range g.Results {
		out[r.Metric] = r.Verdict
	}
	return out
}

// startup.serve only: the cheapest metric, and the one a wrapper script
// slows down. The test suite's gate rounds are one exec (after one warm-up
// exec); --max-rounds 20 allows two looks, at 10 and 20 rounds per binary.
var gateArgs = []string{"--suite", "test", "--metrics", "startup.serve", "--max-rounds", "20", "--format", "json"}

// regressionArgs make the regression test robust on a loaded machine,
// where one exec can take twice as long as the next: a round value is the
// median of 3 execs, and up to three looks (10, 20, 40 rounds).
var regressionArgs = []string{"--suite", "test", "--metrics", "startup.serve", "--samples", "3", "--max-rounds", "40", "--format", "json"}

func TestGateAAPasses(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, code := run(t, append([]string{"gate", "--base-bin", hiveBin, "--head-bin", hiveBin, "--out", out}, gateArgs...)...)
	require.Equal(t, 0, code, stderr)
	v := verdicts(t, stdout)
	require.Contains(t, v, "startup.serve")
	assert.NotEqual(t, compare.Regressed, v["startup.serve"], "the same binary on both sides is no regression")
	assert.Contains(t, stderr, "PASS")
	assert.Contains(t, stderr, "(base first)")
	assert.Contains(t, stderr, "(head first)", "rounds alternate which binary goes first")
	for _, f := range []string{"summary.md", "junit.xml", "report.html", "base.json", "head.json"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	head, err := results.Read(filepath.Join(out, "head.json"))
	require.NoError(t, err)
	assert.True(t, head.Complete)
	junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	require.NoError(t, err)
	assert.NotContains(t, string(junit), "<failure")
}

func TestGateCatchesAStartupRegression(t *testing.T) {
	// The head binary is hive behind a wrapper that sleeps 20 ms first:
	// every start of it is 20 ms (plus a shell) slower.
	slow := filepath.Join(t.TempDir(), "hive-slow")
	require.NoError(t, os.WriteFile(slow, []byte("#!/bin/sh\nsleep 0.02\nexec "+hiveBin+" \"$@\"\n"), 0o755))
	out := t.TempDir()
	md := filepath.Join(t.TempDir(), "gate.md")
	stdout, stderr, code := run(t, append([]string{"gate", "--base-bin", hiveBin, "--head-bin", slow, "--out", out, "--md", md}, regressionArgs...)...)
	require.Equal(t, exitcode.Regression, code, stderr)
	assert.Equal(t, compare.Regressed, verdicts(t, stdout)["startup.serve"])
	assert.Contains(t, stderr, "FAIL: regressed: startup.serve +")
	summary, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(summary), "startup.serve")
	assert.Contains(t, strings.ToLower(string(summary)), "regress")
	junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(junit), "<failure", "CI sees a failed test case")
}

func TestGateHeadThatDoesNotRun(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "hive-noexec")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\nexec "+hiveBin+" \"$@\"\n"), 0o644))
	dies := filepath.Join(dir, "hive-dies")
	require.NoError(t, os.WriteFile(dies, []byte("#!/bin/sh\necho 'panic: runtime error: the head build is broken' >&2\nexit 2\n"), 0o755))
	// Passes the version check, then cannot serve.
	noServe := filepath.Join(dir, "hive-noserve")
	require.NoError(t, os.WriteFile(noServe, []byte("#!/bin/sh\nif [ \"$1\" = version ]; then exec "+hiveBin+" \"$@\"; fi\necho 'listen tcp: bind: permission denied (simulated)' >&2\nexit 1\n"), 0o755))
	cases := []struct {
		name, bin, want string
	}{
		{"not executable", notExec, "is not executable"},
		{"dies at start", dies, "the head build is broken"},
		{"cannot serve", noServe, "bind: permission denied (simulated)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"gate", "--base-bin", hiveBin, "--head-bin", c.bin, "--out", t.TempDir()}, gateArgs...)...)
			assert.Equal(t, exitcode.Infra, code, stderr)
			assert.Contains(t, stderr, c.want, "the binary's stderr tail is quoted")
		})
	}
}

func TestGateBaselineMode(t *testing.T) {
	path := testRun(t)
	out := t.TempDir()
	stdout, stderr, code := run(t, "gate", "--baseline", path, "--hive-bin", hiveBin, "--metrics", "startup", "--suite", "test", "--out", out, "--format", "json")
	require.Equal(t, 0, code, stderr)
	v := verdicts(t, stdout)
	assert.Len(t, v, 2, "startup.serve and startup.version, nothing else")
	// Two samples per side cannot decide anything: inconclusive, a pass.
	assert.Equal(t, compare.Inconclusive, v["startup.serve"])
	assert.FileExists(t, filepath.Join(out, "summary.md"))

	otherTree := variant(t, path, "other.json", func(m map[string]any) {
		w := m["workload"].(map[string]any)
		w["hash"] = "sha256:" + strings.Repeat("cd", 32)
	})
	_, stderr, code = run(t, "gate", "--baseline", otherTree, "--hive-bin", hiveBin, "--metrics", "startup", "--suite", "test", "--out", t.TempDir())
	assert.Equal(t, exitcode.Usage, code, stderr)
	assert.Contains(t, stderr, "different workloads")

	for name, bf := range badFiles(t, path) {
		t.Run("bad baseline: "+name, func(t *testing.T) {
			_, stderr, code := run(t, "gate", "--baseline", bf.path, "--hive-bin", hiveBin, "--out", t.TempDir())
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, bf.want)
		})
	}
	_, stderr, code = run(t, "gate", "--baseline", "nightly", "--baselines-dir", t.TempDir(), "--hive-bin", hiveBin)
	assert.Equal(t, exitcode.Usage, code, stderr)
	assert.Contains(t, stderr, `baseline "nightly" not found`)
}

func TestGateUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no mode", nil, "want --base-bin and --head-bin"},
		{"half of A/B", []string{"--base-bin", hiveBin}, "needs both --base-bin and --head-bin"},
		{"both modes", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--baseline", "main"}, "not both"},
		{"unknown metric", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--metrics", "startup.boot"}, `unknown family or metric "startup.boot"`},
		{"unknown tier", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--tier", "wave9"}, `unknown tier "wave9"`},
		{"bad threshold", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--threshold", "startup=abc"}, "not a percentage"},
		{"max below initial", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--max-rounds", "5"}, "--max-rounds 5"},
		{"stdout junit", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--format", "junit"}, "--junit"},
		{"A/A with a base", []string{"--aa-runs", "2", "--base-bin", hiveBin}, "drop --base-bin"},
		{"stray argument", []string{"now"}, `unexpected argument "now"`},
		{"junit in a missing directory", []string{"--base-bin", hiveBin, "--head-bin", hiveBin, "--junit", "/nonexistent/dir/junit.xml"}, "--junit /nonexistent/dir/junit.xml: directory /nonexistent/dir does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"gate"}, c.args...)...)
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
}

func TestGateAARuns(t *testing.T) {
	// Two A/A gates of one look each: the command reports every run's
	// verdicts, the false-alarm count and the reach of the gate.
	stdout, stderr, code := run(t, "gate", "--aa-runs", "2", "--head-bin", hiveBin, "--suite", "test", "--metrics", "startup.serve", "--max-rounds", "10")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "A/A run 1/2: ")
	assert.Contains(t, stdout, "A/A run 2/2: ")
	assert.Regexp(t, `A/A gates: 2, failed \(false alarms\): [0-2] \(`, stdout)
	assert.Regexp(t, `(?m)^startup\.serve\s+5%\s+\d+\s+\d+\s+\d+\s+\d+\s+[0-9.]+%\s+10\s+10\s+`, stdout, "one row per metric: threshold, verdict counts, noise, samples, cap, detection")
	assert.NotContains(t, stdout, "startup.version", "--metrics narrows the report")
}
