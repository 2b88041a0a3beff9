package merge

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/replay"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/workloads"
)

// record is one file of a real `hive analyze --files-out` run over
// GOROOT/src/net (testdata/net.ndjson): the per-file samples a merge must
// keep exactly.
type record struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Symbols   int    `json:"symbol_count"`
	Functions int    `json:"functions"`
	LatencyUS int64  `json:"latency_us"`
}

func readRecords(t *testing.T) []record {
	t.Helper()
	f, err := os.Open("testdata/net.ndjson")
	require.NoError(t, err)
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r record
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	require.Len(t, out, 390)
	return out
}

// replayOf is the results file a replay of recs writes (replay.Report's
// own Results), as shard part when part is set. A shard's wall, CPU and
// peak RSS scale with its share, as a real shard's would.
func replayOf(t *testing.T, recs []record, fp results.Fingerprint, part *results.Part) *results.File {
	t.Helper()
	cold := replay.Run{Files: len(recs), Wall: 40 * time.Millisecond, CPU: 30 * time.Millisecond, PeakRSS: 50e6}
	warm := replay.Run{Warm: true, Files: len(recs), Cached: len(recs), Wall: 5 * time.Millisecond, PeakRSS: 20e6}
	for _, r := range recs {
		cold.Bytes += r.Bytes
		warm.Bytes += r.Bytes
		cold.Symbols += r.Symbols
		cold.Functions += r.Functions
		cold.PerFileMS = append(cold.PerFileMS, float64(r.LatencyUS)/1000)
		warm.PerFileMS = append(warm.PerFileMS, float64(r.LatencyUS)/10000)
		cold.Wall += time.Duration(r.LatencyUS) * time.Microsecond / 2
		cold.CPU += time.Duration(r.LatencyUS) * time.Microsecond
		cold.PeakRSS += r.Bytes * 3
	}
	rep := &replay.Report{
		Tree: &workloads.Tree{Manifest: &workloads.Manifest{Name: "net"}, Fingerprint: fp},
		Hive: replay.HiveVersion{Version: "v1", Commit: "abc123"}, Runs: []replay.Run{cold, warm}, Complete: true,
	}
	if part != nil {
		p := *part
		for _, r := range recs {
			p.Files++
			p.Bytes += r.Bytes
		}
		rep.Shard = &p
	}
	f := rep.Results()
	require.NoError(t, f.Validate())
	f.Source = "whole.json"
	if part != nil {
		f.Source = fmt.Sprintf("shard-%d.json", part.Index)
	}
	return f
}

// shardsOf cuts recs into n shards by replay.Plan and returns their files.
func shardsOf(t *testing.T, recs []record, fp results.Fingerprint, n int) []*results.File {
	t.Helper()
	entries := make([]replay.Entry, len(recs))
	for i, r := range recs {
		entries[i] = replay.Entry{Path: r.Path, Size: r.Bytes, Regular: true}
	}
	plan := replay.Plan(entries, n)
	per := make([][]record, n)
	for i, s := range plan {
		per[s] = append(per[s], recs[i])
	}
	out := make([]*results.File, n)
	for k := range n {
		out[k] = replayOf(t, per[k], fp, &results.Part{Index: k, Count: n})
	}
	return out
}

func treeOf(recs []record) results.Fingerprint {
	fp := results.Fingerprint{Name: "net", Files: len(recs), Hash: "sha256:" + strings.Repeat("0f", 32)}
	for _, r := range recs {
		fp.Bytes += r.Bytes
	}
	return fp
}

func figures(b *results.Benchmark) map[string]float64 {
	out := map[string]float64{}
	for _, x := range b.Extra {
		out[x.Name] = x.Value
	}
	return out
}

