// Package importers reads what people already run (go test -bench, any
// Go benchmark format file, hyperfine, k6) into hivebench results files,
// so compare and gate judge them with hivebench's statistics. `hivebench
// import FORMAT FILE` is Import with the format's name:
//
//	f, problems, err := importers.Import("hyperfine", r, "base.json", importers.Options{})
//
// The Go benchmark format keeps its own package, harness/gobench, which
// reads it (gotest, benchfmt) and writes it (report --format benchfmt);
// this package holds the formats that are not Go's and the one list of
// formats the command offers. Every importer keeps the tool's units, its
// names (Benchmark.Label, beside the FAMILY.WHAT id made of them) and
// whatever it says about its environment; what the format does not carry is
// the importing process's (cores, Go version, host) or "unknown" (CPU
// model, OS, architecture, commit; Options.Commit sets the commit).
// Problems (a line, a command, a metric that could not be imported) come
// back beside the file; Import fails only when nothing usable was read.
//
// # hyperfine (hyperfine --export-json FILE)
//
// One benchmark per command, hyperfine.COMMAND (lower case, every run of
// other characters one "_"; Options.Names or hyperfine's own
// --command-name to name it), in seconds, lower is better. Its samples are
// the wall time of every timed run ("times"), so a comparison re-tests
// them; mean user and system CPU time are extra figures (user_mean,
// system_mean, s), and so is the number of runs that exited non-zero
// (nonzero_exits, runs). Runs that failed (hyperfine --ignore-failure) time
// a failure: the file keeps them but is marked incomplete, saying how many
// and with which codes, and compare and gate refuse an incomplete file. An
// export without times (hyperfine before it kept them) gives an
// aggregate-only benchmark (below).
//
// # k6, raw points (k6 run --out json=FILE)
//
// Each trend metric (http_req_duration, iteration_duration, a custom
// Trend) becomes k6.METRIC with every point as a sample: pooled over all
// tag sets, as k6's own summary shows it. When the metric has between 2
// and 20 tag sets of at least 2 points each, each tag set is a benchmark
// too, k6.METRIC_TAG_VALUE… named by the tags whose values differ between
// them, labelled METRIC{tag:value,…} as k6 writes a submetric; otherwise
// a problem says why it was not split (a URL with an id in it makes one
// tag set per request). Units follow k6: "contains": "time" is ms, "data"
// is B, anything else plain values. Every trend is lower-is-better.
// Counters, rates and gauges are not imported (their points are not
// samples of one quantity); a problem names them. The file's date is the
// run's first point.
//
// # k6, end-of-test summary (--summary-export, or handleSummary's JSON)
//
// A JSON object with "metrics" is k6's summary, in either shape: figures
// at each metric's top level (--summary-export) or under "values" with
// "type" and "contains" (the data handleSummary gets). k6 keeps no samples
// there, so each trend becomes an aggregate-only benchmark
// (results.Aggregates): min, med, p(90), p(95), p(99), max, avg and, when
// --summary-trend-stats asks for it, count, exactly as reported; a figure
// k6 did not report stays absent. A comparison of such benchmarks rests
// on aggregates, by the rule in harness/compare: without count it can
// decide nothing, and the gate then fails for want of a comparison. The
// legacy export does not say a custom trend's unit: only k6's built-in
// time trends are read as ms there, the rest as plain values, with a
// problem saying so.
package importers
