package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImportedFamilies(t *testing.T) {
	cases := []struct {
		name string
		fam  Family
		err  string
	}{
		{"hyperfine.sleep_0_010", Hyperfine, ""},
		{"k6.http_req_duration", K6, ""},
		{"gobench.insert", GoBench, ""},
		{"k7.http_req_duration", "", `unknown family "k7"`},
		{"6k.x", "", "not FAMILY.WHAT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fam, err := CheckName(c.name)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.fam, fam)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// An aggregate-only benchmark (k6's summary export) is valid without
// samples; what it reports is checked, and what it does not report stays
// absent instead of becoming a zero.
func TestAggregateOnlyBenchmark(t *testing.T) {
	agg := func(a Aggregates) Benchmark {
		return Benchmark{Name: "k6.http_req_duration", Metric: K6, Unit: "ms", Direction: LowerIsBetter, Aggregates: &a, Label: "http_req_duration"}
	}
	good := Aggregates{Min: ptr(255.9), P50: ptr(259.9), P90: ptr(262.8), P95: ptr(265.2), Max: ptr(277.9), Mean: ptr(260.9)}
	withSamples := agg(good)
	withSamples.Samples = []float64{1}
	withSummary := agg(good)
	withSummary.Summary.N = 3
	cases := []struct {
		name string
		b    Benchmark
		want []string // substrings of the problems; none: valid
	}{
		{"reported figures", agg(good), nil},
		{"with a count", agg(Aggregates{N: ptr(20), Min: ptr(1.0), Max: ptr(2.0)}), nil},
		{"nothing reported", agg(Aggregates{}), []string{"aggregates has no figure"}},
		{"quantiles out of order", agg(Aggregates{Min: ptr(5.0), P50: ptr(4.0)}), []string{"aggregates.p50 (4) is below min (5)"}},
		{"zero count", agg(Aggregates{N: ptr(0), Min: ptr(1.0)}), []string{"aggregates.n is 0"}},
		{"negative stddev", agg(Aggregates{Stddev: ptr(-1.0)}), []string{"stddev is -1"}},
		{"samples and aggregates", withSamples, []string{"both samples and aggregates"}},
		{"a summary beside aggregates", withSummary, []string{"summary is set but the benchmark has aggregates"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := validFile()
			f.Benchmarks = append(f.Benchmarks, c.b)
			err := f.Validate()
			if len(c.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// What an aggregate-only benchmark did not report must not come back from
// disk as a zero.
func TestAggregatesRoundTrip(t *testing.T) {
	f := validFile()
	f.Benchmarks = append(f.Benchmarks, Benchmark{Name: "k6.http_req_duration", Metric: K6, Unit: "ms", Direction: LowerIsBetter,
		Aggregates: &Aggregates{Min: ptr(0.0), P50: ptr(2.5), Max: ptr(9.0)}, Label: "http_req_duration{expected_response:true}"})
	data, err := Encode(f)
	require.NoError(t, err)
	back, err := Decode("agg.json", data)
	require.NoError(t, err)
	b, ok := back.Benchmark("k6.http_req_duration")
	require.True(t, ok)
	require.NotNil(t, b.Aggregates)
	assert.Equal(t, 0.0, *b.Aggregates.Min, "a reported zero stays a zero")
	assert.Nil(t, b.Aggregates.P95, "an unreported figure stays absent")
	assert.Nil(t, b.Aggregates.N)
	assert.Equal(t, "http_req_duration{expected_response:true}", b.Label)
	assert.True(t, b.AggregateOnly())
	assert.Equal(t, []Figure{{Name: "min", Value: 0}, {Name: "p50", Value: 2.5}, {Name: "max", Value: 9}}, b.Aggregates.Figures())
}
