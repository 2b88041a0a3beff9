package merge

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/replay"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
)

// rule is how one benchmark's samples of N parts become the whole run's.
type rule int

const (
	// pool concatenates the samples: one per file, or per request, of the
	// part that measured it. A part may have none (a shard with no source,
	// a segment whose requests of that kind all failed).
	pool rule = iota + 1
	// slowest takes, for run k, the largest of the parts' k-th samples: the
	// whole run's wall time is its slowest shard's, its peak RSS the
	// largest shard's.
	slowest
	// total adds the parts' k-th samples: CPU time.
	total
	// derived is recomputed from merged figures (files/s, MB/s, the
	// cold / parse-only ratio), never merged from the parts' own.
	derived
	// peak is slowest for a replay's peak RSS, whose runs a shard could
	// not measure (too small) leave no sample but a bound (mergePeak).
	peak
)

// rules are the benchmarks merge knows; any other is refused rather than
// merged by a guess.
var rules = map[string]rule{
	replay.BenchWall:        slowest,
	replay.BenchCPU:         total,
	replay.BenchFilesPerSec: derived,
	replay.BenchMBPerSec:    derived,
	replay.BenchPerFile:     pool,
	replay.BenchPeakRSS:     peak,
	replay.BenchWarmWall:    slowest,
	replay.BenchWarmPerFile: pool,
	replay.BenchWarmPeakRSS: peak,
	replay.BenchParseOnly:   slowest,
	replay.BenchVsParseOnly: derived,

	load.BenchConsensus:        pool,
	load.BenchCacheHit:         pool,
	load.BenchConversationRead: pool,
	load.BenchOverhead:         pool,
	load.BenchRSS:              pool,
	load.BenchHeap:             pool,
}

// figureRules are how the Extra figures merge: counts add up, a high-water
// mark is the largest. A figure that is neither (a soak's slope) is refused.
var figureRules = map[string]rule{
	"files": total, "bytes": total, "skipped": total, "symbols": total, "functions": total, "cached": total,
	"requests": total, "errors": total, "dropped": total, "throughput": total,
	"peak_vmhwm": slowest,
}

// Result is a merge: the whole run's results file, and what the merge
// noticed that does not stop it.
type Result struct {
	File *results.File
	// Notes are sentences for the user: parts from other machines, an
	// incomplete part.
	Notes []string
}

// Merge joins the results files of the N shards of one replay, or the N
// segments of one load run, into the whole run's results file. See the
// package doc for what must agree and how each figure merges. Every error
// is a usage error (exit 2) naming the files and what is wrong.
func Merge(parts []*results.File) (*Result, error) {
	kind, err := checkParts(parts)
	if err != nil {
		return nil, err
	}
	byIndex := slices.Clone(parts)
	sort.Slice(byIndex, func(i, j int) bool { return partOf(byIndex[i]).Index < partOf(byIndex[j]).Index })
	first := byIndex[0]

	out := &results.File{
		Schema: results.Schema, Tool: first.Tool, Env: first.Env, Workload: first.Workload, Suite: first.Suite,
		Merged: &results.Merged{Of: kind, Count: len(byIndex)},
	}
	res := &Result{File: out}
	var incomplete []string
	hosts := map[string]bool{}
	for _, p := range byIndex {
		out.Merged.Parts = append(out.Merged.Parts, results.MergedPart{Index: partOf(p).Index, Source: p.Label(), Env: p.Env})
		hosts[p.Env.HostHash] = true
		if !p.Complete {
			incomplete = append(incomplete, fmt.Sprintf("%s %s (%s): %s", kind, partOf(p), p.Label(), p.IncompleteReason))
		}
		if p.Env.Date.After(out.Env.Date) {
			out.Env.Date = p.Env.Date // the whole run ended with its last part
		}
	}
	if len(hosts) > 1 {
		res.Notes = append(res.Notes, fmt.Sprintf("the %d %ss ran on %d machines (host hashes differ); the env block is %s 0's, merged.parts lists each", len(byIndex), kind, len(hosts), kind))
	}
	notes, err := mergeBenchmarks(out, byIndex, kind)
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	if kind == "shard" {
		if err := checkShardSums(out, byIndex); err != nil {
			return nil, err
		}
	} else if out.Load, err = mergeLoad(byIndex); err != nil {
		return nil, err
	}
	if len(incomplete) > 0 {
		out.MarkIncomplete("merged from incomplete parts: " + strings.Join(incomplete, "; "))
		res.Notes = append(res.Notes, out.IncompleteReason)
	} else if len(out.Benchmarks) > 0 {
		out.MarkComplete()
	} else {
		out.MarkIncomplete("no part has a benchmark")
	}
	return res, nil
}

