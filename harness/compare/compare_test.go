package compare

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiveperf/hive/harness/stats"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samples draws n log-normal values with the given median and CV from a
// fixed seed, so each test case is the same data on every run.
func samples(seed uint64, n int, median, cv float64) []float64 {
	ln := newLognormal(rand.New(rand.NewPCG(seed, 1)), cv)
	return ln.appendN(nil, n, median)
}

func scaled(x []float64, f float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * f
	}
	return out
}

func constant(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestCompareVerdicts(t *testing.T) {
	base := samples(1, 30, 100, 0.02)
	fresh := samples(2, 30, 100, 0.02) // same distribution, different draws
	higher := Policy{Direction: HigherIsBetter}

	tests := []struct {
		name       string
		base, head []float64
		policy     Policy
		want       Verdict
		note       string
	}{
		{"20% slower regresses", base, scaled(fresh, 1.2), Policy{}, Regressed, "median +"},
		{"20% faster improves", base, scaled(fresh, 0.8), Policy{}, Improved, "median -"},
		{"same distribution is same", base, fresh, Policy{}, Same, "within ±5%"},
		{"higher is better: 20% up improves", base, scaled(fresh, 1.2), higher, Improved, ""},
		{"higher is better: 20% down regresses", base, scaled(fresh, 0.8), higher, Regressed, ""},
		// Significant (tiny noise) but only +2%: the CI lies inside ±5%.
		{"significant change below the threshold is same", samples(3, 40, 100, 0.005), scaled(samples(4, 40, 100, 0.005), 1.02), Policy{}, Same, "within ±5%"},
		// +2% with a 10% threshold at CV 2% is same, at 1% threshold a regression.
		{"threshold is the policy's", base, scaled(fresh, 1.04), Policy{Threshold: 1}, Regressed, ""},
		// 10% slower but CV 30% at n=10: nothing can be decided yet.
		{"noisy and small is inconclusive", samples(5, 12, 100, 0.3), scaled(samples(6, 12, 100, 0.3), 1.1), Policy{}, Inconclusive, ""},
		{"fewer than MinSamples is inconclusive", base[:5], scaled(fresh[:5], 2), Policy{}, Inconclusive, "too few samples: base 5, head 5, policy needs 10"},
		{"MinSamples is the policy's", base[:5], scaled(fresh[:5], 2), Policy{MinSamples: 5}, Regressed, ""},
		{"NaN sample is inconclusive, named", []float64{1, 2, math.NaN()}, base, Policy{}, Inconclusive, `invalid input: metric "m": base sample 2 is NaN`},
		{"Inf sample is inconclusive, named", base, append([]float64{math.Inf(1)}, base...), Policy{}, Inconclusive, "head sample 0 is +Inf"},
		{"invalid policy is inconclusive, named", base, fresh, Policy{Alpha: 2}, Inconclusive, "policy alpha 2: must be in (0, 1)"},
		{"all zero on both sides is same", constant(12, 0), constant(12, 0), Policy{}, Same, "same value"},
		{"zero base median has no ratio", constant(12, 0), constant(12, 3), Policy{}, Inconclusive, "no ratio CI"},
		{"empty is inconclusive", nil, nil, Policy{}, Inconclusive, "too few samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compare("m", "ms", tt.base, tt.head, tt.policy)
			assert.Equal(t, tt.want, r.Verdict, "note: %s", r.Note)
			assert.Contains(t, r.Note, tt.note)
			assert.Equal(t, "m", r.Metric)
			assert.Equal(t, "ms", r.Unit)
			assert.Equal(t, r.PValue, r.PAdjusted, "one metric: nothing to adjust")
			// Whatever the input, the result must be storable as JSON.
			_, err := json.Marshal(r)
			assert.NoError(t, err)
		})
	}
}

func TestCompareFillsTheResult(t *testing.T) {
	base := samples(1, 30, 100, 0.02)
	head := scaled(samples(2, 30, 100, 0.02), 1.2)
	r := Compare("startup", "ms", base, head, Policy{})

	require.Equal(t, Regressed, r.Verdict)
	// With default settings, the comparison's summaries are the ones a
	// results file stores.
	assert.Equal(t, stats.Summarize(base), r.Base)
	assert.Equal(t, stats.Summarize(head), r.Head)
	assert.InDelta(t, (r.Head.P50/r.Base.P50-1)*100, r.DeltaPct, 1e-9)
	assert.InDelta(t, 20, r.DeltaPct, 3)
	assert.Equal(t, 0.95, r.RatioCI.Level)
	assert.Less(t, r.RatioCI.Lo, r.Head.P50/r.Base.P50)
	assert.Greater(t, r.RatioCI.Hi, r.Head.P50/r.Base.P50)
	_, p := stats.MannWhitneyU(base, head)
	assert.Equal(t, p, r.PValue)
	assert.Equal(t, 5.0, r.Threshold)
}

