package load

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/atomicfile"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Report is the outcome of one run. Its JSON form (WriteJSON) is the load
// generator's full report; ToResults converts the measurements into a
// harness/results file for baselines and the gate.
type Report struct {
	Scenario  Scenario  `json:"scenario"`
	Target    string    `json:"target"`
	ServerPID int       `json:"server_pid,omitempty"` // set when the harness started the server
	Started   time.Time `json:"started"`
	// DeclaredMS is the declared upstream latency of one run of the mock
	// the harness started (MockLatency.Declared), in ms; 0 when unknown.
	DeclaredMS float64 `json:"declared_latency_ms,omitempty"`
	// Window is the time requests were issued (the duration, unless the run
	// was interrupted or hit its request cap); Elapsed runs on to the last
	// answer. Throughput is per second of the window: for an open model the
	// successful requests among the arrivals scheduled in it (the offered
	// rate minus drops and errors; their answers may come after it), for a
	// closed model the successful answers that arrived within it (the
	// answers to the requests in flight at the end are left out, as they
	// would double-count the drain).
	Window  time.Duration `json:"window_ns"`
	Elapsed time.Duration `json:"elapsed_ns"`
	// Complete is false when the run was interrupted or stopped at the
	// request cap; IncompleteReason says which.
	Complete         bool   `json:"complete"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`
	Warmup           string `json:"warmup,omitempty"`
	MaxRequests      int64  `json:"max_requests"`
	// Arrivals and Dropped are the open model's scheduled arrivals whose
	// fate was decided and those dropped for want of an in-flight slot.
	Arrivals int64 `json:"arrivals"`
	Dropped  int64 `json:"dropped"`
	// Interrupted counts requests cut by the end of the run (Ctrl-C, or
	// still running a second past their timeout); they are neither ok nor
	// errors and are left out of every other count.
	Interrupted int64        `json:"interrupted"`
	Kinds       []KindStats  `json:"kinds"`
	All         KindStats    `json:"all"`
	Errors      []ErrorCount `json:"errors,omitempty"`
	// Overhead is the engine overhead that successful consensus replies
	// reported (overhead_ms: run wall time minus time waiting upstream).
	Overhead *Latency `json:"engine_overhead,omitempty"`
	// IssueLag is, for an open model, how long after its scheduled time each
	// request was handed to the HTTP client: waiting for an in-flight slot,
	// or the generator falling behind. A large lag with no drops means the
	// generator, not the server, was the bottleneck.
	IssueLag   *Latency          `json:"issue_lag,omitempty"`
	Memory     MemoryReport      `json:"memory"`
	Thresholds []ThresholdResult `json:"thresholds,omitempty"`
	Soak       *SoakReport       `json:"soak,omitempty"`

	lat     map[string][]float64 // sorted latencies in ns by scope ("" = all kinds)
	samples []sample
	t0      time.Time // the run's zero: sample.at is relative to it
}

// KindStats are the counts and latency of one request kind (or of all).
type KindStats struct {
	Kind     string `json:"kind"`
	Requests int64  `json:"requests"` // answered or failed; interrupted ones excluded
	OK       int64  `json:"ok"`
	Errors   int64  `json:"errors"`
	// Throughput is successful requests per second of the window (see
	// Report.Window for what is counted in each model).
	Throughput    float64          `json:"throughput_per_s"`
	Latency       *Latency         `json:"latency,omitempty"` // successful requests only
	ErrorsByClass map[string]int64 `json:"errors_by_class,omitempty"`
}