func partOf(f *results.File) results.Part {
	if f.Shard != nil {
		return *f.Shard
	}
	return *f.Segment
}

// checkParts checks that the files are the N parts of one run, each
// once, and returns "shard" or "segment".
func checkParts(parts []*results.File) (string, error) {
	if len(parts) == 0 {
		return "", exitcode.UsageError("merge: no results files; give the N shards (or segments) of one run")
	}
	var kinds, wholes []string
	for _, p := range parts {
		switch {
		case p.Merged != nil:
			return "", exitcode.UsageError("merge: %s is already a merge of %d %ss; give the parts themselves", p.Label(), p.Merged.Count, p.Merged.Of)
		case p.Shard != nil:
			kinds = append(kinds, "shard")
		case p.Segment != nil:
			kinds = append(kinds, "segment")
		default:
			wholes = append(wholes, p.Label())
		}
	}
	if len(wholes) > 0 {
		return "", exitcode.UsageError("merge: %s %s no shard or segment: a whole run, not a part of one (run parts with `hivebench workload replay --shard I/N` or `hivebench load --segment I/N`)", strings.Join(wholes, ", "), hasHave(len(wholes)))
	}
	kind := kinds[0]
	for i, k := range kinds {
		if k != kind {
			return "", exitcode.UsageError("merge: %s is a %s but %s is a %s; a merge joins the shards of one replay or the segments of one load run", parts[0].Label(), kind, parts[i].Label(), k)
		}
	}
	first := parts[0]
	n := partOf(first).Count
	given := make([][]string, n)
	for _, p := range parts {
		pt := partOf(p)
		switch {
		case pt.Count != n:
			return "", exitcode.UsageError("merge: %s is %s %s but %s is %s %s: the parts of one run share N", first.Label(), kind, partOf(first), p.Label(), kind, pt)
		case p.Suite != first.Suite:
			return "", exitcode.UsageError("merge: %s measured suite %q but %s suite %q; the parts of one run share their suite", first.Label(), first.Suite, p.Label(), p.Suite)
		case p.Workload != first.Workload:
			return "", exitcode.UsageError("merge: %s measured workload %s but %s workload %s; the parts of one run share their tree", first.Label(), first.Workload, p.Label(), p.Workload)
		case p.Env.Commit != first.Env.Commit || p.Env.Dirty != first.Env.Dirty:
			return "", exitcode.UsageError("merge: %s measured hive %s but %s hive %s; the parts of one run measure the same binary", first.Label(), binary(first), p.Label(), binary(p))
		case p.Tool != first.Tool:
			return "", exitcode.UsageError("merge: %s was written by hivebench %s (%s) but %s by %s (%s); the parts of one run come from one hivebench, whose plan split them", first.Label(), first.Tool.Version, first.Tool.Commit, p.Label(), p.Tool.Version, p.Tool.Commit)
		}
		given[pt.Index] = append(given[pt.Index], p.Label())
	}
	var missing, problems []string
	for i, g := range given {
		switch {
		case len(g) == 0:
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		case len(g) > 1:
			problems = append(problems, fmt.Sprintf("%s %d/%d is given %d times (%s)", kind, i, n, len(g), strings.Join(g, ", ")))
		}
	}
	if len(missing) > 0 {
		problems = append([]string{fmt.Sprintf("%s%s %s %s missing", kind, plural(len(missing)), strings.Join(missing, ", "), isAre(len(missing)))}, problems...)
	}
	if len(problems) > 0 {
		return "", exitcode.UsageError("merge: the %d %ss of this run must each be given once: %s", n, kind, strings.Join(problems, "; "))
	}
	return kind, nil
}

