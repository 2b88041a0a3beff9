package suite

import (
	"fmt"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
)

// aggregateInput is pairInput for a benchmark that one side (or both)
// has only as a tool's aggregates (an aggregate-only import): compare's
// rule for aggregates judges it. A side with samples keeps them (compare
// reduces them to the same figures); a side with aggregates needs min,
// median and max, converted to head's unit.
func aggregateInput(bb, hb results.Benchmark, th Thresholds) (*compare.Input, string) {
	in := &compare.Input{Metric: hb.Name, Unit: hb.Unit, Policy: th.Policy(hb.Name, Direction(hb.Direction))}
	for _, side := range []struct {
		name    string
		b       results.Benchmark
		samples *[]float64
		agg     **compare.Aggregate
	}{{"base", bb, &in.Base, &in.BaseAgg}, {"head", hb, &in.Head, &in.HeadAgg}} {
		if !side.b.AggregateOnly() {
			s, err := convertAll(side.b.Samples, side.b.Unit, hb.Unit)
			if err != nil {
				return nil, fmt.Sprintf("%s: base is in %s and head in %s, which do not convert: not compared", hb.Name, bb.Unit, hb.Unit)
			}
			*side.samples = s
			continue
		}
		a := side.b.Aggregates
		if a.Min == nil || a.P50 == nil || a.Max == nil {
			return nil, fmt.Sprintf("%s: %s has aggregates without min, median and max, which the rule for aggregates needs: not compared", hb.Name, side.name)
		}
		v, err := convertAll([]float64{*a.Min, *a.P50, *a.Max}, side.b.Unit, hb.Unit)
		if err != nil {
			return nil, fmt.Sprintf("%s: base is in %s and head in %s, which do not convert: not compared", hb.Name, bb.Unit, hb.Unit)
		}
		agg := &compare.Aggregate{Min: v[0], P50: v[1], Max: v[2]}
		if a.N != nil {
			agg.N = *a.N
		}
		*side.agg = agg
	}
	warn := ""
	if bb.Direction != hb.Direction {
		warn = fmt.Sprintf("%s: base says %s is better and head %s; judged as head says", hb.Name, bb.Direction, hb.Direction)
	}
	return in, warn
}

func convertAll(vs []float64, from, to string) ([]float64, error) {
	if from == to {
		return vs, nil
	}
	out := make([]float64, len(vs))
	for i, v := range vs {
		c, err := results.Convert(v, from, to)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
