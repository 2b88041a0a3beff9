package export

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/testhive"
)

func sampleFile(t *testing.T) *results.File {
	t.Helper()
	f := results.NewFile("quick", results.Fingerprint{Name: "tree", Files: 3, Bytes: 100,
		Hash: "sha256:abababababababababababababababababababababababababababababababab"})
	f.Env.Commit = "0123abcd"
	f.Env.Date = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	add := func(name, unit string, d results.Direction, s []float64, extra ...results.Figure) {
		b, err := results.NewBenchmark(name, unit, d, s, extra...)
		require.NoError(t, err)
		f.Add(b)
	}
	add("startup.serve", "ms", results.LowerIsBetter, []float64{10, 20, 30})
	add("memory.idle_rss", "MB", results.LowerIsBetter, []float64{30, 30})
	add("parsing.files_per_sec", "files/s", results.HigherIsBetter, []float64{900, 1100})
	add("parsing.per_file", "ms/file", results.LowerIsBetter, []float64{2, 4},
		results.Figure{Name: "throughput", Value: 5, Unit: "MB/s"})
	add("gobench.x_allocs", "allocs", results.LowerIsBetter, []float64{7})
	f.MarkComplete()
	return f
}

// find returns the value of the series of family name whose labels include
// want, failing when there is not exactly one.
func find(t *testing.T, mfs map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	mf, ok := mfs[name]
	require.True(t, ok, "metric %s missing; have %v", name, keys(mfs))
	var hits []float64
	for _, m := range mf.GetMetric() {
		match := 0
		if _, ok := want["quantile"]; ok {
			match++ // matched below, in the summary
		}
		for _, lp := range m.GetLabel() {
			if v, ok := want[lp.GetName()]; ok && v == lp.GetValue() {
				match++
			}
		}
		if match != len(want) {
			continue
		}
		switch mf.GetType() {
		case dto.MetricType_GAUGE:
			hits = append(hits, m.GetGauge().GetValue())
		case dto.MetricType_SUMMARY:
			// want["quantile"] picks a quantile; "sum" and "count"
			// (as the _sum and _count series) the rest.
			switch want["quantile"] {
			case "sum":
				hits = append(hits, m.GetSummary().GetSampleSum())
			case "count":
				hits = append(hits, float64(m.GetSummary().GetSampleCount()))
			default:
				for _, q := range m.GetSummary().GetQuantile() {
					if strconv.FormatFloat(q.GetQuantile(), 'g', -1, 64) == want["quantile"] {
						hits = append(hits, q.GetValue())
					}
				}
			}
		default:
			t.Fatalf("%s has type %s; want gauge or summary", name, mf.GetType())
		}
	}
	require.Len(t, hits, 1, "%s%v", name, want)
	return hits[0]
}

func keys(m map[string]*dto.MetricFamily) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkFamilies asserts the documented names and base-unit conversions.
func checkFamilies(t *testing.T, mfs map[string]*dto.MetricFamily) {
	t.Helper()
	cases := []struct {
		metric string
		labels map[string]string
		want   float64
	}{
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "0.5", "suite": "quick", "family": "startup"}, 0.020},
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "0"}, 0.010},
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "1"}, 0.030},
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "0.9"}, 0.028},
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "sum"}, 0.060},
		{"hivebench_benchmark_seconds", map[string]string{"benchmark": "startup.serve", "quantile": "count"}, 3},
		{"hivebench_benchmark_mean_seconds", map[string]string{"benchmark": "parsing.per_file"}, 0.003},
		{"hivebench_benchmark_stddev_seconds", map[string]string{"benchmark": "startup.serve", "suite": "quick", "family": "startup"}, 0.010},
		{"hivebench_benchmark_mad_seconds", map[string]string{"benchmark": "startup.serve"}, 0.010},
		{"hivebench_benchmark_median_ci_lower_seconds", map[string]string{"benchmark": "startup.serve"}, 0.010},
		{"hivebench_benchmark_median_ci_upper_seconds", map[string]string{"benchmark": "startup.serve"}, 0.030},
		{"hivebench_benchmark_bytes", map[string]string{"benchmark": "memory.idle_rss", "quantile": "0.5"}, 30e6},
		{"hivebench_benchmark_mean_bytes", map[string]string{"benchmark": "memory.idle_rss"}, 30e6},
		{"hivebench_benchmark_files_per_second", map[string]string{"benchmark": "parsing.files_per_sec", "quantile": "0"}, 900},
		{"hivebench_benchmark_allocs", map[string]string{"benchmark": "gobench.x_allocs", "quantile": "0.99"}, 7},
		{"hivebench_benchmark_allocs", map[string]string{"benchmark": "gobench.x_allocs", "quantile": "count"}, 1},
		{"hivebench_figure_bytes_per_second", map[string]string{"benchmark": "parsing.per_file", "figure": "throughput"}, 5e6},
		{"hivebench_run_complete", map[string]string{"suite": "quick"}, 1},
		{"hivebench_run_timestamp_seconds", map[string]string{"suite": "quick"}, float64(time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC).Unix())},
		{"hivebench_run_info", map[string]string{"commit": "0123abcd", "workload_hash": "sha256:abababababababababababababababababababababababababababababababab", "workload": "tree"}, 1},
	}
	for _, c := range cases {
		assert.InDelta(t, c.want, find(t, mfs, c.metric, c.labels), 1e-9, "%s%v", c.metric, c.labels)
	}
	// Bounded cardinality: stats only, never one series per raw sample.
	require.Contains(t, mfs, "hivebench_benchmark_seconds")
	secs := mfs["hivebench_benchmark_seconds"]
	assert.Equal(t, dto.MetricType_SUMMARY, secs.GetType(), "percentiles are a summary's quantiles")
	require.Len(t, secs.GetMetric(), 2)
	for _, m := range secs.GetMetric() {
		assert.Len(t, m.GetSummary().GetQuantile(), len(Quantiles))
	}
	// No family mixes statistics under a label any more.
	for name, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				assert.NotEqual(t, "stat", lp.GetName(), "%s has a stat label", name)
			}
		}
	}
}