func binary(f *results.File) string {
	if f.Env.Dirty {
		return f.Env.Commit + " (dirty)"
	}
	return f.Env.Commit
}

// mergeBenchmarks merges every benchmark that any part has, in the order
// they first appear, and returns notes on what it could not merge exactly.
func mergeBenchmarks(out *results.File, parts []*results.File, kind string) ([]string, error) {
	var notes []string
	var names []string
	seen := map[string]bool{}
	for _, p := range parts {
		for _, b := range p.Benchmarks {
			if !seen[b.Name] {
				seen[b.Name] = true
				names = append(names, b.Name)
			}
		}
	}
	merged := map[string]*results.Benchmark{}
	for _, name := range names {
		r, ok := rules[name]
		if !ok {
			return nil, exitcode.UsageError("merge: no rule merges benchmark %s of %s: merge knows the benchmarks of a workload replay and of a load run", name, whoHas(parts, name))
		}
		var of []*results.Benchmark
		for _, p := range parts {
			b, ok := p.Benchmark(name)
			if !ok {
				if r == pool || r == peak {
					continue
				}
				return nil, exitcode.UsageError("merge: %s has no %s but %s has; the %ss of one run measure the same benchmarks", p.Label(), name, whoHas(parts, name), kind)
			}
			of = append(of, b)
		}
		b := &results.Benchmark{Name: name, Metric: of[0].Metric, Unit: of[0].Unit, Direction: of[0].Direction}
		for _, x := range of[1:] {
			if x.Unit != b.Unit || x.Direction != b.Direction {
				return nil, exitcode.UsageError("merge: %s is in %s, %s in one part and in %s, %s in another", name, b.Unit, b.Direction, x.Unit, x.Direction)
			}
		}
		var err error
		switch r {
		case pool:
			for _, x := range of {
				b.Samples = append(b.Samples, x.Samples...)
			}
		case slowest, total:
			b.Samples, err = runWise(name, parts, of, r)
		case peak:
			var note string
			b.Samples, note, err = mergePeak(name, parts)
			if note != "" {
				notes = append(notes, note)
			}
		}
		if err != nil {
			return nil, err
		}
		if b.Extra, err = mergeFigures(name, of); err != nil {
			return nil, err
		}
		merged[name] = b
	}
	if err := derive(merged, names); err != nil {
		return nil, err
	}
	for _, name := range names {
		b := merged[name]
		if len(b.Samples) == 0 {
			continue
		}
		b.Summary = stats.Summarize(b.Samples)
		out.Add(*b)
	}
	return notes, nil
}

// peakWall is the wall benchmark whose runs a peak-RSS benchmark measured
// and whose figures bound the runs it could not.
var peakWall = map[string]string{replay.BenchPeakRSS: replay.BenchWall, replay.BenchWarmPeakRSS: replay.BenchWarmWall}