// Latency is the distribution of a time, from harness/stats (type-7
// percentiles), in milliseconds.
type Latency struct {
	N      int     `json:"n"`
	MinMS  float64 `json:"min_ms"`
	P50MS  float64 `json:"p50_ms"`
	P90MS  float64 `json:"p90_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
	MaxMS  float64 `json:"max_ms"`
	MeanMS float64 `json:"mean_ms"`
	// Summary is the full summary in nanoseconds, as results files store it.
	Summary stats.Summary `json:"-"`
	samples []float64
}

func newLatency(ns []float64) *Latency {
	if len(ns) == 0 {
		return nil
	}
	s := stats.Summarize(ns)
	return &Latency{N: s.N, MinMS: s.Min / 1e6, P50MS: s.P50 / 1e6, P90MS: s.P90 / 1e6, P95MS: s.P95 / 1e6,
		P99MS: s.P99 / 1e6, MaxMS: s.Max / 1e6, MeanMS: s.Mean / 1e6, Summary: s, samples: ns}
}

// ErrorCount is one error class: how often, for which kinds, and the first
// message seen.
type ErrorCount struct {
	Class   string           `json:"class"`
	Count   int64            `json:"count"`
	ByKind  map[string]int64 `json:"by_kind"`
	Example string           `json:"example,omitempty"`
}

// build aggregates the recorder's samples into the report.
func (rep *Report) build(rec *recorder) {
	rep.samples = rec.samples
	rep.lat = map[string][]float64{}
	perKind := make([]KindStats, len(Kinds))
	for i, k := range Kinds {
		perKind[i] = KindStats{Kind: string(k), ErrorsByClass: map[string]int64{}}
	}
	errs := map[string]*ErrorCount{}
	var overhead []float64
	window := rep.Window
	open := rep.Scenario.Model == Open
	for _, s := range rec.samples {
		if s.class == classInterrupted {
			rep.Interrupted++
			continue
		}
		ks := &perKind[kindIndex(s.kind)]
		ks.Requests++
		if s.class != "" {
			ks.Errors++
			ks.ErrorsByClass[s.class]++
			e := errs[s.class]
			if e == nil {
				e = &ErrorCount{Class: s.class, ByKind: map[string]int64{}, Example: rec.examples[s.class]}
				errs[s.class] = e
			}
			e.Count++
			e.ByKind[string(s.kind)]++
			continue
		}
		ks.OK++
		if open || s.at+s.latency <= window {
			ks.Throughput++
		}
		rep.lat[string(s.kind)] = append(rep.lat[string(s.kind)], float64(s.latency))
		rep.lat[""] = append(rep.lat[""], float64(s.latency))
		if s.overhead >= 0 {
			overhead = append(overhead, float64(s.overhead))
		}
	}
	all := KindStats{Kind: "all", ErrorsByClass: map[string]int64{}}
	for i := range perKind {
		ks := &perKind[i]
		if ks.Requests == 0 && rep.Scenario.Weight(Kinds[i]) == 0 {
			continue
		}
		all.Requests += ks.Requests
		all.OK += ks.OK
		all.Errors += ks.Errors
		all.Throughput += ks.Throughput
		for c, n := range ks.ErrorsByClass {
			all.ErrorsByClass[c] += n
		}
		if window > 0 {
			ks.Throughput /= window.Seconds()
		}
		ks.Latency = newLatency(rep.lat[ks.Kind])
		if len(ks.ErrorsByClass) == 0 {
			ks.ErrorsByClass = nil
		}
		rep.Kinds = append(rep.Kinds, *ks)
	}
	if window > 0 {
		all.Throughput /= window.Seconds()
	}
	all.Latency = newLatency(rep.lat[""])
	if len(all.ErrorsByClass) == 0 {
		all.ErrorsByClass = nil
	}
	rep.All = all
	for _, e := range errs {
		rep.Errors = append(rep.Errors, *e)
	}
	slices.SortFunc(rep.Errors, func(a, b ErrorCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Class, b.Class))
	})
	for _, xs := range rep.lat {
		slices.Sort(xs)
	}
	slices.Sort(overhead)
	rep.lat[overheadScope] = overhead
	rep.Overhead = newLatency(overhead)
	rep.IssueLag = newLatency(rec.lags)
}

// latencies returns the sorted successful latencies (ns) of a scope: ""
// for all kinds, a kind name, or "overhead".
func (rep *Report) latencies(scope string) []float64 { return rep.lat[scope] }

// scopeStats returns the stats of a kind, or of all kinds for "".
func (rep *Report) scopeStats(scope string) KindStats {
	if scope == "" {
		return rep.All
	}
	for _, k := range rep.Kinds {
		if k.Kind == scope {
			return k
		}
	}
	return KindStats{Kind: scope}
}

// Kind returns the stats of kind k (zero when the run had none).
func (rep *Report) Kind(k Kind) KindStats { return rep.scopeStats(string(k)) }

// Passed reports whether every threshold held.
func (rep *Report) Passed() bool {
	for _, t := range rep.Thresholds {
		if !t.OK {
			return false
		}
	}
	return rep.Soak == nil || rep.Soak.Passed()
}

// Failed returns the thresholds that did not hold.
func (rep *Report) Failed() []ThresholdResult {
	var out []ThresholdResult
	for _, t := range rep.Thresholds {
		if !t.OK {
			out = append(out, t)
		}
	}
	return out
}

// Verdict is the exit status of a finished run: an infrastructure error
// (exit 3) when an interrupt cut it short, a regression (exit 1) naming
// every threshold that failed (and the soak) when one did, else nil.
func (rep *Report) Verdict(interrupted bool) error {
	switch {
	case !rep.Complete && interrupted:
		return exitcode.InfraError("%s (report above is partial)", rep.IncompleteReason)
	case !rep.Passed():
		var failed []string
		for _, t := range rep.Failed() {
			failed = append(failed, t.Expr)
		}
		if rep.Soak != nil && !rep.Soak.Passed() {
			failed = append(failed, "soak")
		}
		return exitcode.RegressionError("%s failed: %s", rep.Scenario.Name, strings.Join(failed, ", "))
	}
	return nil
}

// ErrorRate is errors / requests over all kinds (0 with no requests).
func (rep *Report) ErrorRate() float64 {
	if rep.All.Requests == 0 {
		return 0
	}
	return float64(rep.All.Errors) / float64(rep.All.Requests)
}

// MarshalIndent is the report's JSON form, indented and newline-ended.
func (rep *Report) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteJSON writes the report's JSON form to path atomically and durably
// (internal/atomicfile): a reader never sees half a report, and one that
// WriteJSON returned nil for survives a crash.
func (rep *Report) WriteJSON(path string) error {
	data, err := rep.MarshalIndent()
	if err != nil {
		return exitcode.InfraError("encoding the load report: %v", err)
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		if errors.Is(err, os.ErrPermission) || errors.Is(err, os.ErrNotExist) {
			return exitcode.UsageError("--report: %v", err)
		}
		return exitcode.InfraError("--report: %v", err)
	}
	return nil
}
