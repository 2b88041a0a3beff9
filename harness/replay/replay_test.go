package replay

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/workloads"
)

// analysedSample is how many files of sampleFiles hive analyzes: Go, C (the
// .c and the .h), JavaScript and Python; the README and the .txt are not
// source, so they are not counted at all.
const analysedSample = 6

func tinyTree(t *testing.T) *workloads.Tree {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, sampleFiles)
	env := map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}
	c := &workloads.Cache{Dir: filepath.Join(t.TempDir(), "cache"), Getenv: func(k string) string { return env[k] }}
	tree, err := c.Tree(context.Background(), &workloads.Manifest{Name: "tiny", Source: workloads.Source{Type: workloads.Dir, Path: dir}, File: "tiny.yaml"})
	require.NoError(t, err)
	return tree
}

func TestReplayTinyTree(t *testing.T) {
	tree := tinyTree(t)
	var log bytes.Buffer
	rep, err := Measure(context.Background(), tree, Options{HiveBin: needHive(t), WorkDir: t.TempDir(), Runs: 2, Log: &log})
	require.NoError(t, err)
	assert.True(t, rep.Complete)
	require.Len(t, rep.Runs, 4, "two cold+warm pairs")
	require.Len(t, rep.Cold(), 2)
	require.Len(t, rep.Warm(), 2)
	for _, r := range rep.Cold() {
		assert.Equal(t, analysedSample, r.Files)
		assert.Zero(t, r.Cached, "a cold run parses everything")
		assert.Len(t, r.PerFileMS, analysedSample, "one latency per analysed file")
		assert.Positive(t, r.Wall)
		assert.True(t, r.PeakRSS > 0 || r.PeakRSSAtMost > 0, "peak RSS is measured, or bounded when under the trampoline's floor")
	}
	for _, r := range rep.Warm() {
		assert.Equal(t, analysedSample, r.Cached, "the unchanged rerun takes every file from the store")
		assert.Len(t, r.PerFileMS, analysedSample)
	}
	assert.NotEmpty(t, rep.Hive.Commit, "the measured binary identifies itself")
	assert.Contains(t, log.String(), "replay tiny: cold run 1/2")
	assert.Contains(t, log.String(), "replay tiny: warm run 2/2")

	f := rep.Results()
	require.NoError(t, f.Validate())
	assert.True(t, f.Complete)
	assert.Equal(t, "workload-replay:tiny", f.Suite)
	assert.Equal(t, tree.Fingerprint, f.Workload, "the results carry the tree's fingerprint")
	assert.Equal(t, rep.Hive.Commit, f.Env.Commit)
	for name, n := range map[string]int{BenchWall: 2, BenchFilesPerSec: 2, BenchMBPerSec: 2, BenchPerFile: 2 * analysedSample,
		BenchWarmWall: 2, BenchWarmPerFile: 2 * analysedSample} {
		b, ok := f.Benchmark(name)
		if assert.True(t, ok, name) {
			assert.Len(t, b.Samples, n, name)
		}
	}
	b, _ := f.Benchmark(BenchFilesPerSec)
	assert.Equal(t, results.HigherIsBetter, b.Direction)

	// The file round-trips through the strict reader, so it can be
	// baselined and gated.
	path := filepath.Join(t.TempDir(), "r.json")
	require.NoError(t, f.Write(path))
	back, err := results.Read(path)
	require.NoError(t, err)
	assert.Equal(t, len(f.Benchmarks), len(back.Benchmarks))

	// Targets: a generous bound is met, an impossible one is missed, and
	// nothing else is checked.
	out := rep.Check(workloads.Targets{ColdWallMax: time.Hour, PeakRSSMax: 64 << 30, PerFileP50Max: time.Nanosecond})
	require.Len(t, out, 3)
	missed := Missed(out)
	require.Len(t, missed, 1)
	assert.Equal(t, "per_file_p50_max", missed[0].Target)
	assert.Contains(t, missed[0].Measured, "p50 of 12 files")
	assert.Empty(t, rep.Check(workloads.Targets{}))
	assert.Len(t, Missed(rep.Check(workloads.Targets{FilesPerSecMin: 1e12, WarmWallMax: time.Nanosecond})), 2)
}

// With Baseline, each pair gets a parse-only run: it counts the same
// files, has no per-file samples, is neither cold nor warm, and gives the
// cold/parse-only ratio its target is checked on.
func TestReplayBaseline(t *testing.T) {
	tree := tinyTree(t)
	var log bytes.Buffer
	rep, err := Measure(context.Background(), tree, Options{HiveBin: needHive(t), WorkDir: t.TempDir(), Baseline: true, Log: &log})
	require.NoError(t, err)
	require.Len(t, rep.Runs, 3, "cold, warm, parse-only")
	require.Len(t, rep.Cold(), 1)
	require.Len(t, rep.Warm(), 1)
	base := rep.Baselines()
	require.Len(t, base, 1)
	assert.True(t, base[0].ParseOnly)
	assert.Equal(t, analysedSample, base[0].Files, "the baseline walks the same files")
	assert.Equal(t, rep.Cold()[0].Bytes, base[0].Bytes)
	assert.Empty(t, base[0].PerFileMS)
	assert.Contains(t, log.String(), "replay tiny: parse-only run 1/1")
	ratios := rep.Ratios()
	require.Len(t, ratios, 1)
	assert.InDelta(t, rep.Cold()[0].Wall.Seconds()/base[0].Wall.Seconds(), ratios[0], 1e-9)

	f := rep.Results()
	require.NoError(t, f.Validate())
	for _, name := range []string{BenchParseOnly, BenchVsParseOnly} {
		b, ok := f.Benchmark(name)
		if assert.True(t, ok, name) {
			assert.Len(t, b.Samples, 1, name)
		}
	}
	out := rep.Check(workloads.Targets{ParseOnlyRatioMax: 1e9})
	require.Len(t, out, 1)
	assert.True(t, out[0].OK, "%+v", out[0])
	out = rep.Check(workloads.Targets{ParseOnlyRatioMax: 1e-9})
	require.Len(t, Missed(out), 1)
	assert.Equal(t, "parse_only_ratio_max", out[0].Target)

	// Without a baseline the ratio target is not measured, not missed.
	rep.Runs = rep.Runs[:2]
	out = rep.Check(workloads.Targets{ParseOnlyRatioMax: 1.15})
	require.Len(t, out, 1)
	assert.True(t, out[0].Missing)
}

