package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

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
// directory, so the path handed to it has to be absolute. The flags reach
// harness/profile and its summaries reach stdout (the capture itself is
// tested there, the rendering in reports).
func TestProfileRelativeOut(t *testing.T) {
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "profile", "parsing", "--cpu", "--suite", "test", "--hive-bin", hiveBin, "--out", "rel/out", "--top", "3")
	require.Equal(t, 0, code, stderr)
	_, err := os.Stat(filepath.Join("rel", "out", "parsing.cpu.pprof"))
	assert.NoError(t, err)
	abs, err := filepath.Abs(filepath.Join("rel", "out", "parsing.cpu.pprof"))
	require.NoError(t, err)
	assert.Contains(t, stdout, "== "+abs+": cpu (nanoseconds)")
	assert.Contains(t, stdout, "top 3 by flat:")
	assert.Contains(t, stderr, "hivebench profile [", "progress goes to stderr")
}
