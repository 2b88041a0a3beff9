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
// Units ("ns", "ms/file", "MB", "files/s") are parsed by ParseUnit; the same
// table serves targets and reports, so "MB" means 10^6 bytes everywhere.
package results
