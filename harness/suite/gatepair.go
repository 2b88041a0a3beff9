package suite

import (
	"fmt"
	"strings"

	"github.com/hiveperf/hive/baselines"
	"github.com/hiveperf/hive/harness/compare"
	hgate "github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Pair is the comparison of a two-file gate, ready for harness/gate's
// Decide and the reports.
type Pair struct {
	Results  []compare.Result
	Warnings []string
	// Want are the metrics the gate judges: base's benchmarks (those keep
	// accepts). A metric head lacks is not compared and fails the gate.
	Want    []string
	Missing []hgate.Missing
}

// ComparePair compares two results files for `hivebench gate --base-file
// --head-file`, whatever produced them. It refuses, each with a one-line
// usage error (exit 2): an incomplete file (baselines.CheckComplete),
// files of different schemas or workloads (results.CheckComparable),
// imported files of different sources (a go test package, hyperfine, k6:
// their suites differ), files of different subjects (hive and hivebench
// run --subject: two implementations, not a change), and a pair that
// shares no metric. What is left is CompareFiles with the thresholds th,
// and the metrics of base that were not compared (harness/gate
// MissingInPair), which fail the gate.
//
// Benchmarks that a side has only as aggregates (an aggregate-only
// import) are judged by compare's rule for aggregates; a warning then says
// which verdicts rest on aggregates.
func ComparePair(base, head *results.File, th Thresholds, keep func(string) bool) (*Pair, error) {
	for _, s := range []struct {
		side string
		f    *results.File
	}{{"base", base}, {"head", head}} {
		if err := baselines.CheckComplete(s.f); err != nil {
			return nil, exitcode.UsageError("%s: %v", s.side, err)
		}
	}
	if err := sameSource(base, head); err != nil {
		return nil, err
	}
	if a, b := base.SubjectName(), head.SubjectName(); a != b {
		return nil, exitcode.UsageError("cannot gate %s (subject %s) against %s (subject %s): two implementations are not a change; hivebench compare or report --vs prints their ratios",
			base.Label(), a, head.Label(), b)
	}
	if _, err := results.CheckComparable(base, head); err != nil {
		return nil, err
	}
	p := &Pair{}
	shared := 0
	for _, b := range base.Benchmarks {
		if keep != nil && !keep(b.Name) {
			continue
		}
		p.Want = append(p.Want, b.Name)
		if _, ok := head.Benchmark(b.Name); ok {
			shared++
		}
	}
	if shared == 0 {
		return nil, exitcode.UsageError("%s and %s share no metric: nothing to gate (base has %s; head has %s)",
			base.Label(), head.Label(), names(base, keep), names(head, keep))
	}
	rs, warnings, err := CompareFiles(base, head, th, keep)
	if err != nil {
		return nil, err
	}
	var agg []string
	for _, r := range rs {
		if r.Aggregates {
			agg = append(agg, r.Metric)
		}
	}
	if len(agg) > 0 {
		warnings = append(warnings, fmt.Sprintf("the verdicts of %s rest on aggregates (a side has no raw samples): a change counts only when every head value is beyond every base value by more than the threshold, and nothing is decided without sample counts (go doc github.com/hiveperf/hive/harness/compare)",
			strings.Join(agg, ", ")))
	}
	p.Results, p.Warnings = rs, warnings
	p.Missing = hgate.MissingInPair(p.Want, base, head, rs)
	return p, nil
}

// GateFiles reads the two results files of a two-file gate and compares
// them (ComparePair) over the metrics asked for (MetricFilter).
func GateFiles(basePath, headPath, metrics string, th Thresholds) (base, head *results.File, p *Pair, err error) {
	if base, err = results.Read(basePath); err != nil {
		return nil, nil, nil, err
	}
	if head, err = results.Read(headPath); err != nil {
		return nil, nil, nil, err
	}
	keep, err := MetricFilter(metrics, base, head)
	if err != nil {
		return nil, nil, nil, err
	}
	if p, err = ComparePair(base, head, th, keep); err != nil {
		return nil, nil, nil, fmt.Errorf("hivebench gate: %w", err)
	}
	return base, head, p, nil
}

// sameSource refuses two files of which one was imported, unless both
// were imported from the same source: the suite of an import names it
// (gotest:PKG, benchfmt:PKG, hyperfine, k6), and benchmarks of different
// packages can share a name without measuring the same code.
func sameSource(base, head *results.File) error {
	if !imported(base) && !imported(head) {
		return nil
	}
	if base.Suite != head.Suite {
		return exitcode.UsageError("cannot gate %s (suite %s) against %s (suite %s): they were not imported from the same source, so a shared name need not mean the same benchmark; import both sides the same way",
			base.Label(), base.Suite, head.Label(), head.Suite)
	}
	return nil
}

// imported reports whether every benchmark of f was imported (gobench,
// hyperfine, k6) rather than measured by hivebench.
func imported(f *results.File) bool {
	for _, b := range f.Benchmarks {
		if !results.IsImported(b.Metric) {
			return false
		}
	}
	return len(f.Benchmarks) > 0
}

func names(f *results.File, keep func(string) bool) string {
	var out []string
	for _, b := range f.Benchmarks {
		if keep == nil || keep(b.Name) {
			out = append(out, b.Name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	if len(out) > 5 {
		return strings.Join(out[:5], ", ") + fmt.Sprintf(" and %d more", len(out)-5)
	}
	return strings.Join(out, ", ")
}
