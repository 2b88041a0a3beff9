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
// A target outcome of status targets.Missing (its benchmark was not
// measured, or cannot be converted to the target's unit) is a missing
// metric, not a missed target.
package gate
