package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// run executes the hive app in-process with captured output.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	err := app.Run(context.Background(), e, args)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), exitcode.Code(err)
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, nil, "version")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "hive ")
	assert.Contains(t, out, "go1.")
}

func TestDBCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	odd := filepath.Join(dir, "a#b?c%41", "hive.db")
	notDB := filepath.Join(dir, "hostname")
	require.NoError(t, os.WriteFile(notDB, []byte("host\n"), 0o644))

	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"path from flag", nil, []string{"db", "path", "--db", db}, 0, db, ""},
		{"path from env", map[string]string{"HIVE_DB": "/e/h.db"}, []string{"db", "path"}, 0, "/e/h.db", ""},
		{"stats creates and counts", nil, []string{"db", "stats", "--db", db}, 0, "rows      conversations   0", ""},
		{"stats of a path with # ? %", nil, []string{"db", "stats", "--db", odd}, 0, "database  " + odd + "\n", ""},
		{"check", nil, []string{"db", "check", "--db", db}, 0, "integrity ok", ""},
		{"migrate is a no-op", nil, []string{"db", "migrate", "--db", db}, 0, fmt.Sprintf("schema %d -> %d", store.LatestSchema(), store.LatestSchema()), ""},
		{"vacuum", nil, []string{"db", "vacuum", "--db", db}, 0, "bytes", ""},
		{"bench", nil, []string{"db", "bench", "--db", db, "--ops", "3", "--json"}, 0, `"upsert_file_50_symbols":[`, ""},
		{"bench bad ops", nil, []string{"db", "bench", "--db", db, "--ops", "0"}, exitcode.Usage, "", "--ops must be"},
		{"not a database", nil, []string{"db", "stats", "--db", notDB}, exitcode.Usage, "", "is not a SQLite database"},
		{"directory", nil, []string{"db", "stats", "--db", dir}, exitcode.Usage, "", "is a directory"},
		{"unknown sub", nil, []string{"db", "frob"}, exitcode.Usage, "", "unknown subcommand"},
		{"missing sub", nil, []string{"db"}, exitcode.Usage, "", "missing subcommand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := run(t, c.env, c.args...)
			assert.Equal(t, c.wantCode, code, errs)
			assert.Contains(t, out, c.wantOut)
			assert.Contains(t, errs, c.wantErr)
		})
	}
	_, err := os.Stat(odd)
	assert.NoError(t, err, "the database is exactly at the path given")
	_, err = os.Stat(filepath.Join(dir, "a"))
	assert.True(t, os.IsNotExist(err), "nothing at the path cut at '#'")
}
