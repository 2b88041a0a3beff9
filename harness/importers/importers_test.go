package importers

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

func importFile(t *testing.T, format, path string, opts Options) (*results.File, []Problem) {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	f, problems, err := Import(format, fh, path, opts)
	require.NoError(t, err, "problems: %v", problems)
	require.NoError(t, f.Validate(), "an imported file must be a valid results file")
	return f, problems
}

// hyperfineTimes reads the raw times straight from an export, to hold the
// import to them.
func hyperfineTimes(t *testing.T, path string) (times []float64, median float64) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var ex struct {
		Results []struct {
			Times  []float64 `json:"times"`
			Median float64   `json:"median"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal(data, &ex))
	require.Len(t, ex.Results, 1)
	return ex.Results[0].Times, ex.Results[0].Median
}

func TestHyperfineKeepsEveryRun(t *testing.T) {
	path := "testdata/hyperfine-sleep-0.010.json"
	f, problems := importFile(t, "hyperfine", path, Options{})
	assert.Empty(t, problems)
	assert.True(t, f.Complete)
	assert.Equal(t, "hyperfine", f.Suite)
	require.Len(t, f.Benchmarks, 1)
	b := f.Benchmarks[0]
	times, median := hyperfineTimes(t, path)
	assert.Equal(t, "hyperfine.sleep_0_010", b.Name)
	assert.Equal(t, "sleep 0.010", b.Label, "the command is kept as the tool wrote it")
	assert.Equal(t, "s", b.Unit)
	assert.Equal(t, results.LowerIsBetter, b.Direction)
	assert.Equal(t, times, b.Samples, "every run is one sample, in order")
	assert.Len(t, b.Samples, 30)
	assert.InDelta(t, median, b.Summary.P50, 1e-12, "the median agrees with hyperfine's")
	figs := map[string]results.Figure{}
	for _, x := range b.Extra {
		figs[x.Name] = x
	}
	assert.Equal(t, results.Figure{Name: "nonzero_exits", Value: 0, Unit: "runs"}, figs["nonzero_exits"])
	assert.Equal(t, "s", figs["user_mean"].Unit)
	assert.Greater(t, figs["user_mean"].Value, 0.0)
	assert.Contains(t, figs, "system_mean")
	assert.Equal(t, "unknown", f.Env.CPUModel, "hyperfine's export does not say the machine")
}

func TestHyperfineNames(t *testing.T) {
	f, _ := importFile(t, "hyperfine", "testdata/hyperfine-sleep-0.012.json", Options{Names: []string{"sleep"}, Commit: "abc123"})
	require.Len(t, f.Benchmarks, 1)
	assert.Equal(t, "hyperfine.sleep", f.Benchmarks[0].Name)
	assert.Equal(t, "sleep 0.012", f.Benchmarks[0].Label)
	assert.Equal(t, "abc123", f.Env.Commit)

	two, _ := importFile(t, "hyperfine", "testdata/hyperfine-parameters.json", Options{})
	var names []string
	for _, b := range two.Benchmarks {
		names = append(names, b.Name)
	}
	assert.Equal(t, []string{"hyperfine.sleep_0_001", "hyperfine.sleep_0_002"}, names, "one benchmark per command of a parameter scan")

	cases := []struct {
		name  string
		path  string
		names []string
		err   string
	}{
		{"fewer names than commands", "testdata/hyperfine-parameters.json", []string{"a"}, "1 names for 2 commands"},
		{"a name that is no id", "testdata/hyperfine-sleep-0.010.json", []string{"Sleep Ten"}, `name "Sleep Ten": want lower-case letters`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fh, err := os.Open(c.path)
			require.NoError(t, err)
			defer fh.Close()
			_, _, err = Import("hyperfine", fh, c.path, Options{Names: c.names})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

// Runs that failed (hyperfine -i) time a failure: the file keeps them but
// is marked incomplete, which the gate refuses.
func TestHyperfineFailedRunsMakeTheFileIncomplete(t *testing.T) {
	f, _ := importFile(t, "hyperfine", "testdata/hyperfine-ignore-failure.json", Options{})
	assert.False(t, f.Complete)
	assert.Equal(t, `3 of 3 runs of "false" exited non-zero (codes 1) (hyperfine --ignore-failure); their times time a failure`, f.IncompleteReason)
	require.Len(t, f.Benchmarks, 1)
	assert.Contains(t, f.Benchmarks[0].Extra, results.Figure{Name: "nonzero_exits", Value: 3, Unit: "runs"})
}

func TestHyperfineWithoutTimesIsAggregateOnly(t *testing.T) {
	in := `{"results":[{"command":"old","mean":0.5,"stddev":0.01,"median":0.49,"min":0.48,"max":0.55,"user":0.1,"system":0.05}]}`
	f, _, err := Import("hyperfine", strings.NewReader(in), "old.json", Options{})
	require.NoError(t, err)
	require.NoError(t, f.Validate())
	b := f.Benchmarks[0]
	assert.Empty(t, b.Samples)
	require.NotNil(t, b.Aggregates)
	assert.Nil(t, b.Aggregates.N, "the export does not say how many runs")
	assert.Equal(t, 0.49, *b.Aggregates.P50)
}

func TestHyperfineRejects(t *testing.T) {
	cases := []struct{ name, in, err string }{
		{"not JSON", "Benchmark 1: sleep", "is not hyperfine's --export-json"},
		{"no results", `{"results": []}`, "no results"},
		{"times and exit codes disagree", `{"results":[{"command":"x","times":[1,2],"exit_codes":[0]}]}`, "no command could be imported"},
		{"a time that is not finite", `{"results":[{"command":"x","times":[-1e400]}]}`, "is not hyperfine's --export-json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, _, err := Import("hyperfine", strings.NewReader(c.in), "in.json", Options{})
			require.Error(t, err)
			assert.Nil(t, f)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

// The pooled trend must reproduce what k6 printed at the end of the same
// run (testdata/k6-out.summary.txt): min=26.53ms med=28.75ms max=44.37ms
// avg=30.69ms for http_req_duration, 20 requests.
func TestK6PointsReproduceK6sSummary(t *testing.T) {
	f, problems := importFile(t, "k6", "testdata/k6-out.ndjson", Options{})
	assert.True(t, f.Complete)
	assert.Equal(t, "k6", f.Suite)
	assert.Equal(t, "2019-10-13T16:36:08Z", f.Env.Date.Format("2006-01-02T15:04:05Z07:00"), "the date is the run's first point, not the import's")
	summary, err := os.ReadFile("testdata/k6-out.summary.txt")
	require.NoError(t, err)
	require.Contains(t, string(summary), "http_req_duration..........: avg=30.69ms min=26.53ms med=28.75ms max=44.37ms")
	// k6 prints figures cut (not rounded) to two decimals of the unit it
	// picks (ms, or µs below a millisecond): the raw value lies in
	// [printed, printed + one step).
	type fig struct{ printed, step float64 }
	ms := func(v float64) fig { return fig{v, 0.01} }
	us := func(v float64) fig { return fig{v / 1000, 0.00001} }
	cases := []struct {
		id                  string
		n                   int
		min, med, max, mean fig
	}{
		{"k6.http_req_duration", 20, ms(26.53), ms(28.75), ms(44.37), ms(30.69)},
		{"k6.http_req_waiting", 20, ms(26.47), ms(28.69), ms(44.17), ms(30.63)},
		{"k6.iteration_duration", 20, ms(26.75), ms(28.97), ms(70.59), ms(32.19)},
		{"k6.http_req_blocked", 20, us(2.4), us(3.45), ms(25.87), ms(1.29)},
	}
	within := func(t *testing.T, what string, want fig, got float64) {
		t.Helper()
		assert.True(t, got >= want.printed-1e-9 && got < want.printed+want.step, "%s: k6 printed %g, the import has %g", what, want.printed, got)
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			b, ok := f.Benchmark(c.id)
			require.True(t, ok, "missing %s", c.id)
			assert.Equal(t, "ms", b.Unit)
			assert.Equal(t, strings.TrimPrefix(c.id, "k6."), b.Label)
			assert.Equal(t, c.n, b.Summary.N)
			within(t, "min", c.min, b.Summary.Min)
			within(t, "med", c.med, b.Summary.P50)
			within(t, "max", c.max, b.Summary.Max)
			within(t, "avg", c.mean, b.Summary.Mean)
		})
	}
	// Every request of that script has its own URL: one point per tag
	// set, so the metrics are not split by tag set, and the problems say
	// why; counters, rates and gauges are not distributions.
	for _, b := range f.Benchmarks {
		assert.NotContains(t, b.Name, "jsonplaceholder")
	}
	text := ""
	for _, p := range problems {
		text += p.String() + "\n"
	}
	assert.Contains(t, text, "http_req_duration: 20 of its 20 tag sets have fewer than 2 points")
	assert.Contains(t, text, "http_reqs (counter), checks (rate), iterations (counter), errors (rate), data_sent (counter), data_received (counter), vus (gauge), vus_max (gauge)")
}

func TestK6PointsByTagSet(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"Metric","data":{"type":"trend","contains":"time"},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":10,"tags":{"name":"login","status":"200","proto":"HTTP/1.1"}},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:01Z","value":12,"tags":{"name":"login","status":"200","proto":"HTTP/1.1"}},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:02Z","value":30,"tags":{"name":"search","status":"200","proto":"HTTP/1.1"}},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:03Z","value":31,"tags":{"name":"search","status":"200","proto":"HTTP/1.1"}},"metric":"http_req_duration"}`,
		`{"type":"Metric","data":{"type":"trend","contains":"default"},"metric":"queue_depth"}`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:03Z","value":4,"tags":null},"metric":"queue_depth"}`,
		`not json`,
		`{"type":"Point","data":{"time":"2024-01-01T00:00:03Z","value":1},"metric":"unknown_metric"}`,
	}, "\n")
	f, problems, err := Import("k6", strings.NewReader(in), "run.ndjson", Options{})
	require.NoError(t, err)
	require.NoError(t, f.Validate())
	want := map[string]struct {
		label   string
		unit    string
		samples []float64
	}{
		"k6.http_req_duration":             {"http_req_duration", "ms", []float64{10, 12, 30, 31}},
		"k6.http_req_duration_name_login":  {"http_req_duration{name:login,proto:HTTP/1.1,status:200}", "ms", []float64{10, 12}},
		"k6.http_req_duration_name_search": {"http_req_duration{name:search,proto:HTTP/1.1,status:200}", "ms", []float64{30, 31}},
		"k6.queue_depth":                   {"queue_depth", "values", []float64{4}},
	}
	require.Len(t, f.Benchmarks, len(want))
	for id, w := range want {
		b, ok := f.Benchmark(id)
		require.True(t, ok, "missing %s", id)
		assert.Equal(t, w.label, b.Label)
		assert.Equal(t, w.unit, b.Unit)
		assert.Equal(t, w.samples, b.Samples)
	}
	require.Len(t, problems, 2)
	assert.True(t, strings.HasPrefix(problems[0].String(), "run.ndjson:8: not a JSON object"), problems[0].String())
	assert.Equal(t, `run.ndjson:9: point of metric "unknown_metric" before its Metric line; skipped`, problems[1].String())
}

