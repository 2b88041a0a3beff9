package results

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// ValidationError lists everything wrong with a results file at once, each
// problem naming its field, so a hand-edited file is fixed in one pass.
type ValidationError struct {
	File     string
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("results file %s is not valid: %s", e.File, strings.Join(e.Problems, "; "))
}

var hashRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Validate checks the invariants Read relies on: required fields present,
// names well formed, units known, summaries consistent with their samples.
// It returns a *ValidationError (not yet wrapped with an exit code).
func (f *File) Validate() error {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	missing := func(field string) { add("missing required field %s", field) }

	if f.Schema != Schema {
		add("schema is %d; this hivebench writes and reads schema %d", f.Schema, Schema)
	}
	if f.Tool.Name == "" {
		missing("tool.name")
	}
	if f.Tool.Version == "" {
		missing("tool.version")
	}
	e := f.Env
	if e.CPUModel == "" {
		missing(`env.cpu_model (write "unknown" when it cannot be read)`)
	}
	if e.Cores <= 0 {
		add("env.cores is %d; it must be the number of logical CPUs (≥ 1)", e.Cores)
	}
	if e.OS == "" {
		missing("env.os")
	}
	if e.Arch == "" {
		missing("env.arch")
	}
	if e.GoVersion == "" {
		missing("env.go_version")
	}
	if e.Commit == "" {
		missing(`env.commit (write "unknown" when the build has no VCS stamp)`)
	}
	if e.Date.IsZero() {
		missing("env.date")
	}
	if e.HostHash == "" {
		missing("env.host_hash")
	}
	if w := f.Workload; !w.IsZero() {
		if w.Name == "" {
			missing("workload.name")
		}
		if !hashRE.MatchString(w.Hash) {
			add("workload.hash is %q; it must be \"sha256:\" and 64 lower-case hex digits", w.Hash)
		}
		if w.Content != "" && !hashRE.MatchString(w.Content) {
			add("workload.content is %q; it must be \"sha256:\" and 64 lower-case hex digits (or absent)", w.Content)
		}
		if w.Files < 0 || w.Bytes < 0 {
			add("workload.files (%d) and workload.bytes (%d) must not be negative", w.Files, w.Bytes)
		}
	}
	if f.Suite == "" {
		missing("suite")
	}
	switch {
	case f.Complete && f.IncompleteReason != "":
		add("complete is true but incomplete_reason is %q; a complete run has no reason", f.IncompleteReason)
	case !f.Complete && f.IncompleteReason == "":
		add("complete is false (or missing) but incomplete_reason is empty; a partial run must say why it stopped")
	case f.Complete && len(f.Benchmarks) == 0:
		add("complete is true but benchmarks is empty")
	}
	seen := map[string]int{}
	for i, b := range f.Benchmarks {
		at := fmt.Sprintf("benchmarks[%d]", i)
		if b.Name != "" {
			at = fmt.Sprintf("benchmarks[%d] (%s)", i, b.Name)
		}
		if b.Name == "" {
			missing(fmt.Sprintf("benchmarks[%d].name", i))
		} else if fam, err := CheckName(b.Name); err != nil {
			add("%s.name: %v", at, err)
		} else if b.Metric == "" {
			missing(at + ".metric")
		} else if b.Metric != fam {
			add("%s.metric is %q but the name says family %q", at, b.Metric, fam)
		}
		if j, dup := seen[b.Name]; dup && b.Name != "" {
			add("%s duplicates benchmarks[%d]; each benchmark appears once", at, j)
		}
		seen[b.Name] = i
		if b.Unit == "" {
			missing(at + ".unit")
		} else if _, err := ParseUnit(b.Unit); err != nil {
			add("%s.unit: %v", at, err)
		}
		switch b.Direction {
		case LowerIsBetter, HigherIsBetter:
		case "":
			missing(at + `.direction ("lower" or "higher")`)
		default:
			add("%s.direction is %q; it must be \"lower\" or \"higher\"", at, b.Direction)
		}
		if len(b.Samples) == 0 {
			add("%s.samples is empty; a benchmark without samples must be left out of the file", at)
		}
		for k, v := range b.Samples {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				add("%s.samples[%d] is %v; samples must be finite", at, k, v)
				break
			}
		}
		if b.Summary.N != len(b.Samples) {
			add("%s.summary.n is %d but there are %d samples; recompute the summary from the samples", at, b.Summary.N, len(b.Samples))
		}
		if !finiteSummary(b) {
			add("%s.summary has a non-finite value", at)
		}
		for k, x := range b.Extra {
			if x.Name == "" {
				missing(fmt.Sprintf("%s.extra[%d].name", at, k))
			}
			if _, err := ParseUnit(x.Unit); err != nil {
				add("%s.extra[%d].unit: %v", at, k, err)
			}
			if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
				add("%s.extra[%d].value is %v; it must be finite", at, k, x.Value)
			}
		}
	}
	if len(p) > 0 {
		return &ValidationError{File: f.Label(), Problems: p}
	}
	return nil
}

func finiteSummary(b Benchmark) bool {
	s := b.Summary
	for _, v := range []float64{s.Min, s.P50, s.P90, s.P95, s.P99, s.Max, s.Mean, s.Stddev, s.MAD, s.MedianCI.Lo, s.MedianCI.Hi, s.MedianCI.Level} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