func TestReplayErrors(t *testing.T) {
	tree := tinyTree(t)
	empty := t.TempDir()
	writeTree(t, empty, map[string]string{"README.md": "no source here\n"})
	emptyTree := &workloads.Tree{Manifest: &workloads.Manifest{Name: "empty"}, Root: empty}
	notHive := filepath.Join(t.TempDir(), "fake-hive")
	require.NoError(t, os.WriteFile(notHive, []byte("#!/bin/sh\necho hello\n"), 0o755))

	cases := []struct {
		name string
		tree *workloads.Tree
		bin  string
		code int
		want string
	}{
		{"missing binary", tree, filepath.Join(t.TempDir(), "hive"), exitcode.Infra, "make build"},
		{"not a hive binary", tree, notHive, exitcode.Infra, "is it a hive binary"},
		{"nothing to analyse", emptyTree, needHive(t), exitcode.Usage, "has no files hive analyzes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Measure(context.Background(), c.tree, Options{HiveBin: c.bin, WorkDir: t.TempDir()})
			require.Error(t, err)
			assert.Equal(t, c.code, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// cancelOn cancels a context when a log line contains a marker: a
// deterministic way to interrupt a replay between two runs.
type cancelOn struct {
	marker string
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if bytes.Contains(c.buf.Bytes(), []byte(c.marker)) {
		c.cancel()
	}
	return len(p), nil
}

func TestReplayInterruptedIsIncomplete(t *testing.T) {
	tree := tinyTree(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &cancelOn{marker: "warm run 1/1: ", cancel: cancel}
	rep, err := Measure(ctx, tree, Options{HiveBin: needHive(t), WorkDir: t.TempDir(), Log: log})
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep, "the runs done so far are kept")
	assert.False(t, rep.Complete)
	assert.Len(t, rep.Cold(), 1)
	assert.Empty(t, rep.Warm())
	f := rep.Results()
	require.NoError(t, f.Validate(), "a partial replay is still a valid results file")
	assert.False(t, f.Complete)
	assert.Contains(t, f.IncompleteReason, "warm run 1/1")
	out := rep.Check(workloads.Targets{ColdWallMax: time.Hour, WarmWallMax: time.Hour})
	require.Len(t, out, 2)
	assert.True(t, out[1].Missing, "a target without data is neither met nor missed")
	assert.Empty(t, Missed(out))
}

func TestCheckPeakRSSBounds(t *testing.T) {
	known := Run{PeakRSS: 150e6, Wall: time.Second, Files: 10}
	bounded := Run{Warm: true, PeakRSSAtMost: 20e6, Wall: time.Second, Files: 10}
	r := &Report{Runs: []Run{known, bounded}, Complete: true}
	out := r.Check(workloads.Targets{PeakRSSMax: 200e6})
	require.Len(t, out, 1)
	assert.True(t, out[0].OK)
	assert.Equal(t, "150.0 MB (largest of 2 run(s))", out[0].Measured)

	small := &Report{Runs: []Run{{PeakRSSAtMost: 20e6, Wall: time.Second, Files: 1}}, Complete: true}
	out = small.Check(workloads.Targets{PeakRSSMax: 30e6})
	assert.True(t, out[0].OK, "an upper bound under the ceiling proves it is met")
	assert.Contains(t, out[0].Measured, "at most 20.0 MB")
	out = small.Check(workloads.Targets{PeakRSSMax: 10e6})
	assert.False(t, out[0].OK, "an upper bound over the ceiling proves nothing, so the target is not met")

	f := r.Results()
	b, ok := f.Benchmark(BenchPeakRSS)
	require.True(t, ok)
	assert.Equal(t, []float64{150e6}, b.Samples)
	_, ok = f.Benchmark(BenchWarmPeakRSS)
	assert.False(t, ok, "an upper bound is not a sample")
	assert.Equal(t, "≤ 20.0 MB", bounded.PeakRSSString())
}

func TestChildEnvDropsUserSetup(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "HIVE_DB=/home/u/hive.db", "OPENROUTER_API_KEY=sk", "XDG_CONFIG_HOME=/c", "HOME=/h"})
	assert.Equal(t, []string{"PATH=/bin", "HOME=/h"}, got)
}

// A hive that knows --files-out-symbols gets it on every run, and its
// baseline writes the same lean per-file records; an older one (a script
// here, whose help lacks the flag) is not given a flag it would refuse.
func TestBriefFilesOutDetection(t *testing.T) {
	assert.True(t, briefFilesOut(context.Background(), needHive(t), nil))
	old := filepath.Join(t.TempDir(), "old-hive")
	require.NoError(t, os.WriteFile(old, []byte("#!/bin/sh\necho 'Usage: hive analyze [flags] PATH'\necho '  -files-out file'\nexit 2\n"), 0o755))
	assert.False(t, briefFilesOut(context.Background(), old, nil))
}
