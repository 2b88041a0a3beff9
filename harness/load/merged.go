package load

import (
	"fmt"
	"slices"
	"time"

	"github.com/hiveperf/hive/harness/results"
)

// MergeCounts adds up the counts of the N segments of one run: requests,
// errors, arrivals and drops add up, and so does throughput, since the
// segments offer their shares side by side; the window is the longest
// segment's. The segments must agree on the model, the thresholds and the
// declared latency: they are one scenario.
func MergeCounts(parts []*results.LoadCounts) (*results.LoadCounts, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("no load counts to merge")
	}
	first := parts[0]
	out := &results.LoadCounts{Model: first.Model, Thresholds: slices.Clone(first.Thresholds), DeclaredNS: first.DeclaredNS}
	at := map[string]int{}
	for i, p := range parts {
		switch {
		case p.Model != first.Model:
			return nil, fmt.Errorf("segment %d ran the %s model but segment 0 the %s model; the segments of one run share a scenario", i, p.Model, first.Model)
		case !slices.Equal(p.Thresholds, first.Thresholds):
			return nil, fmt.Errorf("segment %d has thresholds %q but segment 0 %q; the segments of one run share a scenario", i, p.Thresholds, first.Thresholds)
		case p.DeclaredNS != first.DeclaredNS:
			return nil, fmt.Errorf("segment %d declared %v per run but segment 0 %v; the segments of one run share the mock's latency model", i, time.Duration(p.DeclaredNS), time.Duration(first.DeclaredNS))
		}
		out.WindowNS = max(out.WindowNS, p.WindowNS)
		out.Arrivals += p.Arrivals
		out.Dropped += p.Dropped
		out.Interrupted += p.Interrupted
		for _, k := range p.Kinds {
			j, ok := at[k.Kind]
			if !ok {
				j = len(out.Kinds)
				at[k.Kind] = j
				out.Kinds = append(out.Kinds, results.LoadKind{Kind: k.Kind})
			}
			m := &out.Kinds[j]
			m.Requests += k.Requests
			m.OK += k.OK
			m.Errors += k.Errors
			m.Throughput += k.Throughput
			for c, n := range k.ErrorsByClass {
				if m.ErrorsByClass == nil {
					m.ErrorsByClass = map[string]int64{}
				}
				m.ErrorsByClass[c] += n
			}
		}
	}
	return out, nil
}

// JudgeFile evaluates the thresholds a load results file carries (its
// LoadCounts) on the file's own samples and counts: what `hivebench merge`
// does once for the union of a run's segments. A kind whose successful
// requests do not match its latency samples in number is refused: the
// thresholds would be judged on something else than what was counted.
func JudgeFile(f *results.File) ([]ThresholdResult, error) {
	c := f.Load
	if c == nil {
		return nil, fmt.Errorf("%s has no load counts (it was not written by hivebench load)", f.Label())
	}
	rep := &Report{Scenario: Scenario{Model: Model(c.Model), Thresholds: c.Thresholds}, Arrivals: c.Arrivals, Dropped: c.Dropped,
		Interrupted: c.Interrupted, Window: time.Duration(c.WindowNS), declared: time.Duration(c.DeclaredNS), lat: map[string][]float64{}}
	all := KindStats{Kind: "all"}
	for _, k := range c.Kinds {
		if _, err := ParseKind(k.Kind); err != nil {
			return nil, fmt.Errorf("%s: load.kinds: %v", f.Label(), err)
		}
		var samples []float64
		if b, ok := f.Benchmark(kindBench[Kind(k.Kind)]); ok {
			samples = slices.Clone(b.Samples)
		}
		if int64(len(samples)) != k.OK {
			return nil, fmt.Errorf("%s: load.kinds says %d %s requests succeeded but %s has %d latency samples", f.Label(), k.OK, k.Kind, kindBench[Kind(k.Kind)], len(samples))
		}
		slices.Sort(samples)
		rep.lat[k.Kind] = samples
		rep.lat[""] = append(rep.lat[""], samples...)
		rep.Kinds = append(rep.Kinds, KindStats{Kind: k.Kind, Requests: k.Requests, OK: k.OK, Errors: k.Errors, Throughput: k.Throughput, ErrorsByClass: k.ErrorsByClass})
		all.Requests += k.Requests
		all.OK += k.OK
		all.Errors += k.Errors
		all.Throughput += k.Throughput
	}
	rep.All = all
	slices.Sort(rep.lat[""])
	if b, ok := f.Benchmark(BenchOverhead); ok {
		rep.lat[overheadScope] = slices.Sorted(slices.Values(b.Samples))
	}
	var out []ThresholdResult
	for _, e := range c.Thresholds {
		t, err := ParseThreshold(e)
		if err != nil {
			return nil, fmt.Errorf("%s: load.thresholds: %v", f.Label(), err)
		}
		out = append(out, t.Evaluate(rep, rep.declared))
	}
	return out, nil
}
