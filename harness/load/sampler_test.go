package load

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMetrics(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_alloc_bytes 3.145728e+06
go_gc_duration_seconds{quantile="0.5"} 1e-05
process_resident_memory_bytes{pid="1"} 99
process_resident_memory_bytes 2.4576e+07 1700000000000
hive_http_requests_total{route="GET /healthz",code="200"} 3
`
	got, err := ParseMetrics(strings.NewReader(text), metricRSS, metricHeap, metricGoroutines)
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{metricGoroutines: 42, metricHeap: 3145728, metricRSS: 24576000}, got,
		"labeled series are skipped; a timestamp is allowed")

	for _, bad := range []string{"go_goroutines many\n", "go_goroutines NaN\n", "go_goroutines 1 2 3\n", "go_goroutines +Inf\n"} {
		_, err := ParseMetrics(strings.NewReader(bad), metricGoroutines)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "line 1")
	}
	got, err = ParseMetrics(strings.NewReader("other 1\n"), metricGoroutines)
	require.NoError(t, err)
	assert.Empty(t, got, "an absent series is missing, not an error")
}

func FuzzParseMetrics(f *testing.F) {
	f.Add("go_goroutines 42\nprocess_resident_memory_bytes 1e6\n")
	f.Add("# comment\ngo_memstats_heap_alloc_bytes{a=\"b\"} 1\n")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseMetrics(strings.NewReader(s), metricRSS, metricHeap, metricGoroutines)
		if err != nil {
			return
		}
		for name := range got {
			if name != metricRSS && name != metricHeap && name != metricGoroutines {
				t.Fatalf("returned an unasked series %q", name)
			}
		}
	})
}
