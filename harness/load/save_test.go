package load

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

// failingWriter is a stdout closed by its reader.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// Save writes the files before the text report, so a stdout that fails
// costs nothing recorded, and the error says where the run is saved.
func TestSaveWritesTheFilesFirst(t *testing.T) {
	rep := run(t, context.Background(), scenario(nil), serve(t, &fakeHive{}), Options{})
	dir := t.TempDir()
	jsonPath, resultsPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "results.json")
	var log bytes.Buffer
	cases := []struct {
		name    string
		w       io.Writer
		o       Outputs
		wantErr string
		files   []string
	}{
		{"stdout fails", failingWriter{},
			Outputs{JSON: jsonPath, Results: resultsPath, Log: &log}, "writing the report to stdout: broken pipe; the run is saved in " + jsonPath + " and " + resultsPath,
			[]string{jsonPath, resultsPath}},
		{"no files asked for", &bytes.Buffer{}, Outputs{}, "", nil},
		{"a file that cannot be written", &bytes.Buffer{},
			Outputs{JSON: filepath.Join(dir, "missing", "r.json")}, "--report", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Save(context.Background(), c.w, rep, c.o)
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
			}
			for _, p := range c.files {
				_, err := os.Stat(p)
				assert.NoError(t, err, "%s is written whatever stdout does", p)
			}
		})
	}
	f, err := results.Read(resultsPath)
	require.NoError(t, err)
	assert.Equal(t, "load/test", f.Suite)
	assert.Contains(t, log.String(), "results written to "+resultsPath)
}

func TestStampBuild(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
		return p
	}
	cases := []struct {
		name, bin string
		wantErr   string
	}{
		{"a hive", script("hive", `echo '{"version":"v1","commit":"c0ffee","dirty":true}'`), ""},
		{"no commit", script("old", `echo '{"version":"v0"}'`), "no commit in its output"},
		{"not JSON", script("other", `echo hello`), "invalid character"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := results.NewFile("load/test", results.Fingerprint{})
			own := f.Env
			err := StampBuild(context.Background(), f, c.bin)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Equal(t, own, f.Env, "the file keeps hivebench's stamp")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "c0ffee", f.Env.Commit)
			assert.True(t, f.Env.Dirty)
		})
	}
}
