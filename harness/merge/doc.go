// Package merge joins the parts of a run that was split across machines —
// the N shards of a workload replay (`hivebench workload replay --shard
// I/N`) or the N segments of a load run (`hivebench load --segment I/N`) —
// into the results file of the whole run, and holds it to what the whole
// run would have been held to. `hivebench merge` (cmd/hivebench/merge.go)
// is its command line.
//
//	res, err := merge.Merge(files)           // exit 2 unless the files are the N parts of one run
//	v, err := merge.Judge(res.File, set)     // a replay's manifest targets, a load run's thresholds
//	merge.WriteText(os.Stdout, res, v)
//	err = v.Err()                            // exit 1 on a missed target or failed threshold
//
// # What must agree
//
// Every file is a part (it has a shard or a segment), all of one kind,
// with the same N, and each index 0..N-1 is given exactly once: a missing
// or repeated part is named in the error. The parts share the suite, the
// workload fingerprint (the whole tree's, which every shard carries), the
// measured hive (env.commit and env.dirty) and the hivebench that wrote
// them (tool), because that hivebench's plan decided which files each
// shard analysed. The shards' files and bytes must add up to the tree's.
// The machines may differ: a Kubernetes Job's pods land where they land.
// merged.parts keeps every part's env; the file's own env is part 0's.
//
// # How each figure merges
//
// Merging is exact where the quantity allows it:
//
//   - samples of one file or one request each (parsing.per_file, the
//     load latencies, overhead, RSS samples) are pooled: the merged
//     sample set is the union of the parts', so with samples that do not
//     change, its count, minimum, maximum and every percentile equal those
//     of the unsharded run (the mean and standard deviation too, up to
//     the rounding of a sum taken in another order);
//   - the wall time of run k (and the warm and parse-only ones) is the
//     slowest part's: the parts run side by side, and the whole run is
//     done when its last part is; peak RSS is likewise the largest part's;
//   - a shard whose analyze was too small for its peak RSS to be measured
//     in a run (under the measuring trampoline's own) leaves no sample but
//     a bound; the largest fully measured shard's peak is the whole run's
//     only when it is at least every such bound, else the peak is left out
//     with a note (never written as a lower bound);
//   - CPU time (parsing.cpu) is the parts' sum;
//   - counts add up (files, bytes, skipped, symbols, functions, cached,
//     requests, errors, dropped, arrivals), and so do throughputs;
//   - files/s, MB/s and the cold / parse-only ratio are recomputed from
//     the merged totals and walls, never averaged.
//
// A benchmark or figure merge has no rule for (a soak's slope) is refused.
// A replay's per-file samples must number its analysed files times its
// runs, and a load kind's latency samples its successful requests: a part
// that lost samples is refused rather than merged into a smaller truth.
// An incomplete part makes the merged file incomplete, saying which.
package merge
