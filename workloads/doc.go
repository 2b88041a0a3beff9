// Package workloads holds the real source trees hive is benchmarked on: a
// manifest per workload (the embedded *.yaml files beside this one), the
// code that fetches, verifies and materialises them in a cache, and the
// replay that runs `hive analyze` over a tree from outside and turns what
// it measured into a harness results file. `hivebench workload
// list|fetch|verify|replay` (cmd/hivebench/workload.go) is its CLI; README.md
// here is the user's manual.
//
// # Manifests
//
//	set, err := workloads.Load(files, dirs)   // built-ins + --manifest/--manifests; exit 2 on a bad file
//	m, err := set.Get("linux-6.12")           // or "dir:PATH" for a local tree
//
// Parse is strict (yaml.v3 KnownFields): an unknown field or source, a bad
// duration or size is a usage error (exit 2) naming the file, the line and
// the field. A manifest names a Source (goroot, debian-binary,
// debian-source, npm, dir, archive), may pin its downloads (Artefacts:
// size + sha256) and the unpacked tree (Fingerprint), and sets Targets for
// a replay (cold_wall_max, warm_wall_max, peak_rss_max, ...).
//
// # Cache
//
//	c := &workloads.Cache{Dir: workloads.DefaultDir(getenv), Getenv: getenv, Log: os.Stderr}
//	rep, err := c.Fetch(ctx, m, workloads.FetchOptions{})   // resumable; exit 3 on any failure
//	tree, err := c.Tree(ctx, m)                             // exit 3 unless fetched (or local)
//	v, err := c.Verify(ctx, m); err = v.Err()               // exit 3 "workload differs"
//
// The layout and its crash-safety are documented on Cache: downloads go to
// NAME.partial/, the tree is unpacked into a hidden temporary directory and
// renamed into place only when complete, and NAME.complete (holding the
// fingerprint) is written last. A tree without that marker is never used.
// A checksum mismatch moves the file aside as FILE.bad-TIMESTAMP. External
// tools (apt-get, dpkg-deb, npm, tar, xz, gzip) are looked up on the
// caller's PATH before anything is written; a missing one is exit 3 with
// the package to install.
//
// # Fingerprints
//
// A tree's fingerprint is harness/results.FingerprintTree (file count,
// bytes, sha256 of the sorted path/size list), named after the workload. It
// goes into every results file, and a comparison refuses to mix two. A
// pinned fingerprint that does not match is exit 3, not exit 1: a different
// tree is a different input, not a slower hive.
//
// # Replay
//
//	rep, err := workloads.RunReplay(ctx, tree, workloads.ReplayOptions{HiveBin: "bin/hive"})
//	file := rep.Results()             // harness results format, suite "workload-replay:NAME"
//	missed := workloads.Missed(rep.Check(m.Targets))
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
package workloads
