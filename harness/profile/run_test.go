package profile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	pprof "github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// options are the defaults of `hivebench profile` with the real binary.
func options(t *testing.T, family string, kinds ...string) Options {
	o := Options{Family: family, Out: t.TempDir(), Top: 15, HiveBin: hiveBin, Suite: "quick", Seconds: 10, Runs: 20, Concurrency: 8, DBOps: 2000}
	for _, name := range kinds {
		for _, k := range Kinds {
			if k.Name == name {
				o.Kinds = append(o.Kinds, k)
			}
		}
	}
	require.Len(t, o.Kinds, len(kinds))
	return o
}

// progressLines collects progress lines.
type progressLines struct {
	mu    sync.Mutex
	lines []string
}

func (p *progressLines) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, fmt.Sprintf(format, args...))
}

func (p *progressLines) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// byPath is the Result of a profile file.
func byPath(t *testing.T, res []Result, path string) Result {
	t.Helper()
	for _, r := range res {
		if r.Top.Path == path {
			return r
		}
	}
	require.Failf(t, "no result", "for %s", path)
	return Result{}
}

func TestRunParsing(t *testing.T) {
	// The quick suite's workload (GOROOT/src/net): about a second of CPU,
	// enough for a 100 Hz profile to have samples.
	o := options(t, "parsing", "cpu", "fgprof")
	o.Top = 5
	res, err := Run(t.Context(), o)
	require.NoError(t, err)
	require.Len(t, res, 2)
	sawParse := false
	for _, kind := range []string{"cpu", "fgprof"} {
		path := filepath.Join(o.Out, "parsing."+kind+".pprof")
		f, err := os.Open(path)
		require.NoError(t, err, "%s profile written", kind)
		p, err := pprof.Parse(f)
		f.Close()
		require.NoError(t, err, "%s is a pprof profile", path)
		assert.NotEmpty(t, p.Sample, kind)
		r := byPath(t, res, path)
		assert.Nil(t, r.Diff)
		assert.Equal(t, 5, r.Top.N)
		assert.NotEmpty(t, r.Top.ByFlat)
		assert.LessOrEqual(t, len(r.Top.ByCum), 5)
		for _, s := range r.Top.ByCum {
			sawParse = sawParse || strings.Contains(s.Name, "engine/parse.")
		}
	}
	assert.True(t, sawParse, "the profiles saw the analyzer at work")

	// Diff against itself: every share is unchanged.
	keep := filepath.Join(t.TempDir(), "base.pprof")
	data, err := os.ReadFile(filepath.Join(o.Out, "parsing.cpu.pprof"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keep, data, 0o644))
	o = options(t, "parsing", "cpu")
	o.DiffBase, o.Top = keep, 3
	res, err = Run(t.Context(), o)
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NotNil(t, res[0].Diff)
	assert.Equal(t, NotSkipped, res[0].Diff.Skipped)
	assert.Equal(t, keep, res[0].Diff.BasePath)
	assert.Equal(t, 3, res[0].Diff.N)
}

func TestRunServeAndStartup(t *testing.T) {
	o := options(t, "consensus", "cpu", "heap", "mutex")
	o.Seconds, o.Concurrency, o.Top = 1, 2, 3
	var progress progressLines
	o.Progress = progress.add
	res, err := Run(t.Context(), o)
	require.NoError(t, err)
	for _, kind := range []string{"cpu", "heap", "mutex"} {
		assert.FileExists(t, filepath.Join(o.Out, "consensus."+kind+".pprof"))
	}
	heap := byPath(t, res, filepath.Join(o.Out, "consensus.heap.pprof"))
	assert.Equal(t, "inuse_space", heap.Top.Type)
	assert.Equal(t, "bytes", heap.Top.Unit)
	assert.Contains(t, progress.String(), "consensus runs done")

	o = options(t, "startup", "allocs")
	o.Runs, o.Top = 2, 3
	res, err = Run(t.Context(), o)
	require.NoError(t, err)
	path := filepath.Join(o.Out, "startup.allocs.pprof")
	assert.FileExists(t, path)
	allocs := byPath(t, res, path)
	assert.Equal(t, "alloc_space", allocs.Top.Type)
	assert.Equal(t, "bytes", allocs.Top.Unit)
}

// A relative Out must work: hive writes CLI profiles from its own working
// directory, so the path handed to it has to be absolute.
func TestRunRelativeOut(t *testing.T) {
	t.Chdir(t.TempDir())
	o := options(t, "parsing", "cpu")
	o.Out, o.Suite, o.Top = "rel/out", "test", 3
	res, err := Run(t.Context(), o)
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join("rel", "out", "parsing.cpu.pprof"))
	assert.NoError(t, err)
	require.Len(t, res, 1)
	assert.True(t, filepath.IsAbs(res[0].Top.Path), res[0].Top.Path)
}

// Bad options are refused before anything runs, naming the flag; a broken
// binary is an infrastructure failure.
func TestRunBadOptions(t *testing.T) {
	notProfile := filepath.Join(t.TempDir(), "x.pprof")
	require.NoError(t, os.WriteFile(notProfile, []byte("not a profile"), 0o644))
	cases := []struct {
		name string
		edit func(*Options)
		code int
		want string
	}{
		{"not a family", func(o *Options) { o.Family = "parsing.per_file" }, exitcode.Usage, `"parsing.per_file" is not a family`},
		{"top", func(o *Options) { o.Top = 0 }, exitcode.Usage, "--top 0"},
		{"seconds", func(o *Options) { o.Seconds = 601 }, exitcode.Usage, "--seconds 601"},
		{"runs", func(o *Options) { o.Runs = 0 }, exitcode.Usage, "--runs 0"},
		{"concurrency", func(o *Options) { o.Concurrency = 1001 }, exitcode.Usage, "--concurrency 1001"},
		{"ops", func(o *Options) { o.DBOps = 0 }, exitcode.Usage, "--ops 0"},
		{"diff base not a profile", func(o *Options) { o.DiffBase = notProfile }, exitcode.Usage, "is not a pprof profile"},
		{"unknown suite", func(o *Options) { o.Suite = "nope" }, exitcode.Usage, "--suite"},
		{"missing binary", func(o *Options) { o.HiveBin = filepath.Join(t.TempDir(), "hive") }, exitcode.Infra, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := options(t, "parsing", "cpu")
			c.edit(&o)
			res, err := Run(context.Background(), o)
			require.Error(t, err)
			assert.Empty(t, res)
			assert.Equal(t, c.code, exitcode.Code(err), "%v", err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
