package gate

import (
	"fmt"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Missing is a metric, or a whole family, that the gate was asked to judge
// and did not compare.
type Missing struct {
	// Name is a metric id ("startup.serve"), or a family ("database")
	// when none of its metrics got a sample.
	Name string `json:"name"`
	// Why says it in words, e.g. "not in the base run main.json".
	Why string `json:"why"`
	// Code is the exit code it calls for (see the package doc):
	// exitcode.Usage when the input made the comparison impossible,
	// exitcode.Infra when the measurement fell short.
	Code int `json:"code"`
}

func (m Missing) String() string { return m.Name + " (" + m.Why + ")" }

// Compared reports whether r compared samples of both sides. A result on
// an empty or invalid side has a verdict (inconclusive) but compared
// nothing.
func Compared(r compare.Result) bool { return r.Base.N > 0 && r.Head.N > 0 }

// MissingInFiles lists the metrics of want that rs did not compare, for a
// comparison of two results files (a gate against a baseline): what the
// base lacks, or whose unit does not convert, is bad input (exit 2); what
// the head run did not produce is a measurement that fell short (exit 3).
func MissingInFiles(want []string, base, head *results.File, rs []compare.Result) []Missing {
	byName := resultsByName(rs)
	var out []Missing
	for _, name := range want {
		r, ok := byName[name]
		if ok && Compared(r) {
			continue
		}
		bb, inBase := benchmark(base, name)
		hb, inHead := benchmark(head, name)
		switch {
		case !inBase:
			out = append(out, notInBase(name, base))
		case !inHead:
			out = append(out, Missing{Name: name, Why: "the head run produced no samples", Code: exitcode.Infra})
		case bb.Unit != hb.Unit && !converts(bb.Unit, hb.Unit):
			out = append(out, Missing{Name: name, Why: fmt.Sprintf("base is in %s and head in %s, which do not convert", bb.Unit, hb.Unit), Code: exitcode.Usage})
		case ok && r.Note != "":
			out = append(out, Missing{Name: name, Why: r.Note, Code: exitcode.Usage})
		default:
			out = append(out, Missing{Name: name, Why: "in both runs but not compared", Code: exitcode.Usage})
		}
	}
	return out
}

// NotInBase lists the metrics of want that base does not have: known
// before anything is measured, so a gate against a baseline can refuse
// before it runs.
func NotInBase(want []string, base *results.File) []Missing {
	var out []Missing
	for _, name := range want {
		if _, ok := benchmark(base, name); !ok {
			out = append(out, notInBase(name, base))
		}
	}
	return out
}

func notInBase(name string, base *results.File) Missing {
	return Missing{Name: name, Why: "not in the base run " + label(base), Code: exitcode.Usage}
}

// MissingInRounds lists what an A/B gate did not compare: each family of
// want that got no round pair (named once, as the family), and each metric
// of a sampled family that has no samples on a side. pairs are the round
// pairs per family; stopped says why sampling ended early ("" when it did
// not). Either is a measurement that fell short (exit 3).
func MissingInRounds(want []string, pairs map[string]int, stopped string, rs []compare.Result) []Missing {
	byName := resultsByName(rs)
	seen := map[string]bool{}
	var out []Missing
	for _, name := range want {
		fam, _, _ := strings.Cut(name, ".")
		if pairs[fam] == 0 {
			if !seen[fam] {
				seen[fam] = true
				why := "no samples on either side: no round pair ran"
				if stopped != "" {
					why = "no samples on either side: sampling stopped before its first round pair (" + stopped + ")"
				}
				out = append(out, Missing{Name: fam, Why: why, Code: exitcode.Infra})
			}
			continue
		}
		r, ok := byName[name]
		if ok && Compared(r) {
			continue
		}
		why := fmt.Sprintf("no samples on a side after %d round pairs", pairs[fam])
		if ok && r.Note != "" {
			why += ": " + r.Note
		}
		out = append(out, Missing{Name: name, Why: why, Code: exitcode.Infra})
	}
	return out
}

// Summary is a list of missing metrics in one line, metrics that are
// missing for the same reason grouped: "a, b (why); c (why)".
func Summary(ms []Missing) string {
	var whys []string
	names := map[string][]string{}
	for _, m := range ms {
		if _, ok := names[m.Why]; !ok {
			whys = append(whys, m.Why)
		}
		names[m.Why] = append(names[m.Why], m.Name)
	}
	parts := make([]string, len(whys))
	for i, w := range whys {
		parts[i] = strings.Join(names[w], ", ") + " (" + w + ")"
	}
	return strings.Join(parts, "; ")
}

// code is the exit code of a set of missing metrics: bad input wins over
// a measurement that fell short, because a rerun cannot fix the input.
func code(ms []Missing) int {
	c := exitcode.Infra
	for _, m := range ms {
		if m.Code == exitcode.Usage {
			return exitcode.Usage
		}
	}
	return c
}

func resultsByName(rs []compare.Result) map[string]compare.Result {
	out := make(map[string]compare.Result, len(rs))
	for _, r := range rs {
		out[r.Metric] = r
	}
	return out
}

func benchmark(f *results.File, name string) (*results.Benchmark, bool) {
	if f == nil {
		return nil, false
	}
	return f.Benchmark(name)
}

func label(f *results.File) string {
	if f == nil {
		return "(none)"
	}
	return f.Label()
}

func converts(from, to string) bool {
	_, err := results.Convert(1, from, to)
	return err == nil
}

// MissingInPair is MissingInFiles for a gate of two results files
// (--base-file, --head-file): both sides are input, so whatever is missing
// is bad input (exit 2), and a metric the head file lacks is named as not
// in it rather than as a measurement that fell short.
func MissingInPair(want []string, base, head *results.File, rs []compare.Result) []Missing {
	ms := MissingInFiles(want, base, head, rs)
	for i := range ms {
		if ms[i].Code == exitcode.Infra {
			ms[i] = Missing{Name: ms[i].Name, Why: "not in the head file " + label(head), Code: exitcode.Usage}
		}
	}
	return ms
}
