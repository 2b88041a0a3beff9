package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// histFiles writes n results files for commits c000.. with startup.serve
// at 10ms, stepping to 13ms (+30%) from run stepAt on, and returns their
// paths.
func histFiles(t *testing.T, n, stepAt int) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range n {
		f := results.NewFile("test", results.Fingerprint{})
		f.Env.Commit = fmt.Sprintf("c%03d", i)
		f.Env.Dirty = false
		f.Env.Date = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		level := 10.0
		if i >= stepAt {
			level = 13.0
		}
		w := float64(i%3) * 0.1
		b, err := results.NewBenchmark("startup.serve", "ms", results.LowerIsBetter, []float64{level - 0.5 + w, level + w, level + 0.5 + w})
		require.NoError(t, err)
		f.Add(b)
		m, err := results.NewBenchmark("memory.idle_rss", "MiB", results.LowerIsBetter, []float64{50, 50 + w, 51})
		require.NoError(t, err)
		f.Add(m)
		f.MarkComplete()
		p := filepath.Join(dir, fmt.Sprintf("run%02d.json", i))
		require.NoError(t, f.Write(p))
		paths = append(paths, p)
	}
	return paths
}

// exerciseHistoryCLI records 12 runs with a step at run 6 through the CLI
// and checks every subcommand's output; store are the flags choosing the
// backend.
func exerciseHistoryCLI(t *testing.T, store ...string) {
	files := histFiles(t, 12, 6)

	out, stderr, code := run(t, append([]string{"history"}, store...)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "no runs recorded")

	// Flags after the files work too.
	out, stderr, code = run(t, append(append([]string{"history", "record"}, files...), store...)...)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 12, strings.Count(out, "recorded as run"), out)
	assert.Contains(t, out, "commit c011, 2 benchmarks")

	out, stderr, code = run(t, append([]string{"history", "record", files[0]}, store...)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "already recorded as run")

	out, stderr, code = run(t, append([]string{"history", "list", "--limit", "3"}, store...)...)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 4, out)
	assert.Contains(t, lines[0], "ID")
	assert.Contains(t, lines[0], "BENCHMARKS")
	assert.Contains(t, lines[1], "c011")
	assert.Contains(t, lines[1], "2026-11-01 11:00:00Z")
	assert.Contains(t, lines[1], "complete")
	assert.Contains(t, lines[3], "c009")

	out, stderr, code = run(t, append([]string{"history", "show", "startup.serve"}, store...)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "startup.serve (ms), p50 per run, 12 runs, change points found: 1")
	var marked []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "◆ change point") {
			marked = append(marked, l)
		}
	}
	require.Len(t, marked, 1, out)
	assert.Contains(t, marked[0], "c006")
	assert.Contains(t, marked[0], "+29.7% (10.1 ms → 13.1 ms")
	assert.Contains(t, out, "min segment 3, 199 permutations, alpha 0.05")

	out, stderr, code = run(t, append([]string{"history"}, store...)...)
	require.Equal(t, 0, code, stderr)
	var startup, memory string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "startup.serve"):
			startup = l
		case strings.HasPrefix(l, "memory.idle_rss"):
			memory = l
		}
	}
	assert.Contains(t, startup, "c005→c006 +29.7%")
	assert.Contains(t, startup, "▁")
	assert.Contains(t, startup, "█")
	assert.Contains(t, startup, "13.2 ms")
	assert.Contains(t, memory, "none", "the flat metric has no change point")
	assert.Contains(t, out, "change points: E-Divisive means")

	_, stderr, code = run(t, append([]string{"history", "show", "startup.nope"}, store...)...)
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, `no runs of metric "startup.nope"`)
	assert.Contains(t, stderr, "memory.idle_rss, startup.serve")
}

func TestHistorySQLite(t *testing.T) {
	exerciseHistoryCLI(t, "--db", filepath.Join(t.TempDir(), "hive.db"))
}

func TestHistoryBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hive.db")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{not json"), 0o644))
	good := histFiles(t, 1, 99)[0]
	const secret = "Sup3rSecretPw"
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no files", []string{"history", "record", "--db", db}, exitcode.Usage, "no results file given"},
		{"missing file", []string{"history", "record", "/nonexistent/run.json", "--db", db}, exitcode.Usage, "/nonexistent/run.json does not exist"},
		{"bad file", []string{"history", "record", bad, "--db", db}, exitcode.Usage, bad},
		{"unknown subcommand", []string{"history", "frobnicate"}, exitcode.Usage, `unknown subcommand "frobnicate"`},
		{"show without metric", []string{"history", "show", "--db", db}, exitcode.Usage, "want exactly one METRIC"},
		{"negative limit", []string{"history", "list", "--limit", "-1", "--db", db}, exitcode.Usage, "--limit -1"},
		{"both stores", []string{"history", "list", "--db", db, "--history-dsn", "postgres://u@127.0.0.1/x"}, exitcode.Usage, "not both"},
		{"db is a directory", []string{"history", "list", "--db", t.TempDir()}, exitcode.Usage, "is a directory"},
		{"unreachable postgres", []string{"history", "record", good, "--history-dsn",
			"postgres://hive:" + secret + "@127.0.0.1:1/hist?sslmode=disable&connect_timeout=5"}, exitcode.Infra, "host=127.0.0.1 port=1 db=hist user=hive"},
		{"unparsable dsn", []string{"history", "list", "--history-dsn", "postgres://hive:" + secret + "@127.0.0.1:notaport/x"}, exitcode.Usage, "--history-dsn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, c.args...)
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stderr, c.want)
			assert.NotContains(t, stderr, secret)
		})
	}
}

// Everything after "--" is a file, even a name that looks like a flag, as
// for every other command (cli.ParseInterspersed).
func TestHistoryRecordAfterDoubleDash(t *testing.T) {
	files := histFiles(t, 2, 99)
	dir := filepath.Dir(files[0])
	require.NoError(t, os.Rename(files[1], filepath.Join(dir, "-run.json")))
	t.Chdir(dir)
	out, stderr, code := run(t, "history", "record", "--db", filepath.Join(t.TempDir(), "hive.db"), "--", files[0], "-run.json")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 2, strings.Count(out, "recorded as run"), out)
}

// histPGDSN returns a DSN on the test server whose search_path is a fresh
// schema, or skips naming the script that provides a server.
func histPGDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("HIVE_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL history tests need a server: HIVE_TEST_PG_DSN is unset; run ci/history-pg-test.sh, which starts a throwaway server and sets it")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	schema := fmt.Sprintf("hivebench_test_%d", time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		if c, err := pgx.Connect(context.Background(), dsn); err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err, "HIVE_TEST_PG_DSN must be a postgres:// URL")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestHistoryPostgres(t *testing.T) {
	exerciseHistoryCLI(t, "--history-dsn", histPGDSN(t))
}

func TestHistoryPostgresWrongPassword(t *testing.T) {
	u, err := url.Parse(histPGDSN(t))
	require.NoError(t, err)
	real, _ := u.User.Password()
	const wrong = "Wr0ngPassw0rd-do-not-print"
	u.User = url.UserPassword(u.User.Username(), wrong)
	_, stderr, code := run(t, "history", "list", "--history-dsn", u.String())
	assert.Equal(t, exitcode.Infra, code, stderr)
	assert.Contains(t, stderr, "password authentication failed")
	assert.NotContains(t, stderr, wrong)
	assert.NotContains(t, stderr, real)
}
