package replay

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

// syntheticTree is n entries with sizes from a heavy-tailed distribution
// (most files a few KB, a few near the size cap and beyond), in several
// languages and none, as a real tree has.
func syntheticTree(n int, seed uint64) []Entry {
	rng := rand.New(rand.NewPCG(seed, 1))
	exts := []string{".c", ".h", ".go", ".py", ".rst", ".txt", ""}
	out := make([]Entry, n)
	for i := range out {
		size := int64(200 + rng.ExpFloat64()*12000)
		if rng.IntN(500) == 0 {
			size = int64(1<<20 + rng.IntN(4<<20)) // around and over the cap
		}
		out[i] = Entry{Path: fmt.Sprintf("d%d/sub%d/f%d%s", i%17, i%5, i, exts[i%len(exts)]), Size: size, Regular: i%97 != 0}
	}
	return out
}

func TestPlanIsAPartitionThatDependsOnlyOnTheTree(t *testing.T) {
	entries := syntheticTree(5000, 7)
	for _, n := range []int{1, 2, 3, 4, 7, 16} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			plan := Plan(entries, n)
			require.Len(t, plan, len(entries))
			shardOf := map[string]int{}
			for i, s := range plan {
				require.True(t, s >= 0 && s < n, "entry %d in shard %d of %d", i, s, n)
				shardOf[entries[i].Path] = s
			}
			// Another listing order (another machine's readdir) gives every
			// path the same shard.
			for _, seed := range []uint64{1, 2, 3} {
				shuffled := slices.Clone(entries)
				rand.New(rand.NewPCG(seed, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				for i, s := range Plan(shuffled, n) {
					require.Equal(t, shardOf[shuffled[i].Path], s, "%s moved to another shard when the listing order changed", shuffled[i].Path)
				}
			}
		})
	}
}

func TestPlanBalancesTheBytesHiveParses(t *testing.T) {
	entries := syntheticTree(20000, 11)
	for _, n := range []int{2, 3, 8} {
		loads := make([]int64, n)
		var largest int64
		for i, s := range Plan(entries, n) {
			w := entries[i].weight()
			loads[s] += w
			largest = max(largest, w)
		}
		lo, hi := slices.Min(loads), slices.Max(loads)
		assert.LessOrEqual(t, hi-lo, largest, "n=%d: shards %v differ by more than the heaviest file (%d)", n, loads, largest)
	}
	// What is not parsed weighs nothing: a file over the cap, a file in no
	// language hive parses, a symlink.
	assert.Zero(t, Entry{Path: "big.c", Size: analyzeSizeCap + 1, Regular: true}.weight())
	assert.Zero(t, Entry{Path: "doc.rst", Size: 100, Regular: true}.weight())
	assert.Zero(t, Entry{Path: "link.c", Regular: false}.weight())
	assert.Equal(t, int64(100+perFileWeight), Entry{Path: "A.C", Size: 100, Regular: true}.weight(), "extensions match case-insensitively, as hive's do")
}

func TestMaterializeLaysOutOneShardOfTheTree(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, sampleFiles)
	require.NoError(t, os.Symlink("main.go", filepath.Join(src, "proj", "alias.go")))
	require.NoError(t, os.Symlink("lib", filepath.Join(src, "proj", "libdir")))
	entries, err := ListTree(src)
	require.NoError(t, err)
	require.Len(t, entries, len(sampleFiles)+2)

	const n = 3
	plan := Plan(entries, n)
	dst := t.TempDir()
	seen := map[string]int{}
	var files int
	var bytes int64
	for k := range n {
		st, err := Materialize(src, filepath.Join(dst, fmt.Sprint(k)), entries, plan, results.Part{Index: k, Count: n})
		require.NoError(t, err)
		assert.Equal(t, st.Part.Files, st.Linked+st.Copied)
		files += st.Part.Files
		bytes += st.Part.Bytes
		got, err := ListTree(st.Root)
		require.NoError(t, err)
		for _, e := range got {
			seen[e.Path]++
			orig, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(e.Path)))
			if err == nil {
				// What the shard reads through its entry is the tree's.
				back, err := os.ReadFile(filepath.Join(st.Root, filepath.FromSlash(e.Path)))
				require.NoError(t, err)
				assert.Equal(t, orig, back, e.Path)
			}
		}
	}
	for _, e := range entries {
		assert.Equal(t, 1, seen[e.Path], "%s is in exactly one shard", e.Path)
	}
	var wantBytes int64
	for _, c := range sampleFiles {
		wantBytes += int64(len(c))
	}
	assert.Equal(t, len(sampleFiles), files, "the shards' regular files add up to the tree's")
	assert.Equal(t, wantBytes, bytes)

	_, err = Materialize(src, filepath.Join(dst, "0"), entries, plan, results.Part{Index: 0, Count: n})
	assert.Error(t, err, "a shard directory is made fresh, never reused")
}

func TestShardedReplayAddsUpToTheWholeTree(t *testing.T) {
	tree := tinyTree(t)
	bin := needHive(t)
	whole, err := Measure(context.Background(), tree, Options{HiveBin: bin, WorkDir: t.TempDir()})
	require.NoError(t, err)
	wf := whole.Results()
	assert.Nil(t, wf.Shard)

	const n = 3
	var files, symbols, functions int
	var perFile int
	for k := range n {
		rep, err := Measure(context.Background(), tree, Options{HiveBin: bin, WorkDir: t.TempDir(), Shard: &results.Part{Index: k, Count: n}})
		require.NoError(t, err)
		require.NotNil(t, rep.Shard)
		f := rep.Results()
		require.NoError(t, f.Validate())
		assert.Equal(t, results.Part{Index: k, Count: n, Files: rep.Shard.Files, Bytes: rep.Shard.Bytes}, *f.Shard)
		assert.Equal(t, tree.Fingerprint, f.Workload, "a shard carries the whole tree's fingerprint")
		for _, r := range rep.Cold() {
			files += r.Files
			symbols += r.Symbols
			functions += r.Functions
			perFile += len(r.PerFileMS)
		}
		if b, ok := f.Benchmark(BenchCPU); assert.True(t, ok) {
			assert.Positive(t, b.Samples[0], "the CPU time of the analyze is recorded")
		}
	}
	cold := whole.Cold()[0]
	assert.Equal(t, cold.Files, files)
	assert.Equal(t, cold.Symbols, symbols)
	assert.Equal(t, cold.Functions, functions)
	assert.Equal(t, len(cold.PerFileMS), perFile)
	assert.Positive(t, cold.Symbols)
}
