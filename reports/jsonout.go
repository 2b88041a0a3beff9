package reports

import (
	"encoding/json"
	"io"
	"math"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/targets"
)

// JSONSchema is the version of the JSON report documents.
const JSONSchema = 1

type verdictCounts struct {
	Regressed    int `json:"regressed"`
	Improved     int `json:"improved"`
	Same         int `json:"same"`
	Inconclusive int `json:"inconclusive"`
}

type comparisonDoc struct {
	Kind     string        `json:"kind"`
	Schema   int           `json:"schema"`
	Base     Identity      `json:"base"`
	Head     Identity      `json:"head"`
	Counts   verdictCounts `json:"counts"`
	Results  []resultJSON  `json:"results"`
	Tier     string        `json:"tier,omitempty"`
	Outcomes []outcomeJSON `json:"outcomes,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// Missing and MissingAllowed: see Comparison.
	Missing        []gate.Missing `json:"missing,omitempty"`
	MissingAllowed bool           `json:"missing_allowed,omitempty"`
}

type runDoc struct {
	Kind      string        `json:"kind"`
	Schema    int           `json:"schema"`
	Tier      string        `json:"tier,omitempty"`
	Outcomes  []outcomeJSON `json:"outcomes,omitempty"`
	Reference []outcomeJSON `json:"reference,omitempty"`
	Warnings  []string      `json:"warnings,omitempty"`
	Results   *fileJSON     `json:"results"`
}

func comparisonJSON(w io.Writer, c Comparison) error {
	reg, imp, same, inc := c.counts()
	rs := make([]resultJSON, 0, len(c.Results))
	for _, r := range c.rows() {
		rs = append(rs, resultOf(r.Result))
	}
	return writeJSON(w, comparisonDoc{
		Kind: "comparison", Schema: JSONSchema, Base: c.baseID(), Head: c.headID(),
		Counts:  verdictCounts{reg, imp, same, inc},
		Results: rs, Tier: c.Tier, Outcomes: jsonSlice(c.Outcomes, outcomeOf), Warnings: c.Warnings,
		Missing: c.Missing, MissingAllowed: c.MissingAllowed && len(c.Missing) > 0,
	})
}

func runJSON(w io.Writer, r Run) error {
	return writeJSON(w, runDoc{
		Kind: "run", Schema: JSONSchema, Tier: r.Tier,
		Outcomes: jsonSlice(r.Outcomes, outcomeOf), Reference: jsonSlice(r.Reference, outcomeOf),
		Warnings: runWarnings(r), Results: fileOf(r.File),
	})
}

// writeJSON encodes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// jsonFloat is a float64 that encodes NaN and ±Inf as null. encoding/json
// refuses them outright, and a comparison legitimately has them (no p-value
// with two samples); null is the honest "no number". The documents below
// mirror the harness types field for field, with every float a jsonFloat;
// TestJSONDocsMirrorTheirTypes keeps the mirrors in step with the originals.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// jsonSlice maps xs with f, keeping nil nil so that it is still written as
// null (or omitted) as the original slice would be.
func jsonSlice[T, U any](xs []T, f func(T) U) []U {
	if xs == nil {
		return nil
	}
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// resultJSON is compare.Result.
type resultJSON struct {
	Metric    string          `json:"metric"`
	Unit      string          `json:"unit"`
	Base      summaryJSON     `json:"base"`
	Head      summaryJSON     `json:"head"`
	DeltaPct  jsonFloat       `json:"delta_pct"`
	RatioCI   intervalJSON    `json:"ratio_ci"`
	PValue    jsonFloat       `json:"p_value"`
	PAdjusted jsonFloat       `json:"p_adjusted"`
	Threshold jsonFloat       `json:"threshold"`
	Verdict   compare.Verdict `json:"verdict"`
	Note      string          `json:"note,omitempty"`
	Warnings  []string        `json:"warnings,omitempty"`
	// Aggregates says the verdict rests on aggregates (compare.Result).
	Aggregates bool `json:"aggregates,omitempty"`
}

func resultOf(r compare.Result) resultJSON {
	return resultJSON{
		Metric: r.Metric, Unit: r.Unit, Base: summaryOf(r.Base), Head: summaryOf(r.Head),
		DeltaPct: jsonFloat(r.DeltaPct), RatioCI: intervalOf(r.RatioCI),
		PValue: jsonFloat(r.PValue), PAdjusted: jsonFloat(r.PAdjusted), Threshold: jsonFloat(r.Threshold),
		Verdict: r.Verdict, Note: r.Note, Warnings: r.Warnings, Aggregates: r.Aggregates,
	}
}

// summaryJSON is stats.Summary.
type summaryJSON struct {
	N        int          `json:"n"`
	Min      jsonFloat    `json:"min"`
	P50      jsonFloat    `json:"p50"`
	P90      jsonFloat    `json:"p90"`
	P95      jsonFloat    `json:"p95"`
	P99      jsonFloat    `json:"p99"`
	Max      jsonFloat    `json:"max"`
	Mean     jsonFloat    `json:"mean"`
	Stddev   jsonFloat    `json:"stddev"`
	MAD      jsonFloat    `json:"mad"`
	MedianCI intervalJSON `json:"median_ci"`
	Outliers []int        `json:"outliers,omitempty"`
}

func summaryOf(s stats.Summary) summaryJSON {
	return summaryJSON{
		N: s.N, Min: jsonFloat(s.Min), P50: jsonFloat(s.P50), P90: jsonFloat(s.P90), P95: jsonFloat(s.P95),
		P99: jsonFloat(s.P99), Max: jsonFloat(s.Max), Mean: jsonFloat(s.Mean), Stddev: jsonFloat(s.Stddev),
		MAD: jsonFloat(s.MAD), MedianCI: intervalOf(s.MedianCI), Outliers: s.Outliers,
	}
}

// intervalJSON is stats.Interval.
type intervalJSON struct {
	Lo    jsonFloat `json:"lo"`
	Hi    jsonFloat `json:"hi"`
	Level jsonFloat `json:"level"`
}

func intervalOf(i stats.Interval) intervalJSON {
	return intervalJSON{Lo: jsonFloat(i.Lo), Hi: jsonFloat(i.Hi), Level: jsonFloat(i.Level)}
}

// outcomeJSON is targets.Outcome.
type outcomeJSON struct {
	Tier      string            `json:"tier"`
	Target    targetJSON        `json:"target"`
	Benchmark string            `json:"benchmark,omitempty"`
	Direction results.Direction `json:"direction,omitempty"`
	Measured  jsonFloat         `json:"measured"`
	Floor     jsonFloat         `json:"floor,omitempty"`
	Status    targets.Status    `json:"status"`
	Detail    string            `json:"detail"`
	Marginal  bool              `json:"marginal,omitempty"`
	Bounds    *boundsJSON       `json:"bounds,omitempty"`
}

func outcomeOf(o targets.Outcome) outcomeJSON {
	out := outcomeJSON{
		Tier: o.Tier, Target: targetOf(o.Target), Benchmark: o.Benchmark, Direction: o.Direction,
		Measured: jsonFloat(o.Measured), Floor: jsonFloat(o.Floor), Status: o.Status, Detail: o.Detail, Marginal: o.Marginal,
	}
	if b := o.Bounds; b != nil {
		out.Bounds = &boundsJSON{Q: jsonFloat(b.Q), Level: jsonFloat(b.Level),
			Lo: jsonFloat(b.Lo), LoOK: b.LoOK, Hi: jsonFloat(b.Hi), HiOK: b.HiOK}
	}
	return out
}

// targetJSON is targets.Target.
type targetJSON struct {
	Metric     string            `json:"metric"`
	Statistic  targets.Statistic `json:"statistic"`
	Bound      jsonFloat         `json:"bound"`
	Unit       string            `json:"unit"`
	Provenance string            `json:"provenance"`
	Note       string            `json:"note,omitempty"`
	Over       string            `json:"over,omitempty"`
}

func targetOf(t targets.Target) targetJSON {
	return targetJSON{Metric: t.Metric, Statistic: t.Statistic, Bound: jsonFloat(t.Bound),
		Unit: t.Unit, Provenance: t.Provenance, Note: t.Note, Over: t.Over}
}

// boundsJSON is stats.QuantileBounds.
type boundsJSON struct {
	Q     jsonFloat `json:"q"`
	Level jsonFloat `json:"level"`
	Lo    jsonFloat `json:"lo"`
	LoOK  bool      `json:"lo_known"`
	Hi    jsonFloat `json:"hi"`
	HiOK  bool      `json:"hi_known"`
}

// fileJSON is results.File.
type fileJSON struct {
	Schema           int                 `json:"schema"`
	Tool             results.Tool        `json:"tool"`
	Env              results.Env         `json:"env"`
	Workload         results.Fingerprint `json:"workload"`
	Suite            string              `json:"suite"`
	Shard            *results.Part       `json:"shard,omitempty"`
	Segment          *results.Part       `json:"segment,omitempty"`
	Merged           *results.Merged     `json:"merged,omitempty"`
	Load             *loadCountsJSON     `json:"load,omitempty"`
	Subject          *results.Subject    `json:"subject,omitempty"`
	Complete         bool                `json:"complete"`
	IncompleteReason string              `json:"incomplete_reason,omitempty"`
	Benchmarks       []benchmarkJSON     `json:"benchmarks"`
}

// loadCountsJSON is results.LoadCounts.
type loadCountsJSON struct {
	Model       string         `json:"model"`
	Thresholds  []string       `json:"thresholds,omitempty"`
	DeclaredNS  int64          `json:"declared_ns,omitempty"`
	WindowNS    int64          `json:"window_ns"`
	Arrivals    int64          `json:"arrivals"`
	Dropped     int64          `json:"dropped"`
	Interrupted int64          `json:"interrupted"`
	Kinds       []loadKindJSON `json:"kinds"`
}

// loadKindJSON is results.LoadKind.
type loadKindJSON struct {
	Kind          string           `json:"kind"`
	Requests      int64            `json:"requests"`
	OK            int64            `json:"ok"`
	Errors        int64            `json:"errors"`
	Throughput    jsonFloat        `json:"throughput_per_s"`
	ErrorsByClass map[string]int64 `json:"errors_by_class,omitempty"`
}

func loadCountsOf(c *results.LoadCounts) *loadCountsJSON {
	if c == nil {
		return nil
	}
	return &loadCountsJSON{
		Model: c.Model, Thresholds: c.Thresholds, DeclaredNS: c.DeclaredNS, WindowNS: c.WindowNS,
		Arrivals: c.Arrivals, Dropped: c.Dropped, Interrupted: c.Interrupted,
		Kinds: jsonSlice(c.Kinds, func(k results.LoadKind) loadKindJSON {
			return loadKindJSON{Kind: k.Kind, Requests: k.Requests, OK: k.OK, Errors: k.Errors,
				Throughput: jsonFloat(k.Throughput), ErrorsByClass: k.ErrorsByClass}
		}),
	}
}

func fileOf(f *results.File) *fileJSON {
	if f == nil {
		return nil
	}
	return &fileJSON{
		Schema: f.Schema, Tool: f.Tool, Env: f.Env, Workload: f.Workload, Suite: f.Suite,
		Shard: f.Shard, Segment: f.Segment, Merged: f.Merged, Load: loadCountsOf(f.Load), Subject: f.Subject,
		Complete: f.Complete, IncompleteReason: f.IncompleteReason,
		Benchmarks: jsonSlice(f.Benchmarks, benchmarkOf),
	}
}

// benchmarkJSON is results.Benchmark.
type benchmarkJSON struct {
	Name       string            `json:"name"`
	Metric     results.Family    `json:"metric"`
	Unit       string            `json:"unit"`
	Direction  results.Direction `json:"direction"`
	Samples    []jsonFloat       `json:"samples"`
	Summary    summaryJSON       `json:"summary"`
	Extra      []figureJSON      `json:"extra,omitempty"`
	Label      string            `json:"label,omitempty"`
	Aggregates *aggregatesJSON   `json:"aggregates,omitempty"`
}

// aggregatesJSON is results.Aggregates.
type aggregatesJSON struct {
	N      *int       `json:"n,omitempty"`
	Min    *jsonFloat `json:"min,omitempty"`
	P50    *jsonFloat `json:"p50,omitempty"`
	P90    *jsonFloat `json:"p90,omitempty"`
	P95    *jsonFloat `json:"p95,omitempty"`
	P99    *jsonFloat `json:"p99,omitempty"`
	Max    *jsonFloat `json:"max,omitempty"`
	Mean   *jsonFloat `json:"mean,omitempty"`
	Stddev *jsonFloat `json:"stddev,omitempty"`
}

func aggregatesOf(a *results.Aggregates) *aggregatesJSON {
	if a == nil {
		return nil
	}
	f := func(v *float64) *jsonFloat {
		if v == nil {
			return nil
		}
		x := jsonFloat(*v)
		return &x
	}
	return &aggregatesJSON{N: a.N, Min: f(a.Min), P50: f(a.P50), P90: f(a.P90), P95: f(a.P95), P99: f(a.P99), Max: f(a.Max), Mean: f(a.Mean), Stddev: f(a.Stddev)}
}

func benchmarkOf(b results.Benchmark) benchmarkJSON {
	return benchmarkJSON{
		Name: b.Name, Metric: b.Metric, Unit: b.Unit, Direction: b.Direction,
		Samples: jsonSlice(b.Samples, func(x float64) jsonFloat { return jsonFloat(x) }),
		Summary: summaryOf(b.Summary),
		Extra: jsonSlice(b.Extra, func(f results.Figure) figureJSON {
			return figureJSON{Name: f.Name, Value: jsonFloat(f.Value), Unit: f.Unit}
		}),
		Label: b.Label, Aggregates: aggregatesOf(b.Aggregates),
	}
}

// figureJSON is results.Figure.
type figureJSON struct {
	Name  string    `json:"name"`
	Value jsonFloat `json:"value"`
	Unit  string    `json:"unit"`
}
