package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// variant writes a copy of the results file at src with edit applied to
// its JSON object, or raw bytes when edit is nil and raw is set.
func variant(t *testing.T, src, name string, edit func(m map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	edit(m)
	out, err := json.MarshalIndent(m, "", "  ")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, out, 0o644))
	return path
}

// badFiles are the bad inputs every command that reads results files must
// refuse with exit 2 and a message naming the problem.
func badFiles(t *testing.T, src string) map[string]struct{ path, want string } {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	truncated := filepath.Join(dir, "truncated.json")
	require.NoError(t, os.WriteFile(truncated, data[:len(data)/2], 0o644))
	corrupt := filepath.Join(dir, "corrupt.json")
	require.NoError(t, os.WriteFile(corrupt, []byte("{not json at all"), 0o644))
	return map[string]struct{ path, want string }{
		"truncated":      {truncated, "corrupt or truncated JSON at byte offset"},
		"corrupt":        {corrupt, "corrupt or truncated JSON"},
		"another schema": {variant(t, src, "schema7.json", func(m map[string]any) { m["schema"] = 7 }), "has schema 7; this hivebench reads schema 1"},
		"missing":        {filepath.Join(dir, "none.json"), "does not exist"},
	}
}

func TestCompare(t *testing.T) {
	path := testRun(t)
	otherTree := variant(t, path, "other.json", func(m map[string]any) {
		w := m["workload"].(map[string]any)
		w["hash"] = "sha256:" + strings.Repeat("ab", 32)
		w["files"] = 9999.0
	})
	incomplete := variant(t, path, "partial.json", func(m map[string]any) {
		m["complete"] = false
		m["incomplete_reason"] = "interrupted by a signal"
	})
	startupOnly := variant(t, path, "startup.json", keepOnly("startup", ""))
	// The same file names and sizes with other bytes: before workloads
	// carried a content fingerprint, this compared as one workload.
	otherBytes := variant(t, path, "otherbytes.json", func(m map[string]any) {
		m["workload"].(map[string]any)["content"] = "sha256:" + strings.Repeat("ef", 32)
	})
	// A file written before workload.content existed.
	noContent := variant(t, path, "old.json", func(m map[string]any) {
		delete(m["workload"].(map[string]any), "content")
	})
	cases := []struct {
		name    string
		args    []string
		code    int
		wantOut []string
		wantErr string
	}{
		{"table", []string{path, path}, 0, []string{"startup.serve", "ratio CI", "verdict"}, ""},
		{"incomplete base", []string{incomplete, path}, exitcode.Usage, nil, "partial.json are incomplete (interrupted by a signal); a baseline must be a complete run"},
		{"incomplete head is shown as such", []string{path, incomplete}, 0, []string{"INCOMPLETE (interrupted by a signal)"}, ""},
		{"a metric only one file has", []string{"--metrics", "startup,database", startupOnly, path}, exitcode.Usage, nil, `--metrics: "database" is in ` + path + ` but not in ` + startupOnly + `: nothing of it to compare`},
		{"no metric in common", []string{startupOnly, variant(t, path, "db.json", keepOnly("database", ""))}, exitcode.Usage, nil, "share no benchmark to compare"},
		{"markdown", []string{"--format", "md", path, path}, 0, []string{"| metric |", "startup.serve"}, ""},
		{"json", []string{path, path, "--format", "json"}, 0, []string{`"kind": "comparison"`, `"verdict"`}, ""},
		{"one family", []string{"--metrics", "startup", path, path}, 0, []string{"startup.serve"}, ""},
		{"different workloads", []string{path, otherTree}, exitcode.Usage, nil, "measured different workloads"},
		{"same names and sizes, other bytes", []string{path, otherBytes}, exitcode.Usage, nil, "measured workloads with the same file names and sizes but different contents"},
		{"a file without content compares, with a warning", []string{noContent, path}, 0, []string{"startup.serve", "workload contents not compared: " + noContent + " has no content fingerprint"}, ""},
		{"one file", []string{path}, exitcode.Usage, nil, "want two results files"},
		{"unknown format", []string{"--format", "csv", path, path}, exitcode.Usage, nil, `unknown report format "csv"`},
		{"bad threshold", []string{"--threshold", "startup=-1", path, path}, exitcode.Usage, nil, "not a percentage"},
		{"unknown metric", []string{"--metrics", "gpu", path, path}, exitcode.Usage, nil, `"gpu" is neither a family nor a benchmark`},
	}
	for name, bf := range badFiles(t, path) {
		cases = append(cases, struct {
			name    string
			args    []string
			code    int
			wantOut []string
			wantErr string
		}{"bad head: " + name, []string{path, bf.path}, exitcode.Usage, nil, bf.want})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := run(t, append([]string{"compare"}, c.args...)...)
			assert.Equal(t, c.code, code, stderr)
			for _, w := range c.wantOut {
				assert.Contains(t, out, w)
			}
			assert.Contains(t, stderr, c.wantErr)
		})
	}
	out, _, _ := run(t, "compare", "--metrics", "startup", path, path)
	assert.NotContains(t, out, "database.cache_get", "--metrics keeps one family")
}
