package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/targets"
)

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		got, err := ParseFormat(string(f))
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	got, err := ParseFormat("markdown")
	require.NoError(t, err)
	assert.Equal(t, Markdown, got)

	_, err = ParseFormat("pdf")
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), `unknown report format "pdf"; use one of table, md, json, junit, html`)
}

func TestFormatValue(t *testing.T) {
	cases := []struct {
		v    float64
		unit string
		want string
	}{
		{12_345_678, "ns", "12.3 ms"},
		{999, "ns", "999 ns"},
		{1500, "ns", "1.50 µs"},
		{2.1, "s", "2.10 s"},
		{0.5, "ms", "500 µs"},
		{0.4317, "ms/file", "432 µs/file"},
		{16_400_000, "bytes", "16.4 MB"},
		{20, "MiB", "21.0 MB"},
		{512, "B", "512 B"},
		{4000, "files/s", "4000 files/s"},
		{16.9, "MB/s", "16.9 MB/s"},
		{0, "ns", "0 ns"},
		{0.00123, "ns", "0.00123 ns"},
		{3, "widgets", "3.00 widgets"},
		{math.NaN(), "ns", "—"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, FormatValue(c.v, c.unit), "%v %s", c.v, c.unit)
	}
	assert.Equal(t, "+21.5%", formatPct(21.49))
	assert.Equal(t, "-8.9%", formatPct(-8.9))
	assert.Equal(t, "+0.0%", formatPct(-0.01))
	assert.Equal(t, "<0.001", formatP(0.00001))
	assert.Equal(t, "0.050", formatP(0.05))
	assert.Equal(t, "150× better", formatFactor(150.2))
	assert.Equal(t, "2.0× worse", formatFactor(0.5))
	assert.Equal(t, "—", formatFactor(0))
}

func TestNoisePct(t *testing.T) {
	r := fixtureResults(fixtureBase(), fixtureHead())[0]
	assert.InDelta(t, 1.4826*r.Base.MAD/r.Base.P50*100, NoisePct(r.Base), 1e-9)
	assert.True(t, math.IsNaN(NoisePct(stats.Summary{})), "no samples: no noise figure")
	assert.True(t, math.IsNaN(NoisePct(stats.Summary{N: 3})), "median 0: no ratio")
}

func TestRunRows(t *testing.T) {
	r := fixtureRun(t)
	rows := r.rows()
	require.Len(t, rows, 9, "5 benchmarks + 4 targets without a measurement")
	assert.Equal(t, "startup.serve", rows[0].Metric)
	// 20 samples cannot bound a p95 from above (1 − 0.95^20 = 0.64 < 0.95):
	// the pass stands, marked as one a rerun could overturn.
	assert.Equal(t, "PASS?", rows[0].Verdict)
	assert.Equal(t, "PASS", rows[2].Verdict, "40 samples settle a p50 at half the bound")
	assert.Equal(t, "p50 ≤ 0.5 ms, p99 ≤ 2 ms", rows[3].Target, "two targets on one benchmark share its row")
	assert.Equal(t, "FAIL?", rows[3].Verdict, "one failed target fails the row; its p99 is one outlier in 24 samples")
	assert.Equal(t, "—", rows[3].VsRef, "no TypeScript figure for the overhead")
	for _, row := range rows[5:] {
		assert.Equal(t, "MISSING", row.Verdict)
		assert.Nil(t, row.Bench)
	}

	// vs TypeScript divides the stated figure by ours on the same statistic.
	head := r.File
	b, _ := head.Benchmark("startup.serve")
	want := formatFactor(2.1e9 / b.Summary.P50)
	assert.Equal(t, want, rows[0].VsRef)

	// A file with no targets at all shows dashes, not passes.
	bare := Run{File: head}
	for _, row := range bare.rows() {
		assert.Equal(t, "—", row.Verdict)
		assert.Equal(t, "—", row.Target)
	}
}

func TestComparisonRowsRegressionsFirst(t *testing.T) {
	c := fixtureComparison(t)
	// Make database.insert_message a larger regression than startup.serve.
	c.Results[4].Verdict = compare.Regressed
	c.Results[4].DeltaPct = 40
	rows := c.rows()
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = r.Metric
	}
	assert.Equal(t, []string{"database.insert_message", "startup.serve", "memory.idle_rss", "parsing.per_file", "consensus.overhead"}, got)
}

func TestMarkdown(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, Markdown, fixtureComparison(t)))
	md := buf.String()
	reg, other, end := strings.Index(md, "## Regressions"), strings.Index(md, "## Other metrics"), strings.Index(md, "## Samples and noise")
	require.True(t, reg > 0 && other > reg && end > other, "regressions come before the rest")
	assert.Contains(t, md[reg:other], "| startup.serve |")
	assert.NotContains(t, md[other:end], "| startup.serve |")
	assert.Contains(t, md, `straddles 1.05 \| take more samples`, "a pipe in a note does not break the table")
	assert.Contains(t, md, "Samples taken: 124 base, 124 head")
	assert.Contains(t, md, "Noise seen: the noisiest metric is parsing.per_file")
}

