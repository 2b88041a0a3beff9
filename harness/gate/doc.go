// Package gate decides whether a regression gate passes: it takes the
// per-metric comparisons (harness/compare), the target outcomes of a tier
// (targets) and the metrics the gate was asked for but could not compare,
// and returns the verdict and the error that carries the exit code. The
// hivebench gate command measures and reports; the decision is here, so
// any gate (A/B, against a baseline, two files) reaches it the same way and
// it is testable without a CLI.
//
//	missing := gate.MissingInFiles(want, base, head, results)    // baseline mode
//	missing := gate.MissingInRounds(want, pairs, stopped, results) // A/B mode
//	v := gate.Decide(gate.Input{Results: rs, Tier: "hive", Outcomes: outs, Missing: missing})
//	if v.Err != nil { ... }  // exit code: exitcode.Code(v.Err)
//
// # The rule
//
// A gate fails closed: it passes only on what it compared. In order:
//
//   - A gate with a tier whose targets concern none of the gated metrics
//     checked nothing against it: exit 2, whatever else happened.
//   - A gate that compared no metric (every metric asked for is missing, or
//     the two sides share none) fails, even with AllowMissing: exit 2 or 3
//     by the rule below.
//   - A metric that regressed (compare.Regressed) or a target that head
//     missed fails the gate: exit 1. Missing metrics are named in the same
//     line.
//   - A metric that was asked for and not compared (Missing) fails the gate
//     unless AllowMissing; then it is a warning that reports list under
//     their own heading. A missing metric is never a regression, so its exit
//     code is not 1 but:
//     2 (bad input) when the input made the comparison impossible whatever
//     the machine does: the baseline does not have the metric, its unit
//     does not convert, a target cannot be evaluated;
//     3 (infrastructure) when the measurement fell short: a probe produced
//     no samples, or sampling stopped (time budget) before a family got a
//     single round pair.
//     When both kinds are missing, 2 wins: a rerun cannot fix the input.
//   - Otherwise the gate passes: exit 0.
//
// # Two results files
//
// `hivebench gate --base-file A --head-file B` reaches Decide the same
// way, with harness/suite's ComparePair: the metrics asked for are the base
// file's benchmarks (--metrics narrows them), and MissingInPair names what
// was not compared. Both files are input, so everything missing there is
// exit 2, and so are the refusals before any comparison: an incomplete
// file, files of different schemas, workloads or import sources, and a
// pair that shares no metric.
//
// A side without raw samples (an aggregate-only import, k6's summary) is
// judged by compare's rule for aggregates (go doc
// github.com/hiveperf/hive/harness/compare): a regression only when every
// head value is worse than every base value by more than the threshold and
// that complete separation is significant for the reported counts
// (p = 2/C(m+n, m), Holm with the rest). Such a result is never "same",
// and the report says the verdict rests on aggregates. Without counts no
// test is possible: the result has no samples (N = 0), so it is not
// compared, and the gate fails on it as on any missing metric (exit 2),
// or, when it is all there is, for having compared nothing.
//
// A target outcome of status targets.Missing (its benchmark was not
// measured, or cannot be converted to the target's unit) is a missing
// metric, not a missed target.
package gate