func TestCompareIsDeterministic(t *testing.T) {
	base := samples(1, 25, 100, 0.1)
	head := samples(2, 25, 105, 0.1)
	assert.Equal(t, Compare("m", "ms", base, head, Policy{}), Compare("m", "ms", base, head, Policy{}))
	a := Compare("m", "ms", base, head, Policy{Seed: 1})
	b := Compare("m", "ms", base, head, Policy{Seed: 2})
	assert.NotEqual(t, a.RatioCI, b.RatioCI, "the seed drives the bootstrap")
}

func TestCompareAllAppliesHolmAcrossMetrics(t *testing.T) {
	// One metric with a moderate regression and four unchanged ones. Alone,
	// its p-value clears alpha; among five, Holm multiplies the smallest p by
	// 5 and it no longer does.
	base := samples(14, 12, 100, 0.1)
	head := scaled(samples(15, 12, 100, 0.1), 1.12)
	alone := Compare("moderate", "ms", base, head, Policy{})
	require.Equal(t, Regressed, alone.Verdict, "precondition: regressed on its own (p=%g)", alone.PValue)
	require.Greater(t, alone.PValue*5, 0.01, "precondition: p=%g must not survive ×5", alone.PValue)

	inputs := []Input{{Metric: "moderate", Unit: "ms", Base: base, Head: head}}
	for i := range 4 {
		inputs = append(inputs, Input{Metric: "null" + string(rune('a'+i)), Unit: "ms",
			Base: samples(uint64(100+2*i), 12, 50, 0.1), Head: samples(uint64(101+2*i), 12, 50, 0.1)})
	}
	results := CompareAll(inputs)
	require.Len(t, results, 5)

	pvalues := make([]float64, len(results))
	for i, r := range results {
		assert.Equal(t, inputs[i].Metric, r.Metric, "results are in input order")
		pvalues[i] = r.PValue
	}
	adj := stats.HolmBonferroni(pvalues)
	for i, r := range results {
		assert.Equal(t, adj[i], r.PAdjusted)
		assert.NotEqual(t, Regressed, r.Verdict, "%s: %s", r.Metric, r.Note)
	}
	assert.InDelta(t, 5*alone.PValue, results[0].PAdjusted, 1e-12)
	assert.Equal(t, Inconclusive, results[0].Verdict)
	assert.Contains(t, results[0].Note, "not significant")
}

func TestWarnings(t *testing.T) {
	clean := samples(1, 30, 100, 0.02)
	tests := []struct {
		name       string
		base, head []float64
		want       []string
		absent     []string
	}{
		{"clean data has none", clean, samples(2, 30, 100, 0.02), nil, []string{""}},
		{"few samples", clean[:6], samples(2, 6, 100, 0.02), []string{"base: n = 6 < 10", "head: n = 6 < 10"}, nil},
		{"outliers are counted", append(append([]float64{}, clean...), 500, 600), samples(2, 30, 100, 0.02),
			[]string{"base: outliers flagged: 2"}, []string{"head: outliers"}},
		{"CV mismatch", clean, samples(2, 30, 100, 0.08), []string{"base and head CV differ by"}, nil},
		{"noise above the threshold", samples(3, 30, 100, 0.2), samples(4, 30, 100, 0.2),
			[]string{"base: robust CV", "head: robust CV", "exceeds the 5% threshold"}, []string{"differ by"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compare("m", "ms", tt.base, tt.head, Policy{})
			joined := ""
			for _, w := range r.Warnings {
				joined += w + "\n"
			}
			for _, w := range tt.want {
				assert.Contains(t, joined, w)
			}
			for _, w := range tt.absent {
				if w == "" {
					assert.Empty(t, r.Warnings)
					continue
				}
				assert.NotContains(t, joined, w)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		want string
	}{
		{"zero value takes the defaults", Policy{}, ""},
		{"defaults", DefaultPolicy(), ""},
		{"negative threshold", Policy{Threshold: -1}, "policy threshold -1: must be a percentage in (0, 100)"},
		{"NaN threshold", Policy{Threshold: math.NaN()}, "policy threshold NaN"},
		{"alpha of 1", Policy{Alpha: 1}, "policy alpha 1: must be in (0, 1)"},
		{"unknown direction", Policy{Direction: 7}, "policy direction 7"},
		{"one sample", Policy{MinSamples: 1}, "policy min_samples 1: must be at least 2"},
		{"level above 1", Policy{Level: 95}, "policy level 95: must be in (0, 1)"},
		{"too few resamples", Policy{Resamples: 10}, "policy resamples 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseDirection(t *testing.T) {
	tests := []struct {
		in      string
		want    Direction
		wantErr bool
	}{
		{"lower", LowerIsBetter, false},
		{"Higher", HigherIsBetter, false},
		{"higher_is_better", HigherIsBetter, false},
		{"", LowerIsBetter, false},
		{"up", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDirection(tt.in)
			if tt.wantErr {
				assert.ErrorContains(t, err, `direction "up": must be "lower" or "higher"`)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, d)
		})
	}
	assert.Equal(t, "lower is better", LowerIsBetter.String())
	assert.Equal(t, "higher is better", HigherIsBetter.String())
}
