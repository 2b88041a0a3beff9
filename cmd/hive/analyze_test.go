package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
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

// A .gitignore that is a named pipe used to hang `hive analyze --gitignore`
// for ever (SIGTERM could not stop it). It must finish, print the summary of
// what it analysed, and exit 2 naming the file.
func TestAnalyzeGitignoreFIFO(t *testing.T) {
	root := sourceTree(t)
	fifo := filepath.Join(root, ".gitignore")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	db := filepath.Join(t.TempDir(), "hive.db")

	type outcome struct {
		stdout string
		err    error
	}
	done := make(chan outcome, 1)
	go func() {
		stdout, _, err := runErr(t, nil, "analyze", root, "--gitignore", "--db", db)
		done <- outcome{stdout, err}
	}()
	var got outcome
	select {
	case got = <-done:
	case <-time.After(30 * time.Second): // a liveness bound, not a measurement
		// Release the blocked open with a writer so the test can end.
		for range 100 {
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
			select {
			case <-done:
				t.Fatal("hive analyze --gitignore blocked on a .gitignore that is a named pipe")
			case <-time.After(50 * time.Millisecond):
			}
		}
		t.Fatal("hive analyze --gitignore blocked on a named pipe and could not be released")
	}
	require.Error(t, got.err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(got.err), "%v", got.err)
	assert.Contains(t, got.err.Error(), fifo)
	assert.Contains(t, got.err.Error(), "not a regular file: named pipe")
	assert.Contains(t, got.stdout, "total", "the summary of what was analysed is printed")
}

// --max-file-size takes sizes from 1 byte to parse.MaxFileSizeLimit; any
// other is exit 2 naming the flag and the range. 9223372036854775807 used to
// be accepted and analyse every file as empty (the read limit, size+1,
// wrapped), and sizes whose unit made them overflow to negative fell back to
// the default without a word.
func TestAnalyzeMaxFileSizeFlag(t *testing.T) {
	root := sourceTree(t)
	tests := []struct {
		size string
		ok   bool
	}{
		{"9223372036854775807", false},
		{"9223372036854775808", false},
		{"9223372036854775807K", false},
		{"8589934592G", false}, // 2^33 GiB = 2^63 bytes: wrapped to negative
		{"4GiB", false},        // one byte over the limit
		{"4294967296", false},
		{"0", false},
		{"-1", false},
		{"+5", false},
		{"1.5MiB", false},
		{"2XB", false},
		{"", false},
		{"4294967295", true},
		{"100", true},
		{"2MiB", true},
		{"512 KiB", true},
		{"1GB", true},
	}
	for _, tt := range tests {
		t.Run(tt.size, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "hive.db")
			stdout, _, err := runErr(t, nil, "analyze", root, "--max-file-size", tt.size, "--db", db, "--format", "json")
			if tt.ok {
				require.NoError(t, err)
				var sum struct{ Files, Bytes int64 }
				require.NoError(t, json.Unmarshal([]byte(stdout), &sum))
				assert.EqualValues(t, 3, sum.Files)
				assert.Positive(t, sum.Bytes, "files are read, not taken as empty")
				return
			}
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err), "%v", err)
			assert.Contains(t, err.Error(), "-max-file-size", "the error names the flag")
			assert.Contains(t, err.Error(), "from 1 to 4294967295", "and the valid range")
			assert.Empty(t, stdout, "nothing is analysed")
			assert.NoFileExists(t, db, "nothing is stored")
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

// On a terminal that cannot redraw a line (TERM=dumb, an editor's shell
// buffer) or whose TERM is unset, hive analyze writes no \r and no escape
// sequence: progress comes as whole lines (internal/cli.Progress).
func TestAnalyzeProgressOnADumbTerminal(t *testing.T) {
	bin := hiveBinary(t)
	root := sourceTree(t)
	for _, term := range []string{"dumb", ""} {
		t.Run("TERM="+term, func(t *testing.T) {
			pty, err := testhive.OpenPTY()
			if err != nil {
				t.Skipf("no pseudo-terminal here: %v", err)
			}
			defer pty.Close()
			cmd := exec.Command(bin, "analyze", "--db", filepath.Join(t.TempDir(), "hive.db"), root)
			cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=" + term}
			cmd.Stderr = pty.Terminal
			out, err := cmd.Output()
			require.NoError(t, err)
			require.Contains(t, string(out), "total")
			stderr := pty.Output()
			assert.NotContains(t, stderr, "\r")
			assert.NotContains(t, stderr, "\033")
		})
	}
}