// mergePeak merges a replay's peak RSS: run k's is the largest shard's
// peak in run k. A shard whose process was too small to measure in some
// runs has fewer samples than runs and bounds the missing ones
// (replay.PeakRSSAtMostFigure on its wall benchmark); since its file does
// not say which runs those were, it counts as at most the larger of its
// bound and its samples in every run. The merge is then exact when, in
// every run, a fully measured shard's peak is at least every such bound;
// otherwise the whole run's peak is unknown and the benchmark is left
// out, with a note, rather than written as a lower bound.
func mergePeak(name string, parts []*results.File) ([]float64, string, error) {
	var out []float64
	var bound float64
	var boundBy []string
	for _, p := range parts {
		wall, ok := p.Benchmark(peakWall[name])
		if !ok {
			return nil, "", exitcode.UsageError("merge: %s has %s but no %s, whose runs it measured", p.Label(), name, peakWall[name])
		}
		runs := len(wall.Samples)
		var got []float64
		if b, ok := p.Benchmark(name); ok {
			got = b.Samples
		}
		if len(got) == runs {
			if out == nil {
				out = make([]float64, runs)
			}
			if len(out) != runs {
				return nil, "", exitcode.UsageError("merge: %s has %d runs of %s but another part %d; every part needs the same --runs", p.Label(), runs, peakWall[name], len(out))
			}
			for k, v := range got {
				out[k] = max(out[k], v)
			}
			continue
		}
		at := 0.0
		for _, x := range wall.Extra {
			if x.Name == replay.PeakRSSAtMostFigure {
				at = x.Value
			}
		}
		if len(got) > runs || at <= 0 {
			return nil, "", exitcode.UsageError("merge: %s has %d samples of %s for %d run(s) and no %s figure bounding the others; it was not written by this hivebench's replay --shard", p.Label(), len(got), name, runs, replay.PeakRSSAtMostFigure)
		}
		for _, v := range got {
			at = max(at, v)
		}
		bound = max(bound, at)
		boundBy = append(boundBy, fmt.Sprintf("%s (%d of %d run(s) too small to measure, at most %.0f bytes)", partOf(p), runs-len(got), runs, at))
	}
	if bound == 0 {
		return out, "", nil
	}
	if out != nil && slices.Min(out) >= bound {
		return out, "", nil
	}
	return nil, fmt.Sprintf("%s left out: no fully measured shard's peak is known to exceed the bound of shard %s in every run, so the whole run's peak is not known", name, strings.Join(boundBy, ", ")), nil
}

// runWise merges sample k of every part (run k of a replay pair).
func runWise(name string, parts []*results.File, of []*results.Benchmark, r rule) ([]float64, error) {
	n := len(of[0].Samples)
	for i, x := range of {
		if len(x.Samples) != n {
			return nil, exitcode.UsageError("merge: %s has %d samples of %s but %s has %d; run k of one part goes with run k of the others, so every part needs the same --runs", parts[0].Label(), n, name, parts[i].Label(), len(x.Samples))
		}
	}
	out := make([]float64, n)
	for k := range n {
		for _, x := range of {
			if r == total {
				out[k] += x.Samples[k]
			} else {
				out[k] = max(out[k], x.Samples[k])
			}
		}
	}
	return out, nil
}

func mergeFigures(bench string, of []*results.Benchmark) ([]results.Figure, error) {
	var out []results.Figure
	at := map[string]int{}
	for _, b := range of {
		for _, x := range b.Extra {
			if x.Name == replay.PeakRSSAtMostFigure {
				continue // a shard's bound, used by mergePeak; a whole run has none
			}
			r, ok := figureRules[x.Name]
			if !ok {
				return nil, exitcode.UsageError("merge: %s carries figure %q, which does not merge (a soak's slope, say); run it as one whole run", bench, x.Name)
			}
			i, seen := at[x.Name]
			if !seen {
				at[x.Name] = len(out)
				out = append(out, x)
				continue
			}
			if out[i].Unit != x.Unit {
				return nil, exitcode.UsageError("merge: %s figure %s is in %s in one part and %s in another", bench, x.Name, out[i].Unit, x.Unit)
			}
			if r == total {
				out[i].Value += x.Value
			} else {
				out[i].Value = max(out[i].Value, x.Value)
			}
		}
	}
	return out, nil
}

