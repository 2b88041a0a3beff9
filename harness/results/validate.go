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
	var p problems
	if f.Schema != Schema {
		p.add("schema is %d; this hivebench writes and reads schema %d", f.Schema, Schema)
	}
	if f.Tool.Name == "" {
		p.missing("tool.name")
	}
	if f.Tool.Version == "" {
		p.missing("tool.version")
	}
	p.env(f.Env)
	p.workload(f.Workload)
	if f.Suite == "" {
		p.missing("suite")
	}
	if f.Subject != nil {
		if f.Subject.Name == "" {
			p.missing("subject.name")
		} else if f.Subject.Name == "hive" {
			p.add("subject.name is \"hive\"; a hive run has no subject field")
		}
		if f.Subject.SHA256 == "" {
			p.missing("subject.sha256")
		}
	}
	switch {
	case f.Complete && f.IncompleteReason != "":
		p.add("complete is true but incomplete_reason is %q; a complete run has no reason", f.IncompleteReason)
	case !f.Complete && f.IncompleteReason == "":
		p.add("complete is false (or missing) but incomplete_reason is empty; a partial run must say why it stopped")
	case f.Complete && len(f.Benchmarks) == 0:
		p.add("complete is true but benchmarks is empty")
	}
	p.parts(f)
	seen := map[string]int{}
	for i, b := range f.Benchmarks {
		p.benchmark(i, b, seen)
	}
	if len(p) > 0 {
		return &ValidationError{File: f.Label(), Problems: p}
	}
	return nil
}

// problems collects everything wrong with a file, in the order of its
// fields, so that Validate reports it all at once.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p *problems) missing(field string) { p.add("missing required field %s", field) }

func (p *problems) env(e Env) {
	if e.CPUModel == "" {
		p.missing(`env.cpu_model (write "unknown" when it cannot be read)`)
	}
	if e.Cores <= 0 {
		p.add("env.cores is %d; it must be the number of logical CPUs (≥ 1)", e.Cores)
	}
	if e.OS == "" {
		p.missing("env.os")
	}
	if e.Arch == "" {
		p.missing("env.arch")
	}
	if e.GoVersion == "" {
		p.missing("env.go_version")
	}
	if e.Commit == "" {
		p.missing(`env.commit (write "unknown" when the build has no VCS stamp)`)
	}
	if e.Date.IsZero() {
		p.missing("env.date")
	}
	if e.HostHash == "" {
		p.missing("env.host_hash")
	}
}

// workload checks a fingerprint; the zero one (no workload) is valid.
func (p *problems) workload(w Fingerprint) {
	if w.IsZero() {
		return
	}
	if w.Name == "" {
		p.missing("workload.name")
	}
	if !hashRE.MatchString(w.Hash) {
		p.add("workload.hash is %q; it must be \"sha256:\" and 64 lower-case hex digits", w.Hash)
	}
	if w.Content != "" && !hashRE.MatchString(w.Content) {
		p.add("workload.content is %q; it must be \"sha256:\" and 64 lower-case hex digits (or absent)", w.Content)
	}
	if w.Files < 0 || w.Bytes < 0 {
		p.add("workload.files (%d) and workload.bytes (%d) must not be negative", w.Files, w.Bytes)
	}
}

// parts checks the shard, segment and merge records.
func (p *problems) parts(f *File) {
	part := func(field string, x *Part) {
		if x == nil {
			return
		}
		if x.Count < 1 || x.Count > MaxParts || x.Index < 0 || x.Index >= x.Count {
			p.add("%s is %d/%d; want index 0 ≤ I < count N ≤ %d", field, x.Index, x.Count, MaxParts)
		}
		if x.Files < 0 || x.Bytes < 0 {
			p.add("%s.files (%d) and %s.bytes (%d) must not be negative", field, x.Files, field, x.Bytes)
		}
	}
	part("shard", f.Shard)
	part("segment", f.Segment)
	if f.Shard != nil && f.Segment != nil {
		p.add("shard and segment are both set; a file is a shard of a replay or a segment of a load run, not both")
	}
	if m := f.Merged; m != nil {
		if f.Shard != nil || f.Segment != nil {
			p.add("merged is set with a shard or segment; a merged file is the whole run")
		}
		if m.Of != "shard" && m.Of != "segment" {
			p.add("merged.of is %q; want \"shard\" or \"segment\"", m.Of)
		}
		if m.Count < 1 || m.Count > MaxParts || len(m.Parts) != m.Count {
			p.add("merged.count is %d with %d parts; want 1 to %d, one part each", m.Count, len(m.Parts), MaxParts)
		}
		for i, x := range m.Parts {
			if x.Index != i {
				p.add("merged.parts[%d].index is %d; the parts are listed in index order", i, x.Index)
			}
		}
	}
	if l := f.Load; l != nil {
		if l.Model != "open" && l.Model != "closed" {
			p.add("load.model is %q; want \"open\" or \"closed\"", l.Model)
		}
		if l.WindowNS < 0 || l.Arrivals < 0 || l.Dropped < 0 || l.Interrupted < 0 || l.DeclaredNS < 0 {
			p.add("load.window_ns, arrivals, dropped, interrupted and declared_ns must not be negative")
		}
		for i, k := range l.Kinds {
			if k.Kind == "" {
				p.missing(fmt.Sprintf("load.kinds[%d].kind", i))
			}
			if k.Requests < 0 || k.OK < 0 || k.Errors < 0 || k.OK+k.Errors != k.Requests {
				p.add("load.kinds[%d] (%s): requests %d, ok %d, errors %d; want ok + errors = requests, none negative", i, k.Kind, k.Requests, k.OK, k.Errors)
			}
			if math.IsNaN(k.Throughput) || math.IsInf(k.Throughput, 0) || k.Throughput < 0 {
				p.add("load.kinds[%d].throughput_per_s is %v; want a finite number ≥ 0", i, k.Throughput)
			}
		}
	}
}