// k6's end-of-test summary keeps no samples: every trend becomes an
// aggregate-only benchmark with exactly the figures k6 reported.
func TestK6SummaryIsAggregatesOnly(t *testing.T) {
	f, problems := importFile(t, "k6", "testdata/k6-handlesummary.json", Options{})
	b, ok := f.Benchmark("k6.http_req_duration")
	require.True(t, ok)
	assert.Empty(t, b.Samples)
	assert.Equal(t, 0, b.Summary.N)
	require.NotNil(t, b.Aggregates)
	a := b.Aggregates
	assert.Equal(t, 255.947, *a.Min)
	assert.Equal(t, 259.9225, *a.P50)
	assert.Equal(t, 262.7999, *a.P90)
	assert.Equal(t, 265.1961, *a.P95)
	assert.Equal(t, 277.909, *a.Max)
	assert.Equal(t, 260.90964999999994, *a.Mean)
	assert.Nil(t, a.P99, "k6 did not report p(99)")
	assert.Nil(t, a.N, "k6 did not report the count of the trend")
	assert.Equal(t, "ms", b.Unit)

	sub, ok := f.Benchmark("k6.http_req_duration_expected_response_true")
	require.True(t, ok)
	assert.Equal(t, "http_req_duration{expected_response:true}", sub.Label)
	_, ok = f.Benchmark("k6.http_reqs")
	assert.False(t, ok, "a counter is not imported")
	require.NotEmpty(t, problems)
	assert.Contains(t, problems[len(problems)-1].String(), "data_received (counter)")
}

