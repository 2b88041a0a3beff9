package results

import (
	"fmt"
	"time"

	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/buildinfo"
)

// Schema is the version of the results format this code writes and reads.
// Bump it when a field changes meaning or a required field is added; Read
// refuses any other version rather than guessing.
const Schema = 1

// File is one results file: what was measured, on what, with which tree.
type File struct {
	Schema   int         `json:"schema"`
	Tool     Tool        `json:"tool"`
	Env      Env         `json:"env"`
	Workload Fingerprint `json:"workload"`
	// Suite names the set of benchmarks that was asked for (e.g. "quick",
	// "full"); a comparison of two suites compares what they share.
	Suite string `json:"suite"`
	// Shard is set on the results of one shard of a sharded workload
	// replay, Segment on those of one segment of a distributed load run
	// (never both); Merged on a file hivebench merge made from such parts.
	Shard   *Part   `json:"shard,omitempty"`
	Segment *Part   `json:"segment,omitempty"`
	Merged  *Merged `json:"merged,omitempty"`
	// Load carries a load run's counts and thresholds (hivebench load).
	Load *LoadCounts `json:"load,omitempty"`
	// Subject is what was measured when it was not hive (`hivebench run
	// --subject FILE`, harness/subject); absent means hive. Two files of
	// different subjects compare implementations, not a change: compare and
	// report --vs print their ratios, a gate refuses them. Optional in the
	// format, so it did not change Schema (an older hivebench refuses a
	// file that has it, as an unknown field).
	Subject *Subject `json:"subject,omitempty"`
	// Complete is false when the run stopped early (SIGINT, a failed
	// benchmark); IncompleteReason then says why. Partial results are kept
	// because their samples are still real, but a baseline must be complete.
	Complete         bool        `json:"complete"`
	IncompleteReason string      `json:"incomplete_reason,omitempty"`
	Benchmarks       []Benchmark `json:"benchmarks"`

	// Source is the path the file was read from or written to; errors use
	// it to name the file. It is not part of the format.
	Source string `json:"-"`
}

// Subject identifies the implementation a file measured, by its subject
// file.
type Subject struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// File is the subject file as given on the command line, SHA256 the
	// hex digest of its bytes: which definition was measured.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// SubjectName is the name of what f measured: its subject's, or "hive".
func (f *File) SubjectName() string {
	if f.Subject == nil {
		return "hive"
	}
	return f.Subject.Name
}

// Tool identifies the hivebench binary that produced the file.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Dirty   bool   `json:"dirty,omitempty"`
}

// Family is a metric family: the five seed metrics of the hive design.
type Family string

// The metric families. A benchmark's name starts with its family and a dot.
const (
	Startup   Family = "startup"
	Memory    Family = "memory"
	Parsing   Family = "parsing"
	Consensus Family = "consensus"
	Database  Family = "database"
)

// GoBench is the family of benchmarks imported from `go test -bench`
// output (hivebench import gotest, package harness/gobench). It is not one
// of the five seed metrics, so it is not in Families (suites and probes
// iterate those), but CheckName accepts it so an imported file is a valid
// results file that compare and gate can read.
const GoBench Family = "gobench"

// Hyperfine and K6 are the families of benchmarks imported from hyperfine's
// --export-json and from k6's JSON output (harness/importers). Like
// GoBench they are not seed metrics: CheckName accepts them so that an
// imported file is a results file compare and gate can read.
const (
	Hyperfine Family = "hyperfine"
	K6        Family = "k6"
)

// Imported lists the families of imported benchmarks.
var Imported = []Family{GoBench, Hyperfine, K6}

// Families lists every family in report order.
var Families = []Family{Startup, Memory, Parsing, Consensus, Database}

// Direction says which way is better for a benchmark. It is spelled out in
// the file ("lower", "higher") so a reader of the JSON needs no code.
type Direction string

// The two directions.
const (
	LowerIsBetter  Direction = "lower"
	HigherIsBetter Direction = "higher"
)

// Benchmark is one metric's raw samples and their summary.
type Benchmark struct {
	// Name is the metric id, FAMILY.WHAT, e.g. "startup.serve",
	// "database.insert_message". See Catalog for the documented ids.
	Name      string    `json:"name"`
	Metric    Family    `json:"metric"`
	Unit      string    `json:"unit"`
	Direction Direction `json:"direction"`
	// Samples are kept so a later comparison can re-test (Mann–Whitney,
	// bootstrap) instead of trusting summaries.
	Samples []float64     `json:"samples"`
	Summary stats.Summary `json:"summary"`
	// Extra carries figures derived from the run that are not a sample
	// distribution (files/s, MB/s over a whole tree).
	Extra []Figure `json:"extra,omitempty"`
	// Label is the name the producing tool gave the benchmark when its id
	// had to be derived from it: hyperfine's command, k6's metric and tag
	// set, go test's benchmark name. Empty for hive's own benchmarks.
	Label string `json:"label,omitempty"`
	// Aggregates are the statistics a tool reported in place of its raw
	// samples (k6's --summary-export): an aggregate-only benchmark has no
	// Samples and a zero Summary, and comparisons judge it by the rule for
	// aggregates (harness/compare). A benchmark has Samples or Aggregates,
	// never both.
	Aggregates *Aggregates `json:"aggregates,omitempty"`
}

