package replay

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The median of the wall-time and ratio targets is the middle value, or
// the mean of the two middle ones, whatever the order of the runs.
func TestMedian(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"one run", []float64{3.5}, 3.5},
		{"odd", []float64{9, 1, 5}, 5},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"ties", []float64{2, 2, 7, 2}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, median(c.xs))
		})
	}
	assert.True(t, math.IsNaN(median(nil)), "no runs: no median")
}
