package compare

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeparationP(t *testing.T) {
	a := Aggregate{N: 10, Min: 1, P50: 1.5, Max: 2}
	cases := []struct {
		name       string
		base, head Aggregate
		want       float64
	}{
		{"apart, 10 and 10", a, Aggregate{N: 10, Min: 3, P50: 3.5, Max: 4}, 2.0 / 184756},
		{"apart the other way", Aggregate{N: 10, Min: 3, P50: 3.5, Max: 4}, a, 2.0 / 184756},
		{"apart, 3 and 2", Aggregate{N: 3, Min: 1, P50: 1, Max: 1}, Aggregate{N: 2, Min: 2, P50: 2, Max: 2}, 2.0 / 10},
		{"touching", a, Aggregate{N: 10, Min: 2, P50: 3, Max: 4}, 1},
		{"overlapping", a, Aggregate{N: 10, Min: 1.9, P50: 3, Max: 4}, 1},
		{"count unknown", a, Aggregate{Min: 3, P50: 3.5, Max: 4}, 1},
		{"huge counts do not overflow", Aggregate{N: 5000, Min: 1, P50: 1, Max: 1}, Aggregate{N: 5000, Min: 2, P50: 2, Max: 2}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := separationP(c.base, c.head)
			assert.False(t, math.IsNaN(got))
			assert.InDelta(t, c.want, got, 1e-12)
		})
	}
}

func agg(n int, lo, med, hi float64) *Aggregate { return &Aggregate{N: n, Min: lo, P50: med, Max: hi} }

// spread returns n samples evenly from lo to hi.
func spread(n int, lo, hi float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}

// The rule for aggregates: a regression needs every head value beyond
// every base value by more than the threshold, and that separation to be
// significant for the counts; without counts nothing is decided.
func TestAggregatesRule(t *testing.T) {
	base := agg(30, 12.7, 13.6, 17.4)
	cases := []struct {
		name    string
		in      Input
		verdict Verdict
		note    string
	}{
		{"the same aggregates", Input{BaseAgg: base, HeadAgg: base}, Inconclusive, "aggregates only: the ranges are not apart by more than 5%"},
		{"apart by more than the threshold", Input{BaseAgg: base, HeadAgg: agg(30, 18.5, 19.0, 21)}, Regressed,
			"aggregates only: every head value is beyond every base value by more than 5% (base 12.7…17.4, head 18.5…21; median +39.7%), p=1.7e-17 after Holm"},
		{"better by more than the threshold", Input{BaseAgg: agg(30, 18.5, 19.0, 21), HeadAgg: base}, Improved, "aggregates only: every head value is better than every base value"},
		{"apart by less than the threshold", Input{BaseAgg: base, HeadAgg: agg(30, 17.5, 18, 19)}, Inconclusive, "not apart by more than 5%"},
		{"medians far apart, ranges overlapping", Input{BaseAgg: base, HeadAgg: agg(30, 13, 16.4, 30)}, Inconclusive, "not apart by more than 5%"},
		{"counts not reported", Input{BaseAgg: &Aggregate{Min: 1, P50: 1, Max: 1}, HeadAgg: &Aggregate{Min: 5, P50: 5, Max: 5}}, Inconclusive,
			"aggregates only, and the number of samples behind them was not reported: no test is possible (median +400.0%)"},
		{"too few samples", Input{BaseAgg: agg(3, 1, 1, 1), HeadAgg: agg(3, 5, 5, 5)}, Inconclusive, "aggregates only: too few samples: base 3, head 3"},
		{"higher is better", Input{BaseAgg: base, HeadAgg: agg(30, 18.5, 19.0, 21), Policy: Policy{Direction: HigherIsBetter}}, Improved, "better than every base value"},
		{"samples against aggregates", Input{Base: spread(20, 12, 14), HeadAgg: agg(30, 18.5, 19.0, 21)}, Regressed, "base 12…14, head 18.5…21"},
		{"aggregates out of order", Input{BaseAgg: agg(30, 5, 4, 6), HeadAgg: base}, Inconclusive, "invalid input: metric \"m\": base aggregates: min 5, median 4 and max 6 are not in order"},
		{"a side with nothing", Input{HeadAgg: base}, Inconclusive, "invalid input: metric \"m\": base has neither samples nor aggregates"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Metric, c.in.Unit = "m", "ms"
			rs := CompareAll([]Input{c.in})
			require.Len(t, rs, 1)
			r := rs[0]
			assert.Equal(t, c.verdict, r.Verdict)
			assert.Contains(t, r.Note, c.note)
			assert.True(t, r.Aggregates)
			assert.Equal(t, 0.0, r.RatioCI.Lo, "no ratio CI from aggregates")
			if r.Note[:7] != "invalid" {
				require.NotEmpty(t, r.Warnings)
				assert.Contains(t, r.Warnings[0], "the verdict rests on aggregates")
			}
		})
	}
}

// Holm counts a metric judged on aggregates like any other: beside many
// metrics its separation must be stronger.
func TestAggregatesTakePartInHolm(t *testing.T) {
	apart := Input{Metric: "a", Unit: "ms", BaseAgg: agg(10, 1, 1.5, 2), HeadAgg: agg(10, 3, 3.5, 4)}
	r := CompareAll([]Input{apart})[0]
	require.Equal(t, Regressed, r.Verdict)
	assert.InDelta(t, 2.0/184756, r.PAdjusted, 1e-15)
	inputs := []Input{apart}
	for i := 0; i < 3; i++ {
		inputs = append(inputs, Input{Metric: "same", Unit: "ms", Base: spread(20, 10, 11), Head: spread(20, 10, 11)})
	}
	rs := CompareAll(inputs)
	assert.InDelta(t, 4*2.0/184756, rs[0].PAdjusted, 1e-15, "Holm multiplies the smallest p by the number of metrics")
}
