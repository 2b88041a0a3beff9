// Package gobench moves benchmarks between hive results files and the Go
// benchmark format (the output of `go test -bench`, read by benchstat;
// https://golang.org/design/14313-benchmark-format), so a team can gate its
// own Go benchmarks with hivebench's statistics and read hivebench results
// with benchstat.
//
// # Import (go test -bench → results)
//
// Import reads the text with golang.org/x/perf/benchfmt and returns a
// results.File. Each (benchmark name, unit) pair becomes one
// results.Benchmark in the family results.GoBench ("gobench"), and every
// result line is one sample, so `-count 10` gives ten samples:
//
//	BenchmarkInsert/size=10-8  1000  1234 ns/op  512 B/op  7 allocs/op
//
// becomes gobench.insert_size_10 (ns), gobench.insert_size_10_bytes (bytes)
// and gobench.insert_size_10_allocs (allocs). The name is lower-cased,
// "Benchmark" and the "-GOMAXPROCS" suffix are dropped, and every run of
// characters outside [a-z0-9] becomes one "_", because results ids are
// FAMILY.WHAT in lower case. When one benchmark ran with several
// GOMAXPROCS values (-cpu 1,4) each gets "_pN" (gobench.insert_p4), and when
// the input holds several packages each id starts with the package's last
// path element (gobench.store_insert), so distinct measurements are never
// pooled; two names that still map to one id are a Problem.
//
// Units: ns/op → ns, B/op → bytes, allocs/op → allocs, NAME-bytes
// (peak-RSS-bytes) → bytes with the suffix _NAME_bytes; X/op → X and rates
// such as MB/s are kept when results.ParseUnit knows them; a unit it does not know is reported as a Problem and skipped
// (never guessed). Rates (…/s) are higher-is-better, everything else
// lower-is-better.
//
// Config lines map to Env: goos → OS, goarch → Arch, cpu → CPUModel, commit
// → Commit (a line go test does not write, but Export does), and the -N name
// suffix → GOMAXPROCS; a field the input does not give is "unknown". pkg becomes the suite ("gotest:PKG"; just
// "gotest" when the input has several packages or none). The file is marked
// complete, has no workload fingerprint, and its Env describes the machine
// that ran `go test` only as far as the config lines say: HostHash, Date and
// GoVersion are those of the importing process, because the format does not
// carry them.
//
// Malformed lines are benchfmt.SyntaxError records; Import collects them as
// Problems with file name and line and goes on. Import returns an error only
// when the input cannot be read at all (an I/O error) or holds no usable
// benchmark.
//
// # Export (results → benchstat)
//
// Export writes config lines (goos, goarch, cpu, commit, suite, workload,
// complete; ExportRun adds run: LABEL) and, for every benchmark, one line per raw sample with an iteration count
// of 1. Names map as FAMILY.WHAT → BenchmarkFamily/WHAT (startup.serve →
// BenchmarkStartup/serve). Values are converted to benchfmt units: times to
// ns/op, counts to COUNT/op (allocs/op), and rates keep their results unit
// (files/s, MB/s). A size is written as what it measures, never as B/op
// (allocated bytes per operation to every Go user) unless it was imported
// from B/op: peak-RSS-bytes for a peak resident set (memory.*peak_rss),
// RSS-bytes for one at rest or sampled (memory.idle_rss, memory.load_rss),
// heap-bytes for a Go heap (memory.load_heap_alloc), else bytes. benchstat
// then reads the file directly:
//
//	hivebench report results.json --format benchfmt > new.txt
//	benchstat old.txt new.txt
package gobench
