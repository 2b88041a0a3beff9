package gate

import (
	"fmt"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/targets"
)

// Input is what a gate decides on.
type Input struct {
	// Results are the per-metric comparisons of the gated metrics.
	Results []compare.Result
	// Tier and Outcomes are head checked against a tier of targets,
	// already narrowed to the gated metrics; Tier is empty for none.
	Tier     string
	Outcomes []targets.Outcome
	// Missing are the metrics asked for and not compared (MissingInFiles,
	// MissingInRounds).
	Missing []Missing
	// AllowMissing turns missing metrics from failures into warnings. A
	// gate that compared nothing fails regardless.
	AllowMissing bool
}

// Verdict is the gate's decision.
type Verdict struct {
	// Regressed lists the regressed metrics with their change,
	// "startup.serve +12.3%".
	Regressed []string
	// Missed lists the details of the targets head missed.
	Missed []string
	// Missing is Input.Missing plus the targets whose metric was not
	// measured or could not be checked: what reports list under their own
	// heading.
	Missing []Missing
	// Compared counts the metrics compared on samples of both sides.
	Compared int
	// Err is nil when the gate passes; otherwise its one-line message
	// (starting "FAIL: ") and its exit code (exitcode.Code) say why.
	Err error
}

// Pass reports whether the gate passed.
func (v Verdict) Pass() bool { return v.Err == nil }

// PassLine is the line of a gate that passed: how many metrics it compared
// (of results, the metrics of the comparison) and which it let pass
// uncompared (AllowMissing), then where (e.g. "reports in gate-out").
func (v Verdict) PassLine(results int, where string) string {
	if len(v.Missing) > 0 {
		return fmt.Sprintf("PASS (%d metrics; not compared, allowed by --allow-missing: %s; %s)", v.Compared, Summary(v.Missing), where)
	}
	return fmt.Sprintf("PASS (%d metrics; %s)", results, where)
}

// Decide applies the rule in the package doc.
func Decide(in Input) Verdict {
	v := Verdict{Missing: append([]Missing(nil), in.Missing...)}
	for _, r := range in.Results {
		if Compared(r) {
			v.Compared++
		}
		if r.Verdict == compare.Regressed {
			v.Regressed = append(v.Regressed, fmt.Sprintf("%s %+.1f%%", r.Metric, r.DeltaPct))
		}
	}
	for _, o := range in.Outcomes {
		switch o.Status {
		case targets.Pass:
		case targets.Missing:
			if m := missingTarget(o); !listed(v.Missing, m.Name) {
				v.Missing = append(v.Missing, m)
			}
		default:
			v.Missed = append(v.Missed, o.Detail)
		}
	}
	switch {
	case in.Tier != "" && len(in.Outcomes) == 0:
		v.Err = exitcode.UsageError("FAIL: tier %s has no target for any gated metric: nothing was checked against it; gate metrics it has targets for, or drop --tier", in.Tier)
		return v
	case v.Compared == 0:
		v.Err = nothingCompared(v.Missing)
		return v
	}
	var parts []string
	if len(v.Regressed) > 0 {
		parts = append(parts, "regressed: "+strings.Join(v.Regressed, ", "))
	}
	if len(v.Missed) > 0 {
		parts = append(parts, fmt.Sprintf("targets missed (%s): %s", in.Tier, strings.Join(v.Missed, "; ")))
	}
	failMissing := len(v.Missing) > 0 && !in.AllowMissing
	switch {
	case len(v.Regressed) > 0 || len(v.Missed) > 0:
		if failMissing {
			parts = append(parts, "not compared: "+Summary(v.Missing))
		}
		v.Err = exitcode.RegressionError("FAIL: %s", strings.Join(parts, "; "))
	case failMissing:
		v.Err = notCompared(v.Missing)
	}
	return v
}

// CheckBase is the part of the decision known before head is measured:
// a base that has none of the metrics asked for would compare nothing,
// and one that lacks some fails the gate unless allowMissing. Both are bad
// input (exit 2).
func CheckBase(want []string, base *results.File, allowMissing bool) error {
	ms := NotInBase(want, base)
	switch {
	case len(ms) > 0 && len(ms) == len(want):
		return nothingCompared(ms)
	case len(ms) > 0 && !allowMissing:
		return notCompared(ms)
	}
	return nil
}

func notCompared(ms []Missing) error {
	return exitcode.With(code(ms), fmt.Errorf("FAIL: not compared: %s; --allow-missing would gate on the rest", Summary(ms)))
}

func nothingCompared(ms []Missing) error {
	if len(ms) == 0 {
		return exitcode.UsageError("FAIL: compared nothing: no metric was gated")
	}
	return exitcode.With(code(ms), fmt.Errorf("FAIL: compared nothing: %s", Summary(ms)))
}

// missingTarget is a target that could not be checked, as a missing
// metric: a benchmark head does not have was not measured (exit 3); one
// it has (always with samples in a valid results file) that the target
// cannot be evaluated on is the target's fault (exit 2).
func missingTarget(o targets.Outcome) Missing {
	name, c := o.Benchmark, exitcode.Usage
	if name == "" {
		name, c = o.Target.Metric, exitcode.Infra
	}
	return Missing{Name: name, Why: "target " + o.Target.Metric + ": " + o.Detail, Code: c}
}

// listed reports whether name, or its family, is already in ms.
func listed(ms []Missing, name string) bool {
	fam, _, _ := strings.Cut(name, ".")
	for _, m := range ms {
		if m.Name == name || m.Name == fam {
			return true
		}
	}
	return false
}
