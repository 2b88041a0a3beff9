package compare

import "github.com/hiveperf/hive/harness/stats"

// This file is the contract shared with reports and the gate command.

// Verdict is the outcome of comparing head against base for one metric.
// Lower values are better for every hive metric (latency, bytes, ms/file);
// a metric where higher is better sets Direction.
type Verdict string

const (
	Improved     Verdict = "improved"
	Same         Verdict = "same"
	Regressed    Verdict = "regressed"
	Inconclusive Verdict = "inconclusive"
)

// Direction says which way is better for a metric.
type Direction int

const (
	LowerIsBetter Direction = iota
	HigherIsBetter
)

// Result is one metric's comparison.
type Result struct {
	Metric   string        `json:"metric"`
	Unit     string        `json:"unit"`
	Base     stats.Summary `json:"base"`
	Head     stats.Summary `json:"head"`
	DeltaPct float64       `json:"delta_pct"` // (head p50 / base p50 - 1) * 100
	// RatioCI is the bootstrap CI of median(head)/median(base).
	RatioCI   stats.Interval `json:"ratio_ci"`
	PValue    float64        `json:"p_value"`    // Mann–Whitney U, two-sided
	PAdjusted float64        `json:"p_adjusted"` // after Holm–Bonferroni across the metrics of one comparison
	Threshold float64        `json:"threshold"`  // minimum effect in percent that counts
	Verdict   Verdict        `json:"verdict"`
	Note      string         `json:"note,omitempty"` // why, in words (e.g. "CI of ratio straddles threshold")
	// Warnings are caveats about the data beside the verdict, benchstat
	// style (e.g. "base: outliers flagged: 2"); they never change it.
	Warnings []string `json:"warnings,omitempty"`
	// Aggregates says the verdict rests on aggregates: a side had no raw
	// samples (Input.BaseAgg or HeadAgg), so the rule for aggregates
	// judged it. Base and Head then hold only N (0 when not reported),
	// Min, P50 and Max; there is no ratio CI, and PValue is that of
	// complete separation (1 when the ranges overlap).
	Aggregates bool `json:"aggregates,omitempty"`
}
