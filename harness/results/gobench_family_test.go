package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Imported go test benchmarks (harness/gobench) are family gobench and may
// count allocations; neither makes gobench one of the five seed families.
func TestGoBenchFamilyAndAllocs(t *testing.T) {
	fam, err := CheckName("gobench.insert_message_allocs")
	require.NoError(t, err)
	assert.Equal(t, GoBench, fam)
	assert.False(t, IsFamily(GoBench), "suites and targets iterate the five seed families only")
	assert.NotContains(t, Families, GoBench)

	for _, u := range []string{"allocs", "alloc"} {
		pu, err := ParseUnit(u)
		require.NoError(t, err, u)
		assert.Equal(t, "allocs", pu.Dim)
	}
	_, err = NewBenchmark("gobench.x_allocs", "allocs", LowerIsBetter, []float64{7, 8})
	assert.NoError(t, err)
}