func TestWriteTextfileParsesBack(t *testing.T) {
	dir := t.TempDir()
	f := sampleFile(t)
	require.NoError(t, WriteTextfile(dir, f))
	// Write twice: the second replaces the first and leaves no temp file.
	require.NoError(t, WriteTextfile(dir, f))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, TextfileName, entries[0].Name())
	info, err := entries[0].Info()
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	fh, err := os.Open(filepath.Join(dir, TextfileName))
	require.NoError(t, err)
	defer fh.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(fh)
	require.NoError(t, err)
	checkFamilies(t, mfs)
}

func TestWriteTextfileErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	err := WriteTextfile(missing, sampleFile(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), missing)

	bad := sampleFile(t)
	bad.Benchmarks[0].Unit = "furlongs"
	err = WriteTextfile(t.TempDir(), bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "startup.serve")
}

// gateway is a loopback Pushgateway stand-in: it records each request and
// decodes its body in whatever format the client sent.
type gateway struct {
	mu     sync.Mutex
	method string
	path   string
	mfs    map[string]*dto.MetricFamily
	// bodyHadSuite is set when a pushed series carried a suite label
	// itself; the real Pushgateway refuses that.
	bodyHadSuite bool
	err          error
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.method, g.path = r.Method, r.URL.Path
	g.mfs = map[string]*dto.MetricFamily{}
	dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err != nil {
			if !errors.Is(err, io.EOF) {
				g.err = err
			}
			break
		}
		g.mfs[mf.GetName()] = mf
	}
	// Like the Pushgateway, add the grouping key from the path
	// (/metrics/job/J/suite/S) to every series.
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/metrics/"), "/")
	for _, mf := range g.mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "suite" {
					g.bodyHadSuite = true
				}
			}
			for i := 0; i+1 < len(parts); i += 2 {
				name, value := parts[i], parts[i+1]
				m.Label = append(m.Label, &dto.LabelPair{Name: &name, Value: &value})
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

func TestPushToGateway(t *testing.T) {
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	require.NoError(t, Push(context.Background(), srv.URL, "hivebench", sampleFile(t)))
	g.mu.Lock()
	defer g.mu.Unlock()
	require.NoError(t, g.err)
	assert.Equal(t, http.MethodPut, g.method, "Push replaces the group")
	assert.Equal(t, "/metrics/job/hivebench/suite/quick", g.path)
	assert.False(t, g.bodyHadSuite, "suite is a grouping label, not a label in the body")
	checkFamilies(t, g.mfs)
}

func TestPushErrors(t *testing.T) {
	// A port that was just closed: connection refused, the unreachable case.
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusBadRequest)
	}))
	defer refusing.Close()

	cases := []struct {
		name string
		url  string
		want string
	}{
		{"unreachable", dead, dead},
		{"gateway refuses", refusing.URL, refusing.URL},
		{"empty url", "", "empty Pushgateway URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Push(context.Background(), c.url, "hivebench", sampleFile(t))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestGaugesIncompleteRun(t *testing.T) {
	f := sampleFile(t)
	f.MarkIncomplete("interrupted by SIGINT")
	reg, err := Gauges(f)
	require.NoError(t, err)
	mfs, err := reg.Gather()
	require.NoError(t, err)
	byName := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		byName[mf.GetName()] = mf
	}
	assert.Equal(t, 0.0, find(t, byName, "hivebench_run_complete", map[string]string{"suite": "quick"}))
}

// A gateway that accepts the connection and never answers must not hold
// the run: Push gives up when ctx ends and names the URL.
func TestPushGivesUpOnSilentGateway(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := Push(ctx, srv.URL, "hivebench", sampleFile(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.URL)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// promtool check metrics (Prometheus's own linter: naming, units, summary
// and label conventions) must find nothing in what hive publishes: the
// textfile, and the pushed series as the Pushgateway exposes them (with
// job and suite added from the grouping key).
func TestPromtoolChecksExport(t *testing.T) {
	promtool, err := testhive.Promtool()
	if err != nil {
		t.Skip(err)
	}
	// The linter is live: it refuses what breaks the conventions.
	require.Error(t, testhive.CheckMetrics(promtool, []byte("# HELP x_milliseconds x\n# TYPE x_milliseconds counter\nx_milliseconds 1\n")))

	dir := t.TempDir()
	require.NoError(t, WriteTextfile(dir, sampleFile(t)))
	text, err := os.ReadFile(filepath.Join(dir, TextfileName))
	require.NoError(t, err)
	assert.NoError(t, testhive.CheckMetrics(promtool, text), "textfile")

	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	require.NoError(t, Push(context.Background(), srv.URL, "hivebench", sampleFile(t)))
	g.mu.Lock()
	defer g.mu.Unlock()
	require.NoError(t, g.err)
	names := keys(g.mfs)
	slices.Sort(names)
	var pushed bytes.Buffer
	enc := expfmt.NewEncoder(&pushed, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, name := range names {
		require.NoError(t, enc.Encode(g.mfs[name]))
	}
	require.Contains(t, pushed.String(), `job="hivebench"`)
	assert.NoError(t, testhive.CheckMetrics(promtool, pushed.Bytes()), "pushed")
}
