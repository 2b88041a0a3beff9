// Package results is the results file of hivebench: the JSON document a run
// writes and every later step reads (compare, gate, baseline, report).
//
// A file holds a schema version (Schema), the environment of the run (Env,
// from CaptureEnv), the workload fingerprint (Fingerprint, from
// FingerprintTree), the suite, whether the run completed, and per benchmark
// its name (FAMILY.WHAT, see Catalog), unit, direction, raw samples and
// stats.Summary. Raw samples are kept so a comparison can re-test instead of
// trusting summaries.
//
// To produce one:
//
//	f := results.NewFile("quick", fp)        // starts incomplete
//	f.Add(results.Benchmark{Name: "startup.serve", Metric: results.Startup,
//		Unit: "ns", Direction: results.LowerIsBetter, Samples: s, Summary: stats.Summarize(s)})
//	f.MarkComplete()                        // or MarkIncomplete("interrupted by SIGINT")
//	err := f.Write("results.json")          // atomic: temp file + rename
//
// To consume one, Read it (strict: unknown schema, corrupt JSON, unknown or
// missing fields are usage errors that name the file, the field and the
// byte offset) and call CheckComparable before comparing two files.
//
// # Imported benchmarks
//
// Files made by hivebench import carry benchmarks of the families in
// Imported (gobench, hyperfine, k6) instead of the five seed families. Their
// Label keeps the tool's own name (a command, a metric with its tags) that
// the FAMILY.WHAT id was derived from. A tool that reports only aggregates
// (k6's --summary-export) gives an aggregate-only benchmark: no Samples, a
// zero Summary, and Aggregates holding exactly the figures the tool
// reported (a figure it did not report is absent, never zero). Both fields
// are optional in the format, so adding them did not change Schema.
//
// Units ("ns", "ms/file", "MB", "files/s") are parsed by ParseUnit; the same
// table serves targets and reports, so "MB" means 10^6 bytes everywhere.
//
// # Workload fingerprint
//
// A Fingerprint has the count and bytes of the tree's regular files, Hash
// (a sha256 of their sorted paths and sizes) and Content (content.go: a
// sha256 over every entry's path, type, mode, size and the sha256 of its
// bytes or symlink target; a versioned definition whose values workload
// manifests pin). FingerprintTree reads every regular file of the tree for
// it, in parallel; FingerprintEntries makes the same fingerprint from
// entries a writer hashed as it wrote them (workloads' unpacker), so a tree
// just unpacked is not read again.
//
// Reading is the price of telling apart two trees with the same names and
// sizes but other bytes, which names and sizes alone passed as one
// workload. Measured with BenchmarkFingerprintTree on the 2-core shared VM
// this was written on (load average 2-3.5, warm page cache, 12 runs each,
// min / median / max): GOROOT/src/net (415 files, 3.9 MB; the quick suite's
// workload, fingerprinted once per run) went from 1.9 / 2.4 / 3.2 ms with
// names and sizes only to 8.2 / 10.0 / 18.1 ms; all of GOROOT/src (11,478
// files, 128 MB) from 78 / 106 / 143 ms to 260 / 344 / 432 ms. Most of it
// is system calls per file (open, fstat, read to EOF, close), not sha256.
//
// CheckComparable refuses two files whose fingerprints differ
// (Fingerprint.SameTree). A file written before Content existed has none;
// it still compares on names and sizes, and CheckComparable returns a
// warning saying the contents were not compared. Content is optional in the
// format (omitted when empty), so it did not change Schema; a hivebench
// older than it refuses a file that has it, as an unknown field.
package results
