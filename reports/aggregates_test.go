package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
)

// A verdict on aggregates has no ratio CI and no spread: the report shows
// "—" there, never a zero that reads as a measurement, and says what the
// verdict rests on.
func TestAggregatesAreNotShownAsZeros(t *testing.T) {
	base := results.Aggregates{Min: ptr(9.0), P50: ptr(10.0), P95: ptr(10.8), Max: ptr(11.0)}
	head := results.Aggregates{Min: ptr(13.0), P50: ptr(14.0), Max: ptr(15.0)}
	file := func(a results.Aggregates) *results.File {
		return &results.File{Suite: "k6", Complete: true, Benchmarks: []results.Benchmark{{Name: "k6.http_req_duration", Metric: results.K6, Unit: "ms", Direction: results.LowerIsBetter, Aggregates: &a}}}
	}
	n := 40
	base.N, head.N = &n, &n
	rs := compare.CompareAll([]compare.Input{{Metric: "k6.http_req_duration", Unit: "ms",
		BaseAgg: &compare.Aggregate{N: n, Min: 9, P50: 10, Max: 11}, HeadAgg: &compare.Aggregate{N: n, Min: 13, P50: 14, Max: 15}}})
	require.Equal(t, compare.Regressed, rs[0].Verdict)
	c := Comparison{Base: file(base), Head: file(head), Results: rs}
	f, err := ParseFormat("md")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, f, c))
	assert.Contains(t, buf.String(), "| k6.http_req_duration | 10.0 ms | 14.0 ms | +40.0% | — | &lt;0.001 | 40 / 40 | — | regressed |")
	assert.Contains(t, buf.String(), "the verdict rests on aggregates")

	buf.Reset()
	require.NoError(t, WriteRun(&buf, f, Run{File: file(base)}))
	assert.Contains(t, buf.String(), "| k6.http_req_duration | 10.0 ms | 10.8 ms | — |", "p99 was not reported")
}

func ptr(v float64) *float64 { return &v }
