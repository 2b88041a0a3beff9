// Package export publishes a hivebench results file to Prometheus: pushed to
// a Pushgateway (Push, for `hivebench run --push URL`) or written in the
// node-exporter textfile format (WriteTextfile, for `--textfile DIR`). Both
// carry the same gauges, built by Gauges; a Grafana dashboard is built from
// the names below, so they are part of hive's interface: rename one only
// with the dashboard.
//
// # Metrics
//
// Values are converted to Prometheus base units and the unit is in the
// metric name, as the Prometheus naming conventions ask: times in seconds,
// sizes in bytes, rates per second, counts as they are.
//
//	hivebench_benchmark_seconds{suite, family, benchmark, stat}          time benchmarks (ns, ms, ms/file, s)
//	hivebench_benchmark_bytes{suite, family, benchmark, stat}            size benchmarks (bytes, MB)
//	hivebench_benchmark_<noun>_per_second{suite, family, benchmark, stat} rates: files_per_second, bytes_per_second (MB/s), ops_per_second
//	hivebench_benchmark_<noun>{suite, family, benchmark, stat}           counts: allocs, rows, …
//	hivebench_benchmark_samples{suite, family, benchmark}               number of raw samples behind the stats
//	hivebench_figure_<unit as above>{suite, family, benchmark, figure}   derived figures (Benchmark.Extra), same unit rule
//	hivebench_run_complete{suite}                                       1 when every benchmark of the suite ran, else 0
//	hivebench_run_timestamp_seconds{suite}                              Env.Date of the run, Unix seconds
//	hivebench_run_info{suite, commit, dirty, workload, workload_hash, go_version, cpu_model, host_hash, tool_version}  always 1
//
// stat is one of min, p50, p90, p95, p99, max, mean, stddev, mad,
// median_ci_lo, median_ci_hi: a fixed set, so a benchmark is at most 11
// series per metric. Raw samples are never series (their count is unbounded
// and Prometheus cannot re-test them anyway; the results file keeps them).
//
// Commit and workload hash change with every run, so they live only on
// hivebench_run_info (the "info metric" pattern) instead of multiplying
// every series; join them in PromQL when a panel needs them:
//
//	hivebench_benchmark_seconds{stat="p50"} * on(suite) group_left(commit) hivebench_run_info
//
// # Pushgateway
//
// Push replaces the group job=JOB, suite=SUITE (HTTP PUT), so each suite
// keeps its latest run and a quick run does not erase a full one. The
// pushed body carries no suite label (the Pushgateway refuses a grouping
// label in the body and adds it to every series itself), so scraped series
// carry the same labels as the textfile's, plus job and suite from the
// grouping key. The
// caller turns a Push error into a warning: an unreachable gateway must not
// lose a run whose results are already written locally or change its exit
// code.
package export