// benchmark checks benchmarks[i]; seen maps the names of the benchmarks
// before it to their indexes, and gets b's.
func (p *problems) benchmark(i int, b Benchmark, seen map[string]int) {
	at := fmt.Sprintf("benchmarks[%d]", i)
	if b.Name != "" {
		at = fmt.Sprintf("benchmarks[%d] (%s)", i, b.Name)
	}
	if b.Name == "" {
		p.missing(fmt.Sprintf("benchmarks[%d].name", i))
	} else if fam, err := CheckName(b.Name); err != nil {
		p.add("%s.name: %v", at, err)
	} else if b.Metric == "" {
		p.missing(at + ".metric")
	} else if b.Metric != fam {
		p.add("%s.metric is %q but the name says family %q", at, b.Metric, fam)
	}
	if j, dup := seen[b.Name]; dup && b.Name != "" {
		p.add("%s duplicates benchmarks[%d]; each benchmark appears once", at, j)
	}
	seen[b.Name] = i
	if b.Unit == "" {
		p.missing(at + ".unit")
	} else if _, err := ParseUnit(b.Unit); err != nil {
		p.add("%s.unit: %v", at, err)
	}
	switch b.Direction {
	case LowerIsBetter, HigherIsBetter:
	case "":
		p.missing(at + `.direction ("lower" or "higher")`)
	default:
		p.add("%s.direction is %q; it must be \"lower\" or \"higher\"", at, b.Direction)
	}
	switch {
	case b.Aggregates != nil && len(b.Samples) > 0:
		p.add("%s has both samples and aggregates; aggregates stand in for samples a tool did not give, so keep one of them", at)
	case b.Aggregates != nil:
		p.aggregates(at, b)
	case len(b.Samples) == 0:
		p.add("%s.samples is empty; a benchmark without samples must be left out of the file", at)
	}
	for k, v := range b.Samples {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			p.add("%s.samples[%d] is %v; samples must be finite", at, k, v)
			break
		}
	}
	if b.Summary.N != len(b.Samples) {
		p.add("%s.summary.n is %d but there are %d samples; recompute the summary from the samples", at, b.Summary.N, len(b.Samples))
	}
	if !finiteSummary(b) {
		p.add("%s.summary has a non-finite value", at)
	}
	for k, x := range b.Extra {
		if x.Name == "" {
			p.missing(fmt.Sprintf("%s.extra[%d].name", at, k))
		}
		if _, err := ParseUnit(x.Unit); err != nil {
			p.add("%s.extra[%d].unit: %v", at, k, err)
		}
		if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
			p.add("%s.extra[%d].value is %v; it must be finite", at, k, x.Value)
		}
	}
}

// aggregates checks an aggregate-only benchmark: its Summary is zero
// (nothing was summarized here), every figure it has is finite, the
// quantiles it has are in order and its count is positive.
func (p *problems) aggregates(at string, b Benchmark) {
	a := b.Aggregates
	if b.Summary.N != 0 || b.Summary.P50 != 0 || b.Summary.Max != 0 || b.Summary.Min != 0 {
		p.add("%s.summary is set but the benchmark has aggregates instead of samples; leave summary empty (all zero)", at)
	}
	if a.N != nil && *a.N < 1 {
		p.add("%s.aggregates.n is %d; it must be the number of samples (≥ 1) or absent", at, *a.N)
	}
	figs := a.Figures()
	if len(figs) == 0 {
		p.add("%s.aggregates has no figure; an aggregate-only benchmark needs at least one of min, p50, p90, p95, p99, max, mean, stddev", at)
	}
	prev, last := "", 0.0
	for _, f := range figs {
		if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
			p.add("%s.aggregates.%s is %v; it must be finite", at, f.Name, f.Value)
			continue
		}
		switch f.Name {
		case "mean":
		case "stddev":
			if f.Value < 0 {
				p.add("%s.aggregates.stddev is %v; it must not be negative", at, f.Value)
			}
		default: // quantiles, in order
			if prev != "" && f.Value < last {
				p.add("%s.aggregates.%s (%v) is below %s (%v); quantiles must not decrease", at, f.Name, f.Value, prev, last)
			}
			prev, last = f.Name, f.Value
		}
	}
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
