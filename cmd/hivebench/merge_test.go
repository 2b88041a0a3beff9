package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func figure(t *testing.T, f *results.File, bench, name string) float64 {
	t.Helper()
	b, ok := f.Benchmark(bench)
	require.True(t, ok, bench)
	for _, x := range b.Extra {
		if x.Name == name {
			return x.Value
		}
	}
	t.Fatalf("%s has no figure %s", bench, name)
	return 0
}

func TestShardedReplayMerges(t *testing.T) {
	env := wlEnv(t)
	tree := wlSourceTree(t)
	wlWrite(t, tree, "lib/sub.go", "package lib\n\nfunc Sub(a, b int) int { return a - b }\n")
	wlWrite(t, tree, "tool/x.py", "def x():\n    return 1\n")
	name := "dir:" + tree
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	_, stderr, code := wlRun(t, env, "workload", "replay", name, "--hive-bin", hiveBin, "--out", whole)
	require.Equal(t, 0, code, stderr)
	var shards []string
	for i := range 2 {
		p := filepath.Join(dir, "shard"+string(rune('0'+i))+".json")
		out, stderr, code := wlRun(t, env, "workload", "replay", name, "--hive-bin", hiveBin, "--shard", string(rune('0'+i))+"/2", "--out", p)
		require.Equal(t, 0, code, stderr)
		assert.Regexp(t, regexp.MustCompile(`(?m)^shard \d/2: \d+ files`), out)
		assert.Contains(t, out, "targets: not checked on shard")
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.json")
	out, stderr, code := wlRun(t, env, "merge", shards[1], shards[0], "--out", merged)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "merged 2 shards of workload-replay:")
	wf, err := results.Read(whole)
	require.NoError(t, err)
	mf, err := results.Read(merged)
	require.NoError(t, err)
	for _, fig := range []string{"files", "bytes", "symbols", "functions", "skipped"} {
		assert.Equal(t, figure(t, wf, "parsing.wall", fig), figure(t, mf, "parsing.wall", fig), fig)
	}
	wb, _ := wf.Benchmark("parsing.per_file")
	mb, _ := mf.Benchmark("parsing.per_file")
	assert.Len(t, mb.Samples, len(wb.Samples))

	// A merged file compares with the whole run; a shard does not.
	_, stderr, code = run(t, "compare", whole, merged)
	assert.Equal(t, 0, code, stderr)
	_, stderr, code = run(t, "compare", whole, shards[0])
	assert.Equal(t, exitcode.Usage, code)
	assert.Contains(t, stderr, "merge the shards first")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{shards[0]}, "shard 1/2 is missing"},
		{[]string{shards[0], shards[1], shards[1]}, "shard 1/2 is given 2 times"},
		{[]string{shards[0], whole}, "has no shard or segment"},
		{[]string{shards[0], shards[1]}, "--out is required"},
	} {
		args := append([]string{"merge"}, c.args...)
		if c.want != "--out is required" {
			args = append(args, "--out", filepath.Join(dir, "bad.json"))
		}
		_, stderr, code := wlRun(t, env, args...)
		assert.Equal(t, exitcode.Usage, code, stderr)
		assert.Contains(t, stderr, c.want)
	}
	_, err = os.Stat(filepath.Join(dir, "bad.json"))
	assert.True(t, os.IsNotExist(err), "a refused merge writes nothing")
}

func TestShardAndSegmentFlags(t *testing.T) {
	env := wlEnv(t)
	tree := wlSourceTree(t)
	out := filepath.Join(t.TempDir(), "r.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"workload", "replay", "dir:" + tree, "--shard", "2/2", "--out", out}, "--shard \"2/2\": I is 2"},
		{[]string{"workload", "replay", "dir:" + tree, "--shard", "x", "--out", out}, "want I/N"},
		{[]string{"workload", "replay", "dir:" + tree, "--shard", "0/2"}, "--shard needs --out"},
		{[]string{"load", "--users", "2", "--segment", "0/3", "--out", out, "--hive-bin", "/nonexistent"}, "users is 2, fewer than the 3 segments"},
		{[]string{"load", "--users", "2", "--segment", "0/2", "--hive-bin", "/nonexistent"}, "--segment needs --out"},
		{[]string{"load", "--users", "2", "--segment", "0/2", "--soak", "1m", "--out", out, "--hive-bin", "/nonexistent"}, "does not split into --segment"},
		{[]string{"load", "--users", "2", "--target", "http://127.0.0.1:1,http://127.0.0.1:1"}, "twice"},
	} {
		_, stderr, code := wlRun(t, env, c.args...)
		assert.Equal(t, exitcode.Usage, code, "%v: %s", c.args, stderr)
		assert.Contains(t, stderr, c.want)
	}
}

// Two segments of a scenario against real hive serve, merged: as many
// arrivals as one unsegmented run, the thresholds judged once on the
// union.
func TestLoadSegmentsMerge(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "seg.yaml")
	require.NoError(t, os.WriteFile(sc, []byte(`
name: seg
model: open
rate: 20/s
users: 10
duration: 1s
mix: {consensus: 1}
mock: {ttft: 0s, itl: 0s, tokens: 4}
thresholds: ["rate(errors)==0", "count(dropped)==0", "count(requests)==20"]
`), 0o644))
	var segs []string
	for i := range 2 {
		p := filepath.Join(dir, "seg"+string(rune('0'+i))+".json")
		stdout, stderr, code := run(t, "load", "--scenario-file", sc, "--hive-bin", hiveBin, "--segment", string(rune('0'+i))+"/2", "--out", p)
		require.Equal(t, exitcode.OK, code, stderr)
		assert.Contains(t, stdout, "segment "+string(rune('0'+i))+"/2: the arrivals i ≡")
		assert.Contains(t, stdout, "thresholds: not judged on one segment")
		assert.NotContains(t, stdout, "✅")
		f, err := results.Read(p)
		require.NoError(t, err)
		assert.Equal(t, int64(10), f.Load.Arrivals, "half of the 20 arrivals")
		segs = append(segs, p)
	}
	merged := filepath.Join(dir, "merged.json")
	stdout, stderr, code := run(t, "merge", segs[0], segs[1], "--out", merged)
	require.Equal(t, exitcode.OK, code, stderr)
	assert.Contains(t, stdout, "merged 2 segments of load/seg")
	assert.Contains(t, stdout, "arrivals 20, dropped 0")
	assert.Contains(t, stdout, "✅ count(requests)==20  measured 20")
	f, err := results.Read(merged)
	require.NoError(t, err)
	b, ok := f.Benchmark("consensus.load_consensus")
	require.True(t, ok)
	assert.Len(t, b.Samples, 20)
}