// The merge is exact: the merged shards' per-file samples have the count
// and every percentile of the unsharded run's, and its counts are the
// unsharded run's, for any N.
func TestMergeOfRecordedShardsEqualsTheUnshardedRun(t *testing.T) {
	recs := readRecords(t)
	fp := treeOf(recs)
	whole := replayOf(t, recs, fp, nil)
	for _, n := range []int{1, 2, 3, 5, 8} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			parts := shardsOf(t, recs, fp, n)
			res, err := Merge(parts)
			require.NoError(t, err)
			m := res.File
			require.NoError(t, m.Validate())
			assert.True(t, m.Complete)
			assert.Nil(t, m.Shard)
			require.NotNil(t, m.Merged)
			assert.Equal(t, n, m.Merged.Count)
			assert.Equal(t, whole.Workload, m.Workload)
			assert.NoError(t, m.WholeRun(), "a merged file compares like a whole run")

			for _, name := range []string{replay.BenchPerFile, replay.BenchWarmPerFile} {
				wb, _ := whole.Benchmark(name)
				mb, ok := m.Benchmark(name)
				require.True(t, ok, name)
				ws, ms := wb.Summary, mb.Summary
				assert.Equal(t, ws.N, ms.N, name)
				assert.Equal(t, []float64{ws.Min, ws.P50, ws.P90, ws.P95, ws.P99, ws.Max, ws.MAD}, []float64{ms.Min, ms.P50, ms.P90, ms.P95, ms.P99, ms.Max, ms.MAD}, name)
				assert.Equal(t, ws.MedianCI, ms.MedianCI, name)
				assert.InEpsilon(t, ws.Mean, ms.Mean, 1e-12, "the mean, up to the order of a sum")
				assert.InEpsilon(t, ws.Stddev, ms.Stddev, 1e-9)
			}
			ww, _ := whole.Benchmark(replay.BenchWall)
			mw, _ := m.Benchmark(replay.BenchWall)
			assert.Equal(t, figures(ww), figures(mw), "files, bytes, skipped, symbols and functions add up to the unsharded run's")

			var slowest, cpu float64
			for _, p := range parts {
				b, _ := p.Benchmark(replay.BenchWall)
				slowest = max(slowest, b.Samples[0])
				c, _ := p.Benchmark(replay.BenchCPU)
				cpu += c.Samples[0]
			}
			assert.Equal(t, []float64{slowest}, mw.Samples, "wall time is the slowest shard's")
			mc, _ := m.Benchmark(replay.BenchCPU)
			assert.InDelta(t, cpu, mc.Samples[0], 1e-12, "CPU time is the shards' sum")
			fps, _ := m.Benchmark(replay.BenchFilesPerSec)
			assert.InDelta(t, float64(len(recs))/slowest, fps.Samples[0], 1e-9, "files/s is recomputed from the merged totals")
			if n > 1 {
				assert.Less(t, slowest, ww.Samples[0], "a shard's share of the tree took less than all of it")
			}
		})
	}
}

