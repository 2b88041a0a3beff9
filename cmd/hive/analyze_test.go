package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/cli"
	"github.com/hiveperf/hive/engine/exitcode"
)

// runErr invokes the hive app as main would, with injected output and env,
// and returns the error itself (main_test.go's run returns only its code).
func runErr(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	err = app.Run(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func sourceTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"main.go":        "package main\n\n// Alpha does nothing.\nfunc Alpha() {}\n\nfunc main() { Alpha() }\n",
		"lib/util.py":    "def beta_helper(x):\n    return x if x else None\n",
		"lib/native.c":   "#include <stdio.h>\nint gamma(void) { return 0; }\n",
		"blob.go":        "package main\x00",
		"lib/readme.txt": "not source",
	}
	for p, c := range files {
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(c), 0o644))
	}
	return root
}

func TestAnalyzeJSONAndNDJSON(t *testing.T) {
	root := sourceTree(t)
	db := filepath.Join(t.TempDir(), "hive.db")
	nd := filepath.Join(t.TempDir(), "files.ndjson")

	// Flags after PATH, as in `hive analyze DIR --format json`.
	stdout, _, err := runErr(t, nil, "analyze", root, "--format", "json", "--db", db, "--files-out", nd, "--jobs", "2")
	require.NoError(t, err)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	for _, k := range []string{"files", "bytes", "lines", "code", "comments", "blanks", "symbols", "functions", "skipped", "errors", "cached", "seconds", "languages"} {
		assert.Contains(t, sum, k)
	}
	assert.EqualValues(t, 3, sum["files"])
	assert.EqualValues(t, 1, sum["skipped"])
	assert.EqualValues(t, 4, sum["functions"])
	langs := sum["languages"].(map[string]any)
	for _, l := range []string{"go", "python", "c"} {
		require.Contains(t, langs, l)
		for _, k := range []string{"files", "bytes", "lines", "code", "comments", "blanks", "symbols", "functions", "skipped", "errors", "cached"} {
			assert.Contains(t, langs[l], k, "languages.%s", l)
		}
	}

	f, err := os.Open(nd)
	require.NoError(t, err)
	defer f.Close()
	byBase := map[string]map[string]any{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), sc.Text())
		assert.Contains(t, rec, "latency_us")
		byBase[filepath.Base(rec["path"].(string))] = rec
	}
	require.Len(t, byBase, 4)
	assert.Contains(t, byBase["blob.go"]["skipped"], "binary")
	syms := byBase["main.go"]["symbols"].([]any)
	require.Len(t, syms, 2)
	assert.Equal(t, map[string]any{"name": "Alpha", "kind": "function", "start_line": 4.0, "end_line": 4.0, "complexity": 1.0}, syms[0])
	assert.Equal(t, []any{"stdio.h"}, byBase["native.c"]["imports"])

	// --files-out-symbols=false: the same records without symbols or imports.
	brief := filepath.Join(t.TempDir(), "brief.ndjson")
	_, _, err = runErr(t, nil, "analyze", root, "--format", "json", "--db", filepath.Join(t.TempDir(), "b.db"), "--files-out", brief, "--files-out-symbols=false")
	require.NoError(t, err)
	b, err := os.ReadFile(brief)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 4)
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec), l)
		assert.Contains(t, rec, "latency_us")
		assert.NotContains(t, rec, "symbols", l)
		assert.NotContains(t, rec, "imports", l)
		if filepath.Base(rec["path"].(string)) == "main.go" {
			assert.EqualValues(t, 2, rec["symbol_count"])
		}
	}

	// The rerun takes everything from the store.
	stdout, _, err = runErr(t, nil, "analyze", "--format=json", "--db", db, root)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
	assert.EqualValues(t, 3, sum["cached"])
	assert.EqualValues(t, 4, sum["functions"])
}

func TestAnalyzeTable(t *testing.T) {
	root := sourceTree(t)
	// HIVE_DB picks the database when --db is absent.
	db := filepath.Join(t.TempDir(), "env.db")
	stdout, stderr, err := runErr(t, map[string]string{"HIVE_DB": db}, "analyze", root)
	require.NoError(t, err)
	assert.Empty(t, stderr, "no progress bar when stderr is not a terminal")
	assert.Contains(t, stdout, "LANGUAGE")
	assert.Contains(t, stdout, "total")
	assert.Contains(t, stdout, "files/s")
	assert.Contains(t, stdout, "peak RSS")
	assert.FileExists(t, db)
}

func TestAnalyzeUsageErrors(t *testing.T) {
	root := sourceTree(t)
	db := filepath.Join(t.TempDir(), "hive.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"analyze", "--db", db}, "exactly one PATH"},
		{"two paths", []string{"analyze", root, root, "--db", db}, "exactly one PATH"},
		{"missing path", []string{"analyze", filepath.Join(root, "nope"), "--db", db}, "does not exist"},
		{"bad format", []string{"analyze", root, "--format", "xml", "--db", db}, "--format"},
		{"bad size", []string{"analyze", root, "--max-file-size", "huge", "--db", db}, "max-file-size"},
		{"negative jobs", []string{"analyze", root, "--jobs", "-1", "--db", db}, "--jobs"},
		{"unknown flag", []string{"analyze", root, "--fast", "--db", db}, "fast"},
		{"db is a directory", []string{"analyze", root, "--db", t.TempDir()}, "is a directory"},
		{"files-out in a missing directory", []string{"analyze", root, "--db", db, "--files-out", filepath.Join(root, "no", "such", "dir", "x.ndjson")}, "--files-out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runErr(t, nil, tt.args...)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err), "%v", err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2097152", 2097152, true},
		{"2MiB", 2 << 20, true},
		{"2M", 2 << 20, true},
		{"512 KiB", 512 << 10, true},
		{"1GB", 1e9, true},
		{"10B", 10, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"2XB", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if !tt.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSymbolsSearch(t *testing.T) {
	root := sourceTree(t)
	db := filepath.Join(t.TempDir(), "hive.db")
	_, _, err := runErr(t, nil, "analyze", root, "--db", db)
	require.NoError(t, err)

	stdout, _, err := runErr(t, nil, "symbols", "beta", "--db", db, "--json")
	require.NoError(t, err)
	var hits []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &hits))
	require.Len(t, hits, 1)
	assert.Equal(t, "beta_helper", hits[0]["name"])
	assert.Equal(t, "function", hits[0]["kind"])
	assert.Equal(t, filepath.Join(root, "lib", "util.py"), hits[0]["path"])
	assert.EqualValues(t, 1, hits[0]["start_line"])

	stdout, _, err = runErr(t, nil, "symbols", "--db", db, "alp")
	require.NoError(t, err)
	assert.Contains(t, stdout, "Alpha")
	assert.Contains(t, stdout, "main.go:4")

	stdout, stderr, err := runErr(t, nil, "symbols", "zzz_nothing", "--db", db)
	require.NoError(t, err)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "no symbol matches")

	stdout, _, err = runErr(t, nil, "symbols", "--db", db, "--json", "--limit", "1", "a")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(stdout), &hits))
	assert.Len(t, hits, 1)

	for _, args := range [][]string{{"symbols", "--db", db}, {"symbols", "x", "--limit", "0", "--db", db}, {"symbols", "--db", db, "!!!"}} {
		_, _, err := runErr(t, nil, args...)
		require.Error(t, err, "%v", args)
		assert.Equal(t, exitcode.Usage, exitcode.Code(err), "%v: %v", args, err)
	}
}
