package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestGateOutputs(t *testing.T) {
	measured := func() *results.File {
		f := fixtureBase()
		f.Source = "" // measured by this gate, not read from a file
		return f
	}
	stored := fixtureBase
	cases := []struct {
		name       string
		o          func(dir string) GateOutputs
		base       func() *results.File
		md         string // where the Markdown report goes, relative to the temp dir
		files      []string
		baseCopied bool
	}{
		{"defaults in the directory, created", func(dir string) GateOutputs { return GateOutputs{Dir: filepath.Join(dir, "out")} }, measured,
			"out/summary.md", []string{"out/head.json", "out/junit.xml", "out/report.html"}, true},
		{"reports elsewhere", func(dir string) GateOutputs {
			return GateOutputs{Dir: filepath.Join(dir, "out"), Markdown: filepath.Join(dir, "pr.md"), JUnit: filepath.Join(dir, "j.xml"), HTML: filepath.Join(dir, "r.html")}
		}, measured, "pr.md", []string{"out/head.json", "j.xml", "r.html"}, true},
		{"a stored baseline is not copied", func(dir string) GateOutputs { return GateOutputs{Dir: dir} }, stored,
			"summary.md", []string{"head.json", "junit.xml", "report.html"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			o := c.o(dir)
			head := fixtureHead()
			base := c.base()
			cmp := Comparison{Base: base, Head: head, BaseLabel: "base", HeadLabel: "head", Results: fixtureResults(base, head)}
			require.NoError(t, o.Write(cmp))
			for _, f := range c.files {
				assert.FileExists(t, filepath.Join(dir, f))
			}
			if c.baseCopied {
				assert.FileExists(t, filepath.Join(o.Dir, "base.json"))
			} else {
				assert.NoFileExists(t, filepath.Join(o.Dir, "base.json"), "a file with a Source is on disk already")
			}
			var want bytes.Buffer
			require.NoError(t, WriteComparison(&want, Markdown, cmp))
			got, err := os.ReadFile(filepath.Join(dir, c.md))
			require.NoError(t, err)
			assert.Equal(t, want.String(), string(got), "the Markdown report is the comparison's")
			back, err := results.Read(filepath.Join(o.Dir, "head.json"))
			require.NoError(t, err)
			assert.Equal(t, head.Env.Commit, back.Env.Commit, "head.json is the head run")
		})
	}
}

func TestGateOutputsWriteSides(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, GateOutputs{Dir: dir}.WriteSides(nil, fixtureHead()), "a post-mortem may have one side only")
	assert.FileExists(t, filepath.Join(dir, "head.json"))
	assert.NoFileExists(t, filepath.Join(dir, "base.json"))

	file := filepath.Join(dir, "head.json")
	err := GateOutputs{Dir: filepath.Join(file, "out")}.WriteSides(fixtureBase(), nil)
	require.Error(t, err, "--out under a file")
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "--out "+filepath.Join(file, "out"))
}
