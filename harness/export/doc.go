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
// Each benchmark is a summary in the family of its unit, its percentiles as
// the quantile label, _sum and _count over its raw samples:
//
//	hivebench_benchmark_seconds{suite, family, benchmark, quantile}       time benchmarks (ns, ms, ms/file, s)
//	hivebench_benchmark_bytes{…, quantile}                                size benchmarks (bytes, MB)
//	hivebench_benchmark_<noun>_per_second{…, quantile}                    rates: files_per_second, bytes_per_second (MB/s), ops_per_second
//	hivebench_benchmark_<noun>{…, quantile}                               counts: allocs, rows, …
//	hivebench_benchmark_<unit>_sum, hivebench_benchmark_<unit>_count      sum and number of the raw samples
//
// quantile is 0 (the minimum), 0.5, 0.9, 0.95, 0.99 and 1 (the maximum), as
// in the Go client's go_gc_duration_seconds. The statistics that are not
// quantiles are gauges of their own, in the same unit:
//
//	hivebench_benchmark_mean_<unit>{suite, family, benchmark}
//	hivebench_benchmark_stddev_<unit>{…}            sample standard deviation (n−1)
//	hivebench_benchmark_mad_<unit>{…}               median absolute deviation, unscaled
//	hivebench_benchmark_median_ci_lower_<unit>{…}   bootstrap CI of the median (results median_ci.level)
//	hivebench_benchmark_median_ci_upper_<unit>{…}
//
// and the rest:
//
//	hivebench_figure_<unit as above>{suite, family, benchmark, figure}   derived figures (Benchmark.Extra), same unit rule
//	hivebench_run_complete{suite}                                       1 when every benchmark of the suite ran, else 0
//	hivebench_run_timestamp_seconds{suite}                              Env.Date of the run, Unix seconds
//	hivebench_run_info{suite, commit, dirty, workload, workload_hash, go_version, cpu_model, host_hash, tool_version}  always 1
//
// A benchmark is therefore a fixed number of series (6 quantiles, sum,
// count, 5 gauges). Raw samples are never series (their count is unbounded
// and Prometheus cannot re-test them anyway; the results file keeps them).
// `promtool check metrics` finds nothing in either output (a test holds it
// to that).
//
// Commit and workload hash change with every run, so they live only on
// hivebench_run_info (the "info metric" pattern) instead of multiplying
// every series; join them in PromQL when a panel needs them:
//
//	hivebench_benchmark_seconds{quantile="0.5"} * on(suite) group_left(commit) hivebench_run_info
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
