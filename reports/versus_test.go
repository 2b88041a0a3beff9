package reports

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
)

// versusFiles are a hive run and a subject run of the same metrics.
func versusFiles(t *testing.T) (*results.File, *results.File) {
	mk := func(subject *results.Subject, startup, files float64) *results.File {
		f := results.NewFile("quick", results.Fingerprint{})
		f.Subject = subject
		b, err := results.NewBenchmark("startup.serve", "ms", results.LowerIsBetter, []float64{startup, startup * 1.01, startup * 0.99})
		require.NoError(t, err)
		f.Add(b)
		b, err = results.NewBenchmark("parsing.files_per_sec", "files/s", results.HigherIsBetter, []float64{files, files * 1.02, files * 0.98})
		require.NoError(t, err)
		f.Add(b)
		f.MarkComplete()
		return f
	}
	return mk(nil, 10, 4000), mk(&results.Subject{Name: "typescript", File: "s.yaml", SHA256: "ab"}, 60, 1000)
}

func TestVersusReading(t *testing.T) {
	cases := []struct {
		name   string
		lo, hi float64
		ratio  float64
		d      results.Direction
		want   string
	}{
		{"B slower: A better", 5.5, 6.5, 6, results.LowerIsBetter, "hive 6.00× better"},
		{"B faster: B better", 0.4, 0.6, 0.5, results.LowerIsBetter, "typescript 2.00× better"},
		{"CI straddles 1", 0.9, 1.2, 1.05, results.LowerIsBetter, "no clear difference (the CI includes 1)"},
		{"throughput lower: A better", 0.2, 0.3, 0.25, results.HigherIsBetter, "hive 4.00× better"},
		{"ten times and more is rounded", 40, 50, 45, results.LowerIsBetter, "hive 45× better"},
		{"no CI", 0, 0, 1, results.LowerIsBetter, "no ratio (too few samples)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := compare.Result{Base: stats.Summary{P50: 1}, Head: stats.Summary{P50: c.ratio},
				RatioCI: stats.Interval{Lo: c.lo, Hi: c.hi}, Note: "too few samples"}
			assert.Equal(t, c.want, versusReading(r, c.d, "hive", "typescript"))
		})
	}
}

func TestWriteVersus(t *testing.T) {
	a, b := versusFiles(t)
	rs := compare.CompareAll([]compare.Input{
		{Metric: "startup.serve", Unit: "ms", Base: a.Benchmarks[0].Samples, Head: b.Benchmarks[0].Samples},
		{Metric: "parsing.files_per_sec", Unit: "files/s", Base: a.Benchmarks[1].Samples, Head: b.Benchmarks[1].Samples,
			Policy: compare.Policy{Direction: compare.HigherIsBetter}},
	})
	v := Versus{A: a, B: b, Results: rs}

	var buf bytes.Buffer
	require.NoError(t, WriteVersus(&buf, Table, v))
	out := buf.String()
	for _, want := range []string{"hive vs typescript", "typescript ÷ hive", "95% CI", "startup.serve", "6.000", "hive 6.00× better", "hive 4.00× better"} {
		assert.Contains(t, out, want)
	}

	buf.Reset()
	require.NoError(t, WriteVersus(&buf, Markdown, v))
	assert.Contains(t, buf.String(), "### hive vs typescript")
	assert.Contains(t, buf.String(), "| startup.serve |")

	buf.Reset()
	require.NoError(t, WriteVersus(&buf, JSON, v))
	var doc struct {
		A, B    string
		Metrics []struct {
			Metric string
			Ratio  float64
		}
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "hive", doc.A)
	assert.Equal(t, "typescript", doc.B)
	require.Len(t, doc.Metrics, 2)
	assert.InDelta(t, 6, doc.Metrics[0].Ratio, 1e-9)

	err := WriteVersus(&buf, JUnit, v)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.ErrorContains(t, err, "use table, md or json")
}

// With a measured run, the run table's vs column divides its p50 by ours
// and says it was measured; without, the stated figures say they are.
func TestRunVersusColumn(t *testing.T) {
	a, b := versusFiles(t)
	r := Run{File: a, Versus: b}
	rows := r.rows()
	require.Len(t, rows, 2)
	assert.Equal(t, "6.0× better", rows[0].VsRef)
	assert.Equal(t, "4.0× better", rows[1].VsRef, "higher is better: ours over theirs")
	assert.Equal(t, "typescript (measured)", r.refName())
	assert.Contains(t, referenceLegend(r), "hivebench report")

	stated := fixtureRun(t)
	assert.Equal(t, "TypeScript (stated, unmeasured)", stated.refName())
}