func TestK6SummaryExport(t *testing.T) {
	// The shape of --summary-export: figures at each metric's top level,
	// "count" there when --summary-trend-stats asks for it.
	in := `{"metrics": {
	  "http_req_duration": {"avg": 20.5, "min": 13.3, "med": 19.0, "max": 61.2, "p(90)": 27.1, "p(95)": 27.7, "p(99.9)": 60.0, "count": 120, "thresholds": {"p(95)<500": true}},
	  "my_trend": {"avg": 3, "min": 1, "med": 3, "max": 5},
	  "http_reqs": {"count": 120, "rate": 11.9},
	  "checks": {"passes": 120, "fails": 0, "value": 1},
	  "vus": {"value": 1, "min": 1, "max": 1}
	}}`
	f, problems, err := Import("k6", strings.NewReader(in), "summary.json", Options{})
	require.NoError(t, err)
	require.NoError(t, f.Validate())
	require.Len(t, f.Benchmarks, 2)
	b, ok := f.Benchmark("k6.http_req_duration")
	require.True(t, ok)
	assert.Equal(t, "ms", b.Unit, "a built-in time trend")
	require.NotNil(t, b.Aggregates.N)
	assert.Equal(t, 120, *b.Aggregates.N)
	mine, ok := f.Benchmark("k6.my_trend")
	require.True(t, ok)
	assert.Equal(t, "values", mine.Unit, "the export does not say a custom trend's unit")
	var text []string
	for _, p := range problems {
		text = append(text, p.Msg)
	}
	all := strings.Join(text, "\n")
	assert.Contains(t, all, "figures p(99.9) have no place")
	assert.Contains(t, all, "does not say the unit of my_trend")
	assert.Contains(t, all, "checks (rate), http_reqs (counter), vus (gauge)")
}

