package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestBaseline(t *testing.T) {
	path := testRun(t)
	dir := filepath.Join(t.TempDir(), "baselines")
	incomplete := variant(t, path, "partial.json", func(m map[string]any) {
		m["complete"] = false
		m["incomplete_reason"] = "interrupted by a signal"
	})

	out, stderr, code := run(t, "baseline", "save", "main", "--from", path, "--dir", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "saved baseline main")
	saved, err := results.Read(filepath.Join(dir, "main.json"))
	require.NoError(t, err)
	assert.Equal(t, "test", saved.Suite)

	out, stderr, code = run(t, "baseline", "list", "--dir", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "NAME")
	assert.Contains(t, out, "main")
	assert.Contains(t, out, "complete")

	out, stderr, code = run(t, "baseline", "show", "main", "--dir", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "baseline main: suite test")
	assert.Contains(t, out, "startup.serve")

	// A baseline file that no longer reads: listed as unreadable, refused
	// by show.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"schema": 1, "tool": {`), 0o644))
	out, _, code = run(t, "baseline", "list", "--dir", dir)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "broken")
	assert.Contains(t, out, "unreadable")

	// Without --from, save measures now.
	out, stderr, code = run(t, "baseline", "save", "fresh", "--suite", "test", "--metrics", "startup", "--hive-bin", hiveBin, "--dir", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "saved baseline fresh")
	fresh, err := results.Read(filepath.Join(dir, "fresh.json"))
	require.NoError(t, err)
	assert.True(t, fresh.Complete)
	_, ok := fresh.Benchmark("startup.serve")
	assert.True(t, ok)

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"incomplete run", []string{"save", "partial", "--from", incomplete, "--dir", dir}, exitcode.Usage, "are incomplete"},
		{"name with a path", []string{"save", "../main", "--from", path, "--dir", dir}, exitcode.Usage, "path separator"},
		{"name with extension", []string{"save", "main.json", "--from", path, "--dir", dir}, exitcode.Usage, "without the extension"},
		{"no name", []string{"save", "--from", path, "--dir", dir}, exitcode.Usage, "want one NAME"},
		{"corrupt source", []string{"save", "x", "--from", badFiles(t, path)["truncated"].path, "--dir", dir}, exitcode.Usage, "corrupt or truncated JSON"},
		{"show unknown", []string{"show", "nightly", "--dir", dir}, exitcode.Usage, `baseline "nightly" not found`},
		{"show broken", []string{"show", "broken", "--dir", dir}, exitcode.Usage, "corrupt or truncated JSON"},
		{"show another schema", []string{"show", "old", "--dir", schemaDir(t, path)}, exitcode.Usage, "has schema 7"},
		{"unknown subcommand", []string{"delete", "main"}, exitcode.Usage, `unknown subcommand "delete"`},
		{"missing subcommand", nil, exitcode.Usage, "missing subcommand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"baseline"}, c.args...)...)
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
	_, err = os.Stat(filepath.Join(dir, "partial.json"))
	assert.True(t, os.IsNotExist(err), "an incomplete run is not saved")
}

// schemaDir is a baselines directory holding "old", a baseline of another
// schema version.
func schemaDir(t *testing.T, src string) string {
	dir := t.TempDir()
	data, err := os.ReadFile(badFiles(t, src)["another schema"].path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old.json"), data, 0o644))
	return dir
}
