package importers

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// hyperfineExport is the part of hyperfine's --export-json this reads.
// Fields newer versions add are ignored; the ones below are those hyperfine
// has written since it keeps every run's time.
type hyperfineExport struct {
	Results []hyperfineResult `json:"results"`
}

type hyperfineResult struct {
	Command string   `json:"command"`
	Mean    *float64 `json:"mean"`
	Stddev  *float64 `json:"stddev"`
	Median  *float64 `json:"median"`
	User    *float64 `json:"user"`
	System  *float64 `json:"system"`
	Min     *float64 `json:"min"`
	Max     *float64 `json:"max"`
	// Times are the wall times of every timed run, in seconds.
	Times []float64 `json:"times"`
	// ExitCodes are the exit codes of the same runs.
	ExitCodes  []*int            `json:"exit_codes"`
	Parameters map[string]string `json:"parameters"`
}

// readHyperfine imports hyperfine's --export-json: one benchmark per
// command, named hyperfine.COMMAND (or opts.Names), in seconds, its raw
// samples every run's wall time. See the package doc.
func readHyperfine(r io.Reader, name string, opts Options) (*results.File, []Problem, error) {
	var problems []Problem
	problem := func(format string, args ...any) {
		problems = append(problems, Problem{File: name, Msg: fmt.Sprintf(format, args...)})
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, exitcode.InfraError("read %s: %v", name, err)
	}
	var ex hyperfineExport
	if err := json.Unmarshal(data, &ex); err != nil {
		return nil, nil, fmt.Errorf("%s is not hyperfine's --export-json: %v", name, err)
	}
	if len(ex.Results) == 0 {
		return nil, nil, fmt.Errorf("%s: no results; expected {\"results\": [{\"command\": ..., \"times\": [...]}, ...]} from hyperfine --export-json", name)
	}
	if len(opts.Names) > 0 && len(opts.Names) != len(ex.Results) {
		return nil, nil, fmt.Errorf("%d names for %d commands in %s; give one name per command, in the order of the export", len(opts.Names), len(ex.Results), name)
	}
	f := results.NewFile("hyperfine", results.Fingerprint{})
	f.Env = importEnv()
	taken := ids{}
	var failed []string
	for i, res := range ex.Results {
		what := idPart(res.Command)
		if len(opts.Names) > 0 {
			what = opts.Names[i]
			if idPart(what) != what {
				return nil, problems, fmt.Errorf("name %q: want lower-case letters, digits and _ (e.g. %q)", what, idPart(what))
			}
		}
		id, err := taken.claim(results.Hyperfine, what, res.Command)
		if err != nil {
			problem("command %d: %v; skipped", i+1, err)
			continue
		}
		b, exits, err := hyperfineBenchmark(id, res)
		if err != nil {
			problem("command %q: %v; skipped", res.Command, err)
			continue
		}
		if exits != "" {
			failed = append(failed, exits)
		}
		f.Add(b)
	}
	if len(f.Benchmarks) == 0 {
		return nil, problems, fmt.Errorf("%s: no command could be imported", name)
	}
	if len(failed) > 0 {
		// The times of failed runs time a failure, not the command: the
		// file is kept, but it cannot pass for a complete measurement.
		f.MarkIncomplete(strings.Join(failed, "; ") + " (hyperfine --ignore-failure); their times time a failure")
	} else {
		f.MarkComplete()
	}
	return f, problems, nil
}

// hyperfineBenchmark is one command's benchmark, and a sentence when some
// of its runs exited non-zero.
func hyperfineBenchmark(id string, res hyperfineResult) (results.Benchmark, string, error) {
	var extra []results.Figure
	for _, x := range []struct {
		name string
		v    *float64
	}{{"user_mean", res.User}, {"system_mean", res.System}} {
		if x.v != nil && !math.IsNaN(*x.v) && !math.IsInf(*x.v, 0) {
			extra = append(extra, results.Figure{Name: x.name, Value: *x.v, Unit: "s"})
		}
	}
	failed := ""
	if len(res.ExitCodes) > 0 {
		nonzero := 0
		codes := map[int]bool{}
		for _, c := range res.ExitCodes {
			if c == nil || *c != 0 {
				nonzero++
				if c != nil {
					codes[*c] = true
				}
			}
		}
		extra = append(extra, results.Figure{Name: "nonzero_exits", Value: float64(nonzero), Unit: "runs"})
		if nonzero > 0 {
			cs := make([]int, 0, len(codes))
			for c := range codes {
				cs = append(cs, c)
			}
			sort.Ints(cs)
			failed = fmt.Sprintf("%d of %d runs of %q exited non-zero (codes %s)", nonzero, len(res.ExitCodes), res.Command, strings.Trim(fmt.Sprint(cs), "[]"))
		}
	}
	if len(res.Times) > 0 {
		if len(res.ExitCodes) > 0 && len(res.ExitCodes) != len(res.Times) {
			return results.Benchmark{}, "", fmt.Errorf("%d times but %d exit codes; an export has one of each per run", len(res.Times), len(res.ExitCodes))
		}
		b, err := results.NewBenchmark(id, "s", results.LowerIsBetter, res.Times, extra...)
		if err != nil {
			return results.Benchmark{}, "", err
		}
		b.Label = res.Command
		return b, failed, nil
	}
	// An export without times (hyperfine before it kept them) has only
	// aggregates, and says nothing of how many runs made them.
	agg := &results.Aggregates{Min: res.Min, P50: res.Median, Max: res.Max, Mean: res.Mean, Stddev: res.Stddev}
	b := results.Benchmark{Name: id, Metric: results.Hyperfine, Unit: "s", Direction: results.LowerIsBetter, Extra: extra, Label: res.Command, Aggregates: agg}
	if len(agg.Figures()) == 0 {
		return results.Benchmark{}, "", fmt.Errorf("neither times nor mean, median, min or max")
	}
	return b, failed, nil
}
