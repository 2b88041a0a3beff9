package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHolmBonferroni(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		want []float64
	}{
		{"empty", nil, []float64{}},
		{"one test is not adjusted", []float64{0.03}, []float64{0.03}},
		// Sorted: .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 → running
		// max keeps .06 for the last; back in input order.
		{"textbook vector", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		// .01·3 = .03, .4·2 = .8, .5·1 = .5 → .8 by monotonicity.
		{"monotone", []float64{0.5, 0.4, 0.01}, []float64{0.8, 0.8, 0.03}},
		{"capped at 1", []float64{0.6, 0.7}, []float64{1, 1}},
		{"ties", []float64{0.02, 0.02}, []float64{0.04, 0.04}},
		{"NaN counts as p=1", []float64{math.NaN(), 0.01}, []float64{1, 0.02}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HolmBonferroni(tt.p)
			assert.InDeltaSlice(t, tt.want, got, 1e-12)
		})
	}
}

// Properties: adjusted ≥ raw, ≤ 1, and ordered like the raw p-values.
func TestHolmBonferroniProperties(t *testing.T) {
	p := []float64{0.2, 0.001, 0.04, 0.04, 0.9, 0.0101, 0.3}
	adj := HolmBonferroni(p)
	for i := range p {
		assert.GreaterOrEqual(t, adj[i], p[i])
		assert.LessOrEqual(t, adj[i], 1.0)
		for j := range p {
			if p[i] < p[j] {
				assert.LessOrEqual(t, adj[i], adj[j])
			}
		}
	}
}
