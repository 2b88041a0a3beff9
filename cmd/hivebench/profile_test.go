package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestProfileParsing(t *testing.T) {
	out := t.TempDir()
	// The quick suite's workload (GOROOT/src/net): about a second of CPU,
	// enough for a 100 Hz profile to have samples.
	stdout, stderr, code := run(t, "profile", "parsing", "--cpu", "--fgprof", "--hive-bin", hiveBin, "--out", out, "--top", "5")
	require.Equal(t, 0, code, stderr)
	for _, kind := range []string{"cpu", "fgprof"} {
		path := filepath.Join(out, "parsing."+kind+".pprof")
		f, err := os.Open(path)
		require.NoError(t, err, "%s profile written", kind)
		p, err := profile.Parse(f)
		f.Close()
		require.NoError(t, err, "%s is a pprof profile", path)
		assert.NotEmpty(t, p.Sample, kind)
		assert.Contains(t, stdout, "== "+path)
	}
	assert.Contains(t, stdout, "top 5 by flat:")
	assert.Contains(t, stdout, "top 5 by cum:")
	assert.Contains(t, stdout, "function")
	assert.Contains(t, stdout, "engine/parse.", "the profiles saw the analyzer at work")

	// Diff against itself: every share is unchanged.
	base := filepath.Join(out, "parsing.cpu.pprof")
	keep := filepath.Join(t.TempDir(), "base.pprof")
	data, err := os.ReadFile(base)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keep, data, 0o644))
	stdout, stderr, code = run(t, "profile", "parsing", "--cpu", "--hive-bin", hiveBin, "--out", out, "--diff-base", keep, "--top", "3")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "top 3 changes of flat share")
	assert.Contains(t, stdout, "Δ share")
}

func TestProfileServeAndStartup(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, code := run(t, "profile", "consensus", "--cpu", "--heap", "--mutex", "--seconds", "1", "--concurrency", "2", "--hive-bin", hiveBin, "--out", out, "--top", "3")
	require.Equal(t, 0, code, stderr)
	for _, kind := range []string{"cpu", "heap", "mutex"} {
		assert.FileExists(t, filepath.Join(out, "consensus."+kind+".pprof"))
	}
	assert.Contains(t, stdout, "inuse_space (bytes)")
	assert.Contains(t, stderr, "consensus runs done")

	stdout, stderr, code = run(t, "profile", "startup.serve", "--allocs", "--runs", "2", "--hive-bin", hiveBin, "--out", out, "--top", "3")
	require.Equal(t, 0, code, stderr)
	assert.FileExists(t, filepath.Join(out, "startup.allocs.pprof"))
	assert.Contains(t, stdout, "alloc_space (bytes)")
}

func TestProfileBadInput(t *testing.T) {
	notProfile := filepath.Join(t.TempDir(), "x.pprof")
	require.NoError(t, os.WriteFile(notProfile, []byte("not a profile"), 0o644))
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no metric", nil, exitcode.Usage, "want one METRIC"},
		{"unknown family", []string{"latency"}, exitcode.Usage, `unknown metric "latency"`},
		{"unknown metric", []string{"parsing.speed"}, exitcode.Usage, `unknown metric "parsing.speed"`},
		{"bad top", []string{"parsing", "--top", "0"}, exitcode.Usage, "--top 0"},
		{"diff base not a profile", []string{"parsing", "--diff-base", notProfile}, exitcode.Usage, "is not a pprof profile"},
		{"missing binary", []string{"parsing", "--hive-bin", filepath.Join(t.TempDir(), "hive")}, exitcode.Infra, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"profile"}, c.args...)...)
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
	assert.True(t, strings.HasPrefix(profileUsage, "Usage: hivebench profile METRIC"))
}

// A relative --out must work: hive writes CLI profiles from its own working
// directory, so the path handed to it has to be absolute.
func TestProfileRelativeOut(t *testing.T) {
	t.Chdir(t.TempDir())
	_, stderr, code := run(t, "profile", "parsing", "--cpu", "--suite", "test", "--hive-bin", hiveBin, "--out", "rel/out", "--top", "3")
	require.Equal(t, 0, code, stderr)
	_, err := os.Stat(filepath.Join("rel", "out", "parsing.cpu.pprof"))
	assert.NoError(t, err)
}
