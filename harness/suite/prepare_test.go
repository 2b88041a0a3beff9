package suite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Prepare resolves everything a measurement needs before anything runs,
// the workload's fingerprint included, and names the flag of any mistake.
func TestPrepare(t *testing.T) {
	tree := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(tree, "a.go"), []byte("package a\n"), 0o644))
	missing := filepath.Join(t.TempDir(), "gone")
	cases := []struct {
		name    string
		suite   string
		o       Options
		metrics string
		wantErr string // "" for success
		want    []string
	}{
		{"one family", "test", Options{Workload: tree}, "parsing", "", []string{"parsing.wall", "parsing.files_per_sec", "parsing.mb_per_sec", "parsing.per_file"}},
		{"one metric", "test", Options{Workload: tree}, "startup.serve", "", []string{"startup.serve"}},
		{"unknown suite", "nightly", Options{}, "", "--suite: unknown suite", nil},
		{"bad rounds", "test", Options{Rounds: -1}, "", "--rounds", nil},
		{"unknown metric", "test", Options{Workload: tree}, "startup.nope", "startup.nope", nil},
		{"workload that is not there", "test", Options{Workload: missing}, "parsing", "is not a directory", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Prepare(context.Background(), c.suite, c.o, c.metrics, "bin/hive")
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err), err.Error())
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.suite, m.Suite.Name)
			assert.Equal(t, "bin/hive", m.Bin)
			for _, name := range c.want {
				assert.True(t, m.Selection.Has(name), name)
			}
			assert.Len(t, m.Selection.All(), len(c.want))
			assert.Equal(t, tree, m.Suite.Probe.Workload)
			require.NotNil(t, m.Fingerprint, "the workload is fingerprinted before measuring")
			assert.Equal(t, 1, m.Fingerprint.Files)
		})
	}
}

// A binary that is not there measures nothing: no file, and the error
// names the flag.
func TestMeasureWithoutABinary(t *testing.T) {
	m, err := Prepare(context.Background(), "test", Options{}, "startup.version", filepath.Join(t.TempDir(), "hive"))
	require.NoError(t, err)
	var lines []string
	f, err := m.Measure(context.Background(), func(format string, args ...any) { lines = append(lines, format) })
	require.Error(t, err)
	assert.Nil(t, f)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "--hive-bin")
	assert.Empty(t, lines, "nothing started, nothing to report")
}
