// Package workloads holds the real source trees hive is benchmarked on: a
// manifest per workload (the embedded *.yaml files beside this one) and the
// code that fetches, verifies and materialises them in a cache. It measures
// nothing: the replay that runs `hive analyze` over a tree from outside is
// harness/replay. `hivebench workload list|fetch|verify|replay`
// (cmd/hivebench/workload.go) is their CLI; README.md here is the user's
// manual.
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
// size + sha256) and the unpacked tree (Fingerprint and Content), may bound
// what a fetch unpacks (Limits: unpack.max_bytes, unpack.max_files), and
// sets Targets for a replay (cold_wall_max, warm_wall_max, peak_rss_max,
// ...). Workload and artefact names that would alias the cache's own
// entries (".", "..", NAME.partial, .complete, .lock, .bad-…) are refused.
//
// # Cache
//
//	c := &workloads.Cache{Dir: workloads.DefaultDir(getenv), Getenv: getenv, Log: os.Stderr}
//	rep, err := c.Fetch(ctx, m, workloads.FetchOptions{})   // resumable; exit 3 on any failure
//	tree, err := c.Tree(ctx, m)                             // exit 3 unless fetched (or local)
//	v, err := c.Verify(ctx, m); err = v.Err()               // exit 3 "workload differs"
//	rep.WriteText(os.Stdout, m); v.WriteText(os.Stdout)     // what `hivebench workload fetch|verify` print
//
// The layout and its crash-safety are documented on Cache: downloads go to
// NAME.partial/, the tree is unpacked into a hidden temporary directory and
// renamed into place only when complete, and NAME.complete (holding the
// fingerprints and what the unpack did) is written last. A tree without
// that marker is never used. A checksum mismatch moves the file aside as
// FILE.bad-TIMESTAMP (-2, -3, ... if taken; nothing moved aside is
// overwritten). A partial download is continued only where the result is
// verified before use (a local archive's copy against its source, apt's
// against the index's sha256). External tools (apt-get, dpkg-deb, npm, xz)
// are looked up on the caller's PATH before anything is written; a missing
// one is exit 3 with the package to install.
//
// # Unpacking
//
// Archives are outside input, and hivebench may run as root, so they are
// read in process (unpack.go), not by the system's tar: only regular files
// (mode 0644, or 0755 if executable; setuid, setgid and sticky dropped),
// directories (0755) and symlinks that resolve inside the tree become part
// of it, and a hard link becomes a copy. Devices, named pipes, absolute or
// ".." names, symlinks out of the tree and the like are skipped; fetch
// prints the counts and the first names (UnpackReport), and the marker
// keeps them. Going over unpack.max_bytes or unpack.max_files (defaults:
// DefaultLimits) stops the fetch with exit 3 and keeps nothing.
//
// # Fingerprints
//
// A tree's fingerprint is harness/results' (results.Fingerprint, defined
// there, in fingerprint.go and content.go), named after the workload. It
// goes into every results file, and a comparison refuses to mix two. A
// manifest's fingerprint: block pins both of its parts:
//
//   - files, bytes, hash: count and bytes of the regular files, and a
//     sha256 of their sorted paths and sizes (symlinks, directories,
//     special files, modes and contents are not covered);
//   - content: a sha256 over every entry's path, type, mode, size and the
//     sha256 of its bytes (or symlink target).
//
// Each tree is read at most once for both. A fetch reads nothing: the
// unpacker hashes the bytes as it writes them (results.FingerprintEntries)
// and the marker keeps the result. Verify, and Tree for a local source,
// read every file once (results.FingerprintTree). A replay (harness/replay) runs on the
// tree its Verify just read and carries that fingerprint into its results
// file instead of reading the tree again (chromium-150 is 5.6 GB).
//
// A pin that does not match is exit 3, not exit 1: a different tree is a
// different input, not a slower hive. A manifest that pins only the first
// three is still checked on them, and fetch and verify print the content
// line to add.
package workloads
