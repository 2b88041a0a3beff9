package baselines

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
)

func runFile(commit string, day int) *results.File {
	return &results.File{
		Schema: results.Schema,
		Tool:   results.Tool{Name: "hivebench", Version: "v0.1.0", Commit: commit},
		Env: results.Env{CPUModel: "Test CPU", Cores: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8",
			Commit: commit, Date: time.Date(2025, 11, day, 6, 0, 0, 0, time.UTC), HostHash: "0123456789ab"},
		Workload: results.Fingerprint{Name: "tiny", Files: 2, Bytes: 8, Hash: "sha256:" + strings.Repeat("cd", 32)},
		Suite:    "quick",
		Complete: true,
		Benchmarks: []results.Benchmark{{
			Name: "startup.serve", Metric: results.Startup, Unit: "ns", Direction: results.LowerIsBetter,
			Samples: []float64{1e6, 2e6}, Summary: stats.Summary{N: 2, Min: 1e6, P50: 1.5e6, Max: 2e6, Mean: 1.5e6},
		}},
	}
}

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "baselines") // Save creates it
	f := runFile("abc123", 20)
	f.Source = "run.json"
	require.NoError(t, Save(dir, "main", f))
	assert.Equal(t, "run.json", f.Source, "saving does not change where the caller's file came from")
	assert.FileExists(t, filepath.Join(dir, "main.json"))

	got, err := Load(dir, "main")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "main.json"), got.Source)
	got.Source = f.Source
	assert.Equal(t, f, got)

	// Saving again replaces the baseline.
	require.NoError(t, Save(dir, "main", runFile("def456", 21)))
	got, err = Load(dir, "main")
	require.NoError(t, err)
	assert.Equal(t, "def456", got.Env.Commit)
}

func TestSaveRefuses(t *testing.T) {
	dir := t.TempDir()
	incomplete := runFile("abc", 20)
	incomplete.MarkIncomplete("interrupted by SIGINT")
	cases := []struct {
		name, baseline string
		file           *results.File
		want           string
	}{
		{"incomplete run", "main", incomplete, "incomplete (interrupted by SIGINT); a baseline must be a complete run"},
		{"path", "../main", runFile("a", 1), "contains a path separator"},
		{"nested", "a/b", runFile("a", 1), "contains a path separator"},
		{"windows path", `a\b`, runFile("a", 1), "contains a path separator"},
		{"extension", "main.json", runFile("a", 1), "give the name without the extension (main)"},
		{"empty", "", runFile("a", 1), "baseline name is empty"},
		{"hidden", ".main", runFile("a", 1), "is not valid"},
		{"dotdot", "..", runFile("a", 1), "is not valid"},
		{"space", "my main", runFile("a", 1), "is not valid"},
		{"nil file", "main", nil, "no results to save"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Save(dir, c.baseline, c.file)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing was written")
	assert.NoError(t, CheckName("v0.3.0"))
	assert.NoError(t, CheckName("ci-runner_2"))
}

func TestLoadRejects(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Save(dir, "main", runFile("abc", 20)))
	good, err := os.ReadFile(Path(dir, "main"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(Path(dir, "truncated"), good[:len(good)/2], 0o644))
	require.NoError(t, os.WriteFile(Path(dir, "future"), []byte(strings.Replace(string(good), `"schema": 1`, `"schema": 7`, 1)), 0o644))
	// Written past Save, as a copied file or a hand edit would be: Load
	// must not take what Save refuses.
	partial := runFile("abc", 20)
	partial.MarkIncomplete("interrupted by SIGINT")
	require.NoError(t, partial.Write(Path(dir, "partial")))
	empty := runFile("abc", 20)
	empty.Benchmarks = nil
	empty.MarkIncomplete("startup: set-up failed")
	require.NoError(t, empty.Write(Path(dir, "empty")))

	cases := []struct {
		name string
		want []string
	}{
		{"truncated", []string{filepath.Join(dir, "truncated.json"), "corrupt or truncated JSON at byte offset"}},
		{"future", []string{filepath.Join(dir, "future.json") + " has schema 7; this hivebench reads schema 1"}},
		{"release", []string{`baseline "release" not found`, "baselines in " + dir + ": empty, future, main, partial, truncated"}},
		{"partial", []string{filepath.Join(dir, "partial.json") + " are incomplete (interrupted by SIGINT); a baseline must be a complete run"}},
		{"empty", []string{filepath.Join(dir, "empty.json") + " are incomplete (startup: set-up failed)"}},
		{"../etc/passwd", []string{"path separator"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(dir, c.name)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	_, err = Load(filepath.Join(dir, "nothing"), "main")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds no baselines")
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Save(dir, "main", runFile("abc123", 20)))
	require.NoError(t, Save(dir, "v0.1.0", runFile("def456", 21)))
	require.NoError(t, os.WriteFile(Path(dir, "broken"), []byte("{"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a baseline"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".tmp.json"), []byte("{}"), 0o644))

	infos, err := List(dir)
	require.NoError(t, err)
	require.Len(t, infos, 3)
	assert.Equal(t, []string{"broken", "main", "v0.1.0"}, []string{infos[0].Name, infos[1].Name, infos[2].Name})

	assert.Error(t, infos[0].Err, "a broken baseline is listed with its error")
	assert.Contains(t, infos[0].String(), "unreadable")

	m := infos[1]
	require.NoError(t, m.Err)
	assert.Equal(t, "abc123", m.Commit)
	assert.Equal(t, "quick", m.Suite)
	assert.True(t, m.Complete)
	assert.Equal(t, 1, m.Benchmarks)
	assert.Equal(t, time.Date(2025, 11, 20, 6, 0, 0, 0, time.UTC), m.Date)
	assert.Equal(t, "tiny", m.Workload.Name)
	assert.Equal(t, "main\t2025-11-20 06:00\tabc123\tquick\tcomplete\t1 benchmarks\ttiny (2 files, 8 bytes, sha256:cdcdcdcdcdcd)", m.String())

	none, err := List(filepath.Join(dir, "missing"))
	require.NoError(t, err)
	assert.Empty(t, none)
}

// Open takes a results file for anything that looks like a path, and a
// baseline name otherwise; an incomplete run is refused either way.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Save(dir, "main", runFile("abc", 20)))
	work := t.TempDir()
	complete := filepath.Join(work, "run.json")
	require.NoError(t, runFile("def", 21).Write(complete))
	incomplete := filepath.Join(work, "partial.json")
	f := runFile("ghi", 22)
	f.MarkIncomplete("interrupted by a signal")
	require.NoError(t, f.Write(incomplete))
	bare := filepath.Join(work, "bare")
	require.NoError(t, runFile("jkl", 23).Write(bare))
	t.Chdir(work)

	cases := []struct {
		name, arg  string
		wantCommit string
		code       int
		want       string
	}{
		{"a baseline name", "main", "abc", exitcode.OK, ""},
		{"a path", complete, "def", exitcode.OK, ""},
		{"a file name in the working directory, without a path", "bare", "jkl", exitcode.OK, ""},
		{"an incomplete file", incomplete, "", exitcode.Usage, "incomplete (interrupted by a signal)"},
		{"a .json that does not exist", "gone.json", "", exitcode.Usage, "gone.json"},
		{"an unknown name", "nightly", "", exitcode.Usage, "baselines in " + dir + ": main"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Open(c.arg, dir)
			if c.code != exitcode.OK {
				require.Error(t, err)
				assert.Equal(t, c.code, exitcode.Code(err), err.Error())
				assert.Contains(t, err.Error(), c.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.wantCommit, got.Env.Commit)
		})
	}
}
