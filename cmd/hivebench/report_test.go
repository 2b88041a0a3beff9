package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestReport(t *testing.T) {
	path := testRun(t)
	dir := t.TempDir()

	html := filepath.Join(dir, "run.html")
	_, stderr, code := run(t, "report", path, "--format", "html", "--out", html)
	require.Equal(t, 0, code, stderr)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	s := string(page)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(s), "<!DOCTYPE html>") || strings.Contains(s, "<html"), "an HTML page")
	assert.GreaterOrEqual(t, strings.Count(s, "<svg"), 10, "a distribution plot per metric")
	assert.NotContains(t, s, `src="http`, "self-contained: no external assets")
	assert.Contains(t, s, "startup.serve")

	cmp := filepath.Join(dir, "cmp.html")
	_, stderr, code = run(t, "report", path, path, "--format", "html", "--out", cmp)
	require.Equal(t, 0, code, stderr)
	page, err = os.ReadFile(cmp)
	require.NoError(t, err)
	assert.Contains(t, string(page), "inconclusive", "the comparison table")

	out, stderr, code := run(t, "report", path, "--format", "junit")
	require.Equal(t, 0, code, stderr)
	var suites struct {
		XMLName xml.Name
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &suites), "JUnit XML parses")
	assert.Contains(t, out, "startup.serve")

	out, stderr, code = run(t, "report", path, "--format", "md", "--tier", "")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "| startup.serve |")

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no file", nil, "want one results file"},
		{"three files", []string{path, path, path}, "want one results file"},
		{"unknown format", []string{path, "--format", "pdf"}, `unknown report format "pdf"`},
		{"unknown tier", []string{path, "--tier", "wave9"}, `unknown tier "wave9"`},
		{"out in a missing directory", []string{path, "--out", filepath.Join(dir, "no", "r.html")}, "does not exist"},
	}
	for name, bf := range badFiles(t, path) {
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"bad file: " + name, []string{bf.path}, bf.want})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"report"}, c.args...)...)
			assert.Equal(t, exitcode.Usage, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
}
