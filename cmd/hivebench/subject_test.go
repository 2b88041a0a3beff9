package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

// `hivebench run --subject` measures a real implementation that is not
// hive (the tiny Go subject of harness/subject/testdata) with the same
// suite as the hive fixture, records it as the subject, and compare and
// report --vs print hive vs it, ratio and CI per metric.
func TestRunSubjectAndVersus(t *testing.T) {
	dir := filepath.Join(filepath.Dir(hiveBin), "tiny")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	subjectFile, err := testhive.BuildTinySubject(dir)
	require.NoError(t, err)
	hive := testRun(t)

	out := filepath.Join(t.TempDir(), "tiny.json")
	// memory.analyze_peak_rss is left out: the tiny analyzer stays under
	// the peak-RSS trampoline's own footprint, which the probe refuses.
	stdout, stderr, code := run(t, "run", "--subject", subjectFile, "--suite", "test", "--out", out, "--vs", hive,
		"--metrics", "startup,memory.idle_rss,memory.serve_peak_rss,parsing,consensus,database")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "measuring subject tiny")
	assert.Contains(t, stdout, "vs hive (measured)", "the vs column is the measured run")
	f, err := results.Read(out)
	require.NoError(t, err)
	require.NotNil(t, f.Subject)
	assert.Equal(t, "tiny", f.Subject.Name)
	assert.Len(t, f.Subject.SHA256, 64)
	assert.True(t, f.Complete)
	for _, fam := range results.Families {
		found := false
		for _, b := range f.Benchmarks {
			found = found || b.Metric == fam
		}
		assert.True(t, found, "family %s measured", fam)
	}

	for _, args := range [][]string{{"compare", hive, out}, {"report", hive, "--vs", out}} {
		stdout, stderr, code = run(t, args...)
		require.Equal(t, 0, code, stderr)
		for _, want := range []string{"hive vs tiny", "tiny ÷ hive", "95% CI", "startup.serve", "consensus.e2e"} {
			assert.Contains(t, stdout, want, args[0])
		}
	}
	_, stderr, code = run(t, "report", hive, "--vs", out, "--format", "junit")
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, "use table, md or json")
}

func TestRunSubjectRefusesAMissingSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: bare\nserve: {command: [./srv, \"{port}\"]}\n"), 0o644))
	_, stderr, code := run(t, "run", "--subject", path, "--suite", "test", "--out", filepath.Join(t.TempDir(), "x.json"))
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, "the parsing family needs the file's analyze section")

	require.NoError(t, os.WriteFile(path, []byte("name: bare\nserv: {}\n"), 0o644))
	_, stderr, code = run(t, "run", "--subject", path, "--suite", "test")
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, "field serv not found")
}
