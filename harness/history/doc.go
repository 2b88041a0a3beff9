// Package history keeps hivebench runs over time and finds where a metric
// stepped. It is the long memory behind `hivebench history`: a single run
// is compared against a baseline by harness/compare; history answers "when
// did startup get 20% slower, and between which commits?".
//
// A run is a whole results file (harness/results). Backend stores it and
// answers three questions: which runs are there (Runs), which metrics
// (Metrics), and the per-run summary of one metric (Series). Two backends:
//
//   - OpenSQLite: a SQLite file, by default the local hive database (the
//     same file as `--db`), so one machine's history sits next to
//     everything else hive keeps and needs no setup. The history's tables
//     and schema version are its own (history_schema), apart from the
//     engine's migrations; the tables of an older hive database, which the
//     engine once created, are adopted as they are.
//   - OpenPostgres: a PostgreSQL database (pgx), so ephemeral CI runners
//     share one history. Tables hive_history_* are created on first use,
//     under a version table and an advisory lock, so concurrent runners
//     and repeated opens are safe.
//
// Recording the same results document twice is a no-op (documents are
// keyed by their SHA-256), so a retried CI job does not double its points.
//
// Change points are found by Detector, E-Divisive with means (Matteson &
// James 2014, as in MongoDB's CI signal processing) on the per-run medians
// (p50). DefaultDetector's parameters: energy statistic with exponent 1,
// minimum segment size 3, significance by a permutation test with 199
// permutations at alpha 0.05, seed 1. The output is deterministic for a
// given series. On a flat series the first test fires with probability
// about alpha, so expect roughly one false step per 20 flat metrics; a step
// needs at least 3 runs on each side before it can be seen at all.
package history
