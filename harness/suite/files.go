package suite

import (
	"fmt"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// CompareFiles compares every benchmark two results files share, with the
// thresholds th, Holm–Bonferroni across all of them (compare.CompareAll).
// keep, when not nil, limits the comparison to the metrics it accepts.
//
// Files that did not measure the same thing (another schema, another
// workload tree) are refused with a usage error (results.CheckComparable).
// The returned warnings say what could not be compared (workload contents
// a file did not record, benchmarks only one side has) and how the two
// environments differ; they never change a verdict.
func CompareFiles(base, head *results.File, th Thresholds, keep func(name string) bool) ([]compare.Result, []string, error) {
	warnings, err := results.CheckComparable(base, head)
	if err != nil {
		return nil, nil, err
	}
	warnings = append(warnings, results.EnvDiff(base, head)...)
	var inputs []compare.Input
	for _, hb := range head.Benchmarks {
		if keep != nil && !keep(hb.Name) {
			continue
		}
		bb, ok := base.Benchmark(hb.Name)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s is only in head (%s): not compared", hb.Name, head.Label()))
			continue
		}
		in, warn := pairInput(*bb, hb, th)
		if warn != "" {
			warnings = append(warnings, warn)
		}
		if in != nil {
			inputs = append(inputs, *in)
		}
	}
	for _, bb := range base.Benchmarks {
		if keep != nil && !keep(bb.Name) {
			continue
		}
		if _, ok := head.Benchmark(bb.Name); !ok {
			warnings = append(warnings, fmt.Sprintf("%s is only in base (%s): not compared", bb.Name, base.Label()))
		}
	}
	return compare.CompareAll(inputs), warnings, nil
}

// pairInput builds the comparison input of one benchmark present in both
// files. Units of one dimension are converted to head's; a benchmark whose
// two sides cannot be compared is left out with a warning.
func pairInput(bb, hb results.Benchmark, th Thresholds) (*compare.Input, string) {
	if bb.AggregateOnly() || hb.AggregateOnly() {
		return aggregateInput(bb, hb, th)
	}
	baseS, headS := GateSamples(bb), GateSamples(hb)
	warn := ""
	if hasRounds(bb) != hasRounds(hb) {
		// One side has round values and the other only raw samples: mixing
		// them would compare medians of rounds with single samples.
		baseS, headS = bb.Samples, hb.Samples
		warn = fmt.Sprintf("%s: only one side has per-round values; comparing raw samples, whose p-value overstates confidence when samples of a round are correlated", hb.Name)
	}
	if bb.Unit != hb.Unit {
		conv := make([]float64, len(baseS))
		for i, v := range baseS {
			c, err := results.Convert(v, bb.Unit, hb.Unit)
			if err != nil {
				return nil, fmt.Sprintf("%s: base is in %s and head in %s, which do not convert: not compared", hb.Name, bb.Unit, hb.Unit)
			}
			conv[i] = c
		}
		baseS = conv
	}
	if bb.Direction != hb.Direction {
		w := fmt.Sprintf("%s: base says %s is better and head %s; judged as head says", hb.Name, bb.Direction, hb.Direction)
		if warn != "" {
			w = warn + "; " + w
		}
		warn = w
	}
	return &compare.Input{
		Metric: hb.Name, Unit: hb.Unit, Base: baseS, Head: headS,
		Policy: th.Policy(hb.Name, Direction(hb.Direction)),
	}, warn
}

func hasRounds(b results.Benchmark) bool {
	for _, x := range b.Extra {
		if x.Name == RoundFigure {
			return true
		}
	}
	return false
}

// MetricFilter turns --metrics into a predicate on benchmark names: a
// family keeps its metrics, a metric id keeps itself. A name that is in
// neither file is a usage error, and so is one that only one file has:
// asked for, it would compare nothing.
func MetricFilter(spec string, files ...*results.File) (func(string) bool, error) {
	items := splitList(spec)
	if len(items) == 0 {
		return nil, nil
	}
	want := map[string]bool{}
	for _, it := range items {
		var in, notIn []string
		for _, f := range files {
			found := false
			for _, b := range f.Benchmarks {
				if b.Name == it || string(b.Metric) == it {
					found = true
				}
			}
			if found {
				in = append(in, f.Label())
			} else {
				notIn = append(notIn, f.Label())
			}
		}
		switch {
		case len(in) == 0:
			return nil, exitcode.UsageError("--metrics: %q is neither a family nor a benchmark of the compared files", it)
		case len(notIn) > 0:
			return nil, exitcode.UsageError("--metrics: %q is in %s but not in %s: nothing of it to compare", it, strings.Join(in, ", "), strings.Join(notIn, ", "))
		}
		want[it] = true
	}
	return func(name string) bool {
		fam, _, _ := cutFamily(name)
		return want[name] || want[fam]
	}, nil
}

func cutFamily(name string) (string, string, bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}
