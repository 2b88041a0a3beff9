// Package replay measures hive on a real workload: it runs `hive analyze`
// over a tree of package workloads from outside, cold and warm, checks the
// manifest's targets and turns what it measured into a harness results
// file. `hivebench workload replay` (cmd/hivebench/workload.go) is its
// command line; package workloads finds, fetches and verifies the tree.
//
// # Using it
//
//	v, err := cache.Verify(ctx, m)    // workloads: the tree, fingerprinted
//	tree := &workloads.Tree{Manifest: m, Root: v.Root, Fingerprint: v.Measured, Content: v.MeasuredContent}
//	rep, err := replay.Measure(ctx, tree, replay.Options{HiveBin: "bin/hive"})
//	file := rep.Results()             // harness results format, suite "workload-replay:NAME"
//	outcomes := rep.Check(m.Targets)
//	replay.WriteText(os.Stdout, rep)  // one line per run; WriteOutcomes for the targets
//	missed := replay.Missed(outcomes)
//
// A replay is, per run, `hive analyze --no-cache` on a fresh database (cold)
// and the same command without --no-cache on that database (warm). Wall
// time is exec to exit, peak RSS is the child's ru_maxrss through
// harness/probe/proc's trampoline, and per-file latency comes from
// --files-out, lean (--files-out-symbols=false, when the binary has it): a
// kernel's records with every symbol were hundreds of MB written inside the
// timed cold run. The parse-only baseline then writes the same lean records,
// so that the ratio compares like with like. The cold benchmark ids are harness/probe's (parsing.wall,
// parsing.files_per_sec, parsing.mb_per_sec, parsing.per_file,
// memory.analyze_peak_rss) so a replay compares with a probe run on the
// same tree; the warm ones add a warm_ prefix.
package replay