// Aggregates are the statistics a tool reported for a benchmark whose raw
// samples it did not give, in the benchmark's unit. A nil field is one the
// tool did not report: it is never filled in, so no consumer mistakes an
// unreported figure for zero.
type Aggregates struct {
	// N is the number of samples behind the figures, when the tool says.
	N      *int     `json:"n,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	P50    *float64 `json:"p50,omitempty"`
	P90    *float64 `json:"p90,omitempty"`
	P95    *float64 `json:"p95,omitempty"`
	P99    *float64 `json:"p99,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Mean   *float64 `json:"mean,omitempty"`
	Stddev *float64 `json:"stddev,omitempty"`
}

// Figures lists the figures a holds, quantiles in increasing order (min,
// p50, p90, p95, p99, max), then mean and stddev, each with its field name.
// The unit is left empty: it is the benchmark's.
func (a *Aggregates) Figures() []Figure {
	if a == nil {
		return nil
	}
	var out []Figure
	for _, f := range []struct {
		name string
		v    *float64
	}{{"min", a.Min}, {"p50", a.P50}, {"p90", a.P90}, {"p95", a.P95}, {"p99", a.P99}, {"max", a.Max}, {"mean", a.Mean}, {"stddev", a.Stddev}} {
		if f.v != nil {
			out = append(out, Figure{Name: f.name, Value: *f.v})
		}
	}
	return out
}

// P50Ptr, P95Ptr and P99Ptr return a's figure, nil when a is nil or the
// tool did not report it.
func (a *Aggregates) P50Ptr() *float64 {
	if a == nil {
		return nil
	}
	return a.P50
}

// P95Ptr: see P50Ptr.
func (a *Aggregates) P95Ptr() *float64 {
	if a == nil {
		return nil
	}
	return a.P95
}

// P99Ptr: see P50Ptr.
func (a *Aggregates) P99Ptr() *float64 {
	if a == nil {
		return nil
	}
	return a.P99
}

// AggregateOnly reports whether b carries a tool's aggregates instead of
// raw samples.
func (b Benchmark) AggregateOnly() bool { return b.Aggregates != nil }

// NewBenchmark checks name, unit and samples and summarizes the samples
// with stats.Summarize (default options), so producers need not repeat
// those checks. The error names what is wrong.
func NewBenchmark(name, unit string, d Direction, samples []float64, extra ...Figure) (Benchmark, error) {
	fam, err := CheckName(name)
	if err != nil {
		return Benchmark{}, err
	}
	if _, err := ParseUnit(unit); err != nil {
		return Benchmark{}, fmt.Errorf("benchmark %s: %w", name, err)
	}
	if d != LowerIsBetter && d != HigherIsBetter {
		return Benchmark{}, fmt.Errorf("benchmark %s: direction %q must be %q or %q", name, d, LowerIsBetter, HigherIsBetter)
	}
	if len(samples) == 0 {
		return Benchmark{}, fmt.Errorf("benchmark %s: no samples", name)
	}
	if err := stats.Validate(samples); err != nil {
		return Benchmark{}, fmt.Errorf("benchmark %s: %w", name, err)
	}
	return Benchmark{
		Name: name, Metric: fam, Unit: unit, Direction: d,
		Samples: append([]float64(nil), samples...), Summary: stats.Summarize(samples), Extra: extra,
	}, nil
}

// Figure is a single derived number with its unit.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// NewFile starts a results file for suite on workload, stamped with this
// binary's identity and the machine's environment. It starts incomplete: the
// runner calls MarkComplete after the last benchmark, so a crash or SIGINT
// leaves an honest file.
func NewFile(suite string, workload Fingerprint) *File {
	bi := buildinfo.Get()
	return &File{
		Schema:           Schema,
		Tool:             Tool{Name: "hivebench", Version: bi.Version, Commit: bi.Commit, Dirty: bi.Dirty},
		Env:              CaptureEnv(),
		Workload:         workload,
		Suite:            suite,
		IncompleteReason: "run in progress",
	}
}

// MarkComplete records that every benchmark of the suite ran.
func (f *File) MarkComplete() {
	f.Complete = true
	f.IncompleteReason = ""
}

// MarkIncomplete records that the run stopped early and why (e.g.
// "interrupted by SIGINT after 3 of 7 benchmarks").
func (f *File) MarkIncomplete(reason string) {
	f.Complete = false
	if reason == "" {
		reason = "unspecified"
	}
	f.IncompleteReason = reason
}

// Add appends a benchmark.
func (f *File) Add(b Benchmark) {
	f.Benchmarks = append(f.Benchmarks, b)
}

// Benchmark returns the benchmark named name.
func (f *File) Benchmark(name string) (*Benchmark, bool) {
	for i := range f.Benchmarks {
		if f.Benchmarks[i].Name == name {
			return &f.Benchmarks[i], true
		}
	}
	return nil, false
}

// Label is how errors and reports name the file: its path when known.
func (f *File) Label() string {
	if f.Source != "" {
		return f.Source
	}
	return "results"
}

// When is the run's date, for listings.
func (f *File) When() time.Time { return f.Env.Date }