func TestMergeRefusesWhatIsNotOneRun(t *testing.T) {
	recs := readRecords(t)
	fp := treeOf(recs)
	fresh := func() []*results.File { return shardsOf(t, recs, fp, 3) }
	cases := []struct {
		name  string
		parts func() []*results.File
		want  string
	}{
		{"a shard missing", func() []*results.File { p := fresh(); return []*results.File{p[0], p[2]} }, "shard 1/3 is missing"},
		{"two missing", func() []*results.File { return fresh()[:1] }, "shards 1/3, 2/3 are missing"},
		{"a shard twice", func() []*results.File {
			p := fresh()
			again := *p[1]
			again.Source = "copy.json"
			return append(p, &again)
		}, "shard 1/3 is given 2 times (shard-1.json, copy.json)"},
		{"another N", func() []*results.File {
			p := fresh()
			q := shardsOf(t, recs, fp, 2)
			return []*results.File{p[0], p[1], q[1]}
		}, "is shard 0/3 but shard-1.json is shard 1/2"},
		{"another tree", func() []*results.File {
			p := fresh()
			p[2].Workload.Hash = "sha256:" + strings.Repeat("1e", 32)
			return p
		}, "the parts of one run share their tree"},
		{"another binary", func() []*results.File { p := fresh(); p[1].Env.Commit = "def456"; return p }, "measured hive abc123 but shard-1.json hive def456"},
		{"another suite", func() []*results.File { p := fresh(); p[1].Suite = "workload-replay:other"; return p }, "share their suite"},
		{"another hivebench", func() []*results.File { p := fresh(); p[2].Tool.Commit = "0ther"; return p }, "come from one hivebench"},
		{"a whole run", func() []*results.File { return append(fresh(), replayOf(t, recs, fp, nil)) }, "whole.json has no shard or segment"},
		{"a merged file", func() []*results.File {
			res, err := Merge(fresh())
			require.NoError(t, err)
			return []*results.File{res.File}
		}, "is already a merge of 3 shards"},
		{"nothing", func() []*results.File { return nil }, "no results files"},
		{"lost samples", func() []*results.File {
			p := fresh()
			b, _ := p[1].Benchmark(replay.BenchPerFile)
			b.Samples = b.Samples[1:]
			b.Summary = stats.Summarize(b.Samples)
			return p
		}, "a shard lost per-file samples"},
		{"files that are not the tree's", func() []*results.File { p := fresh(); p[0].Shard.Files--; return p }, "were not cut from this tree by one plan"},
		{"an unknown benchmark", func() []*results.File {
			p := fresh()
			p[0].Add(results.Benchmark{Name: "parsing.mystery", Metric: results.Parsing, Unit: "s", Direction: results.LowerIsBetter, Samples: []float64{1}, Summary: stats.Summarize([]float64{1})})
			return p
		}, "no rule merges benchmark parsing.mystery"},
		{"other runs", func() []*results.File {
			p := fresh()
			b, _ := p[2].Benchmark(replay.BenchWall)
			b.Samples = append(b.Samples, 1)
			b.Summary = stats.Summarize(b.Samples)
			return p
		}, "every part needs the same --runs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Merge(c.parts())
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err), "%v", err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestMergeOfAnIncompletePartIsIncomplete(t *testing.T) {
	recs := readRecords(t)
	parts := shardsOf(t, recs, treeOf(recs), 2)
	parts[1].MarkIncomplete("interrupted by SIGTERM")
	res, err := Merge(parts)
	require.NoError(t, err)
	assert.False(t, res.File.Complete)
	assert.Contains(t, res.File.IncompleteReason, "shard 1/2 (shard-1.json): interrupted by SIGTERM")
}

// Two load segments' files merge into the union's samples and counts, and
// the thresholds are judged once, on the union: a p(99) that each segment
// meets alone can fail on the union, and the other way round.
func TestLoadSegmentsAreJudgedOnTheirUnion(t *testing.T) {
	seg := func(i int, lat []float64, errs int64, dropped int64) *results.File {
		f := results.NewFile("load/seed", results.Fingerprint{})
		f.Source = fmt.Sprintf("seg-%d.json", i)
		f.Env.Commit, f.Tool.Commit = "abc123", "tool"
		f.Segment = &results.Part{Index: i, Count: 2}
		ok := int64(len(lat))
		f.Load = &results.LoadCounts{Model: "open", Thresholds: []string{"p(99)<100ms", "rate(errors)<0.05", "count(dropped)==0", "count(requests)==20"},
			WindowNS: int64(time.Second), Arrivals: ok + errs + dropped, Dropped: dropped,
			Kinds: []results.LoadKind{{Kind: "consensus", Requests: ok + errs, OK: ok, Errors: errs, Throughput: float64(ok)}}}
		b, err := results.NewBenchmark(load.BenchConsensus, "ns", results.LowerIsBetter, lat)
		require.NoError(t, err)
		f.Add(b)
		f.MarkComplete()
		require.NoError(t, f.Validate())
		return f
	}
	ms := func(vs ...float64) []float64 {
		for i := range vs {
			vs[i] *= 1e6
		}
		return vs
	}
	a := seg(0, ms(10, 11, 12, 13, 14, 15, 16, 17, 18, 90), 0, 0)
	b := seg(1, ms(10, 11, 12, 13, 14, 15, 16, 17, 18, 150), 0, 0)
	res, err := Merge([]*results.File{b, a})
	require.NoError(t, err)
	m := res.File
	require.NoError(t, m.Validate())
	lb, _ := m.Benchmark(load.BenchConsensus)
	assert.Len(t, lb.Samples, 20)
	assert.Equal(t, int64(20), m.Load.Arrivals)
	assert.Equal(t, 20.0, m.Load.Kinds[0].Throughput, "the segments' throughputs add up")

	v, err := Judge(m, nil)
	require.NoError(t, err)
	require.Len(t, v.Thresholds, 4, "each threshold is judged once, on the union")
	union := append(ms(10, 11, 12, 13, 14, 15, 16, 17, 18, 90), ms(10, 11, 12, 13, 14, 15, 16, 17, 18, 150)...)
	assert.InDelta(t, stats.Summarize(union).P99, v.Thresholds[0].Measured, 1e-6)
	assert.False(t, v.Thresholds[0].OK, "p(99) of the union is over 100ms")
	assert.True(t, v.Thresholds[3].OK, "20 requests in the union")
	err = v.Err()
	assert.Equal(t, exitcode.Regression, exitcode.Code(err))
	assert.Contains(t, err.Error(), "p(99)<100ms")

	// A segment whose counts and samples disagree is refused at judging.
	c := seg(1, ms(10, 11), 0, 0)
	c.Load.Kinds[0].OK, c.Load.Kinds[0].Requests = 3, 3
	res, err = Merge([]*results.File{a, c})
	require.NoError(t, err)
	_, err = Judge(res.File, nil)
	assert.ErrorContains(t, err, "says 13 consensus requests succeeded but consensus.load_consensus has 12 latency samples")

	d := seg(1, ms(10), 0, 0)
	d.Load.Thresholds = []string{"p(99)<1s"}
	_, err = Merge([]*results.File{a, d})
	assert.ErrorContains(t, err, "share a scenario")
}

// The merged replay is held to its manifest's targets, from the file.
func TestMergedReplayIsHeldToItsManifest(t *testing.T) {
	recs := readRecords(t)
	res, err := Merge(shardsOf(t, recs, treeOf(recs), 3))
	require.NoError(t, err)
	dir := t.TempDir()
	manifest := dir + "/net.yaml"
	require.NoError(t, os.WriteFile(manifest, []byte("name: net\nsource: {type: dir, path: .}\ntargets:\n  cold_wall_max: 1ms\n  peak_rss_max: 1GB\n"), 0o644))
	set, err := workloads.Load([]string{manifest}, nil)
	require.NoError(t, err)
	v, err := Judge(res.File, set)
	require.NoError(t, err)
	require.NotNil(t, v.Manifest)
	require.Len(t, v.Outcomes, 2)
	assert.False(t, v.Outcomes[0].OK, "cold_wall_max 1ms is missed by the slowest shard")
	assert.True(t, v.Outcomes[1].OK)
	assert.Contains(t, v.Outcomes[1].Measured, "largest of 2 run(s)")
	assert.Equal(t, exitcode.Regression, exitcode.Code(v.Err()))

	var out strings.Builder
	require.NoError(t, WriteText(&out, res, v))
	assert.Contains(t, out.String(), "merged 3 shards of workload-replay:net")
	assert.Regexp(t, `MISSED +cold_wall_max`, out.String())

	v, err = Judge(res.File, nil)
	require.NoError(t, err)
	assert.Contains(t, v.Note, "no workload manifests given")
	assert.NoError(t, v.Err())
}

// A shard whose analyze was too small for its peak RSS to be measured in
// a run leaves no sample but a bound; the merge uses a measured shard's
// peak only when it is known to be the largest, and otherwise leaves the
// peak out rather than write a lower bound as the whole run's.
func TestMergeOfAShardWhosePeakWasTooSmallToMeasure(t *testing.T) {
	shard := func(i int, warmPeak, warmAtMost int64) *results.File {
		runs := []replay.Run{
			{Files: 1, Bytes: 10, Wall: time.Second, CPU: time.Second, PeakRSS: 90e6, PerFileMS: []float64{1}},
			{Warm: true, Files: 1, Bytes: 10, Cached: 1, Wall: time.Millisecond, PeakRSS: warmPeak, PeakRSSAtMost: warmAtMost, PerFileMS: []float64{0.1}},
		}
		rep := &replay.Report{Tree: &workloads.Tree{Manifest: &workloads.Manifest{Name: "tiny"}},
			Hive: replay.HiveVersion{Version: "v1", Commit: "abc123"}, Runs: runs, Complete: true,
			Shard: &results.Part{Index: i, Count: 2, Files: 1, Bytes: 10}}
		f := rep.Results()
		require.NoError(t, f.Validate())
		f.Source = fmt.Sprintf("shard-%d.json", i)
		return f
	}
	cases := []struct {
		name     string
		parts    []*results.File
		want     []float64 // nil: left out
		noteHas  string
		errorHas string
	}{
		{"all measured", []*results.File{shard(0, 30e6, 0), shard(1, 31e6, 0)}, []float64{31e6}, "", ""},
		{"the bounded shard is below the measured one", []*results.File{shard(0, 30e6, 0), shard(1, 0, 25e6)}, []float64{30e6}, "", ""},
		{"the bound may exceed the measured peak", []*results.File{shard(0, 26e6, 0), shard(1, 0, 27e6)}, nil,
			"memory.analyze_warm_peak_rss left out", ""},
		{"no shard measured it", []*results.File{shard(0, 0, 25e6), shard(1, 0, 25e6)}, nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Merge(c.parts)
			require.NoError(t, err)
			require.NoError(t, res.File.Validate())
			b, ok := res.File.Benchmark(replay.BenchWarmPeakRSS)
			if c.want == nil {
				assert.False(t, ok, "a peak that is not known is not written")
			} else if assert.True(t, ok) {
				assert.Equal(t, c.want, b.Samples)
			}
			if c.noteHas != "" {
				assert.Contains(t, strings.Join(res.Notes, "\n"), c.noteHas)
			}
			wall, ok := res.File.Benchmark(replay.BenchWarmWall)
			require.True(t, ok)
			assert.NotContains(t, figures(wall), replay.PeakRSSAtMostFigure, "a shard's bound does not reach the merged file")
			cold, ok := res.File.Benchmark(replay.BenchPeakRSS)
			require.True(t, ok)
			assert.Equal(t, []float64{90e6}, cold.Samples)
		})
	}

	// A shard file with a run that has no peak and no bound (not written
	// by a replay --shard that records bounds) is refused.
	old := shard(1, 0, 25e6)
	wall, ok := old.Benchmark(replay.BenchWarmWall)
	require.True(t, ok)
	wall.Extra = wall.Extra[:1]
	for i := range old.Benchmarks {
		if old.Benchmarks[i].Name == replay.BenchWarmWall {
			old.Benchmarks[i] = *wall
		}
	}
	_, err := Merge([]*results.File{shard(0, 30e6, 0), old})
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "no peak_rss_at_most figure")
}