func TestJUnitIsReadable(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, JUnit, fixtureComparison(t)))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	assert.Equal(t, 9, s.Tests)
	assert.Equal(t, 2, s.Failures)
	assert.Equal(t, 4, s.Errors)
	byName := map[string]junitCase{}
	for _, c := range s.Cases {
		byName[c.Name] = c
	}
	require.NotNil(t, byName["startup.serve"].Failure)
	assert.Equal(t, "regression", byName["startup.serve"].Failure.Type)
	require.NotNil(t, byName["consensus.overhead"].Failure)
	assert.Equal(t, "target-missed", byName["consensus.overhead"].Failure.Type)
	require.NotNil(t, byName["consensus.cache_hit"].Error)
	assert.Equal(t, "missing-measurement", byName["consensus.cache_hit"].Error.Type)
	assert.Nil(t, byName["memory.idle_rss"].Failure)
	assert.Nil(t, byName["memory.idle_rss"].Error)
	assert.Equal(t, "hive.memory", byName["memory.idle_rss"].Classname)

	buf.Reset()
	require.NoError(t, WriteRun(&buf, JUnit, fixtureRun(t)))
	var run junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &run))
	assert.Equal(t, 1, run.Failures, "the run fails on its missed target only")
	assert.Equal(t, 4, run.Errors)
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	c := fixtureComparison(t)
	c.Results[0].Note = `<script>alert("x")</script>`
	c.Warnings = append(c.Warnings, `<img src=x onerror=alert(1)>`)
	c.HeadLabel = `run "<b>"`
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, HTML, c))
	page := buf.String()
	assert.NotContains(t, page, "<script")
	assert.NotContains(t, page, "<img")
	assert.NotContains(t, page, "<b>")
	assert.Contains(t, page, "&lt;script&gt;")
	assert.NotRegexp(t, regexp.MustCompile(`<[^>]*\s(src|href)=`), page, "no external assets")
	for _, external := range []string{"<link", "url(", "@import"} {
		assert.NotContains(t, page, external, "no external assets")
	}
	assert.Equal(t, strings.Count(page, "http"), strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`), "the only URL is the SVG namespace, which is never fetched")
	assert.Equal(t, len(c.Results), strings.Count(page, "<svg "), "one plot per metric")
	assert.Contains(t, page, "samples lie beyond it", "a clipped axis says so")
}

func TestJSON(t *testing.T) {
	c := fixtureComparison(t)
	c.Results[1].PValue = math.NaN()
	c.Results[1].RatioCI.Hi = math.Inf(1)
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, JSON, c))
	require.True(t, json.Valid(buf.Bytes()))
	var doc struct {
		Kind    string
		Counts  verdictCounts
		Results []map[string]any
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "comparison", doc.Kind)
	assert.Equal(t, verdictCounts{Regressed: 1, Improved: 1, Same: 2, Inconclusive: 1}, doc.Counts)
	assert.Equal(t, "startup.serve", doc.Results[0]["metric"])
	assert.Nil(t, doc.Results[1]["p_value"], "NaN is written as null")
	assert.Nil(t, doc.Results[1]["ratio_ci"].(map[string]any)["hi"], "Inf is written as null")

	// The run document embeds the results file itself, readable by the
	// strict results reader.
	buf.Reset()
	require.NoError(t, WriteRun(&buf, JSON, fixtureRun(t)))
	var run struct {
		Kind    string          `json:"kind"`
		Results json.RawMessage `json:"results"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &run))
	assert.Equal(t, "run", run.Kind)
	f, err := results.Decode("embedded", run.Results)
	require.NoError(t, err)
	assert.Len(t, f.Benchmarks, 5)
}