func TestK6Rejects(t *testing.T) {
	cases := []struct{ name, in, err string }{
		{"empty", "  \n", "is empty"},
		{"only counters", `{"type":"Metric","data":{"type":"counter"},"metric":"http_reqs"}` + "\n" + `{"type":"Point","data":{"value":1},"metric":"http_reqs"}`, "no trend metric with points"},
		{"a summary without trends", `{"metrics": {"http_reqs": {"count": 1, "rate": 1}}}`, "no trend metric in the summary"},
		{"noise", "hello\nworld\n", "no trend metric with points"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, _, err := Import("k6", strings.NewReader(c.in), "in", Options{})
			require.Error(t, err)
			assert.Nil(t, f)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestImportFormats(t *testing.T) {
	_, _, err := Import("jmeter", strings.NewReader(""), "x", Options{})
	require.Error(t, err)
	assert.Equal(t, `unknown format "jmeter"; want one of gotest, benchfmt, hyperfine, k6`, err.Error())
	_, _, err = Import("k6", strings.NewReader(""), "x", Options{Names: []string{"a"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "names are for hyperfine's commands")

	// benchfmt honours Unit lines, and says it was not go test's output.
	in := "pkg: example.com/score\nUnit points/op better=higher\nBenchmarkScore 1 100 points/op\nBenchmarkScore 1 110 points/op\n"
	_, _, err = Import("benchfmt", strings.NewReader(in), "score.txt", Options{})
	require.Error(t, err, "points is no results unit")
	in = "pkg: example.com/cache\nUnit allocs/op better=higher\nBenchmarkFill 1 100 ns/op 5 allocs/op\n"
	f, problems, err := Import("benchfmt", strings.NewReader(in), "fill.txt", Options{})
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, "benchfmt:example.com/cache", f.Suite)
	allocs, ok := f.Benchmark("gobench.fill_allocs")
	require.True(t, ok)
	assert.Equal(t, results.HigherIsBetter, allocs.Direction, "the Unit line decides")
	ns, ok := f.Benchmark("gobench.fill")
	require.True(t, ok)
	assert.Equal(t, results.LowerIsBetter, ns.Direction)
}