// derive recomputes the benchmarks that are ratios of merged figures.
func derive(m map[string]*results.Benchmark, names []string) error {
	figure := func(b *results.Benchmark, name string) (float64, bool) {
		for _, x := range b.Extra {
			if x.Name == name {
				return x.Value, true
			}
		}
		return 0, false
	}
	for _, name := range names {
		if rules[name] != derived {
			continue
		}
		b := m[name]
		wall, ok := m[replay.BenchWall]
		if !ok {
			return exitcode.UsageError("merge: %s is derived from %s, which the parts lack", name, replay.BenchWall)
		}
		per := func(v float64) []float64 {
			out := make([]float64, len(wall.Samples))
			for k, w := range wall.Samples {
				out[k] = v / w
			}
			return out
		}
		switch name {
		case replay.BenchFilesPerSec, replay.BenchMBPerSec:
			files, ok1 := figure(wall, "files")
			bytes, ok2 := figure(wall, "bytes")
			if !ok1 || !ok2 {
				return exitcode.UsageError("merge: %s has no files and bytes figures to derive %s from", replay.BenchWall, name)
			}
			if name == replay.BenchFilesPerSec {
				b.Samples = per(files)
			} else {
				b.Samples = per(bytes / 1e6)
			}
		case replay.BenchVsParseOnly:
			base, ok := m[replay.BenchParseOnly]
			if !ok || len(base.Samples) != len(wall.Samples) {
				return exitcode.UsageError("merge: %s needs as many %s samples as %s", name, replay.BenchParseOnly, replay.BenchWall)
			}
			b.Samples = make([]float64, len(wall.Samples))
			for k := range wall.Samples {
				b.Samples[k] = wall.Samples[k] / base.Samples[k]
			}
		}
	}
	return nil
}

// checkShardSums holds the merged replay to what the shards' plan
// promised: their files and bytes are the tree's, and every file
// analysed left one latency per run.
func checkShardSums(out *results.File, parts []*results.File) error {
	var files int
	var bytes int64
	for _, p := range parts {
		files += p.Shard.Files
		bytes += p.Shard.Bytes
	}
	if w := out.Workload; !w.IsZero() && (files != w.Files || bytes != w.Bytes) {
		return exitcode.UsageError("merge: the shards hold %d files of %d bytes but the tree %s has %d of %d; they were not cut from this tree by one plan", files, bytes, w, w.Files, w.Bytes)
	}
	wall, ok := out.Benchmark(replay.BenchWall)
	if !ok {
		return nil
	}
	var analysed float64
	for _, x := range wall.Extra {
		if x.Name == "files" {
			analysed = x.Value
		}
	}
	for _, name := range []string{replay.BenchPerFile, replay.BenchWarmPerFile} {
		want := int(analysed) * len(wall.Samples)
		got := 0
		if b, ok := out.Benchmark(name); ok {
			got = len(b.Samples)
		}
		if got != want && (name == replay.BenchPerFile || got > 0) {
			return exitcode.UsageError("merge: %s has %d samples but the shards analysed %d files in %d run(s): a shard lost per-file samples", name, got, int(analysed), len(wall.Samples))
		}
	}
	return nil
}

func whoHas(parts []*results.File, name string) string {
	var has []string
	for _, p := range parts {
		if _, ok := p.Benchmark(name); ok {
			has = append(has, p.Label())
		}
	}
	return strings.Join(has, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// mergeLoad adds up the segments' counts (load.MergeCounts).
func mergeLoad(parts []*results.File) (*results.LoadCounts, error) {
	counts := make([]*results.LoadCounts, len(parts))
	for i, p := range parts {
		if p.Load == nil {
			return nil, exitcode.UsageError("merge: segment %s (%s) has no load counts: it was not written by hivebench load --segment", partOf(p), p.Label())
		}
		counts[i] = p.Load
	}
	c, err := load.MergeCounts(counts)
	if err != nil {
		return nil, exitcode.UsageError("merge: %v", err)
	}
	return c, nil
}