func TestEcdfPlot(t *testing.T) {
	assert.Nil(t, ecdfPlot("ns"), "nothing to draw")
	assert.Nil(t, ecdfPlot("ns", namedSamples{"run", "run", nil}))

	same := ecdfPlot("ns", namedSamples{"run", "run", []float64{5, 5, 5}})
	require.NotNil(t, same, "equal samples do not divide by zero")
	assert.NotContains(t, same.Series[0].Points, "NaN")

	big := make([]float64, 50_000)
	for i := range big {
		big[i] = float64(i)
	}
	p := ecdfPlot("ns", namedSamples{"run", "run", big})
	require.NotNil(t, p)
	assert.LessOrEqual(t, len(strings.Fields(p.Series[0].Points)), 2*maxPlotPoints, "large runs are thinned")
	assert.Empty(t, p.Clipped, "a uniform run has no tail to clip")
	last := strings.Fields(p.Series[0].Points)
	assert.True(t, strings.HasSuffix(last[len(last)-1], ","+p.Top), "the ECDF ends at 1")
}

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 1, []float64{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}},
		{10.8e6, 15.2e6, []float64{11e6, 12e6, 13e6, 14e6, 15e6}},
		{250e3, 720e3, []float64{300e3, 400e3, 500e3, 600e3, 700e3}},
	}
	for _, c := range cases {
		got := niceTicks(c.lo, c.hi, 5)
		require.Len(t, got, len(c.want))
		for i := range got {
			assert.InDelta(t, c.want[i], got[i], 1e-9*math.Max(1, c.want[i]))
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsPropagate(t *testing.T) {
	for _, f := range Formats {
		assert.Error(t, WriteRun(failingWriter{}, f, fixtureRun(t)), string(f))
		assert.Error(t, WriteComparison(failingWriter{}, f, fixtureComparison(t)), string(f))
	}
	err := WriteRun(&bytes.Buffer{}, Table, Run{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Error(t, WriteRun(&bytes.Buffer{}, Format("pdf"), fixtureRun(t)))
}

func TestOutcomesFor(t *testing.T) {
	os := []targets.Outcome{
		{Benchmark: "database.cache_get", Target: targets.Target{Metric: "database.*"}},
		{Benchmark: "", Target: targets.Target{Metric: "consensus.cache_hit"}},
	}
	assert.Len(t, outcomesFor(os, "database.cache_get"), 1)
	assert.Len(t, outcomesFor(os, "consensus.cache_hit"), 1)
	assert.Empty(t, outcomesFor(os, "startup.serve"))
}

func TestVerdictOf(t *testing.T) {
	pass := targets.Outcome{Status: targets.Pass}
	marginalPass := targets.Outcome{Status: targets.Pass, Marginal: true}
	fail := targets.Outcome{Status: targets.Fail}
	marginalFail := targets.Outcome{Status: targets.Fail, Marginal: true}
	missing := targets.Outcome{Status: targets.Missing}
	cases := []struct {
		name string
		in   []targets.Outcome
		want string
	}{
		{"none", nil, "—"},
		{"pass", []targets.Outcome{pass}, "PASS"},
		{"marginal pass", []targets.Outcome{pass, marginalPass}, "PASS?"},
		{"a sure fail outweighs a marginal one", []targets.Outcome{marginalFail, fail}, "FAIL"},
		{"marginal fail", []targets.Outcome{pass, marginalFail}, "FAIL?"},
		{"missing beats a marginal pass", []targets.Outcome{marginalPass, missing}, "MISSING"},
		{"fail beats missing", []targets.Outcome{missing, fail}, "FAIL"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, verdictOf(c.in), c.name)
	}
	assert.Empty(t, marginalLegend([]targets.Outcome{pass, fail}))
	assert.Contains(t, marginalLegend([]targets.Outcome{pass, marginalFail}), "1 of 2 targets")
}

// Missing metrics have their own heading in every report, which says
// whether the gate failed on them or was allowed to pass over them; JUnit
// marks each as an error (the gate fails) or skipped (allowed).
func TestMissingMetricsHeading(t *testing.T) {
	cases := []struct {
		name    string
		allowed bool
		format  Format
		want    []string
		notWant []string
	}{
		{"markdown allowed", true, Markdown, []string{"## Missing metrics", "allowed by --allow-missing", "| database | no samples on either side"}, []string{"the gate fails on them"}},
		{"markdown failing", false, Markdown, []string{"## Missing metrics", "the gate fails on them", "| parsing.per_file | not in the base run"}, []string{"allowed by --allow-missing"}},
		{"html allowed", true, HTML, []string{"<h2>Missing metrics</h2>", "allowed by --allow-missing", `<tr class="missing"><td>database</td>`}, nil},
		{"html failing", false, HTML, []string{"<h2>Missing metrics</h2>", "the gate fails on them"}, []string{"allowed by --allow-missing"}},
		{"table failing", false, Table, []string{"missing metrics: 2 not compared; the gate fails on them", "  database: no samples"}, nil},
		{"json failing", false, JSON, []string{`"missing": [`, `"name": "database"`, `"code": 3`}, []string{"missing_allowed"}},
		{"json allowed", true, JSON, []string{`"missing_allowed": true`}, nil},
		{"junit allowed", true, JUnit, []string{`<testcase name="database" classname="hive.database">`, `<skipped message="not compared: no samples`, `skipped="2"`}, []string{"missing-measurement"}},
		{"junit failing", false, JUnit, []string{`<error message="not compared: not in the base run`, `type="missing-measurement"`, `errors="2"`}, []string{"<skipped"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmp := fixtureMissing()
			cmp.MissingAllowed = c.allowed
			var buf bytes.Buffer
			require.NoError(t, WriteComparison(&buf, c.format, cmp))
			for _, w := range c.want {
				assert.Contains(t, buf.String(), w)
			}
			for _, w := range c.notWant {
				assert.NotContains(t, buf.String(), w)
			}
		})
	}
	// No missing metrics, no heading: compare's reports are unchanged.
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, Markdown, fixtureComparison(t)))
	assert.NotContains(t, buf.String(), "Missing metrics")
}
