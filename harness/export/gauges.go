package export

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
)

// Namespace prefixes every metric name.
const Namespace = "hivebench"

// Quantiles are the quantile label values of a benchmark's summary
// family, in order: 0 is the minimum and 1 the maximum sample, as in the Go
// client's own go_gc_duration_seconds.
var Quantiles = []float64{0, 0.5, 0.9, 0.95, 0.99, 1}

func quantileValues(s stats.Summary) []float64 {
	return []float64{s.Min, s.P50, s.P90, s.P95, s.P99, s.Max}
}

// Stats are the statistics that are not quantiles, each a gauge family of
// its own: hivebench_benchmark_STAT_UNIT.
var Stats = []string{"mean", "stddev", "mad", "median_ci_lower", "median_ci_upper"}

func statValues(s stats.Summary) []float64 {
	return []float64{s.Mean, s.Stddev, s.MAD, s.MedianCI.Lo, s.MedianCI.Hi}
}

var statHelp = map[string]string{
	"mean":            "Mean of a hivebench benchmark's samples",
	"stddev":          "Sample standard deviation (n-1) of a hivebench benchmark's samples",
	"mad":             "Median absolute deviation (unscaled) of a hivebench benchmark's samples",
	"median_ci_lower": "Lower bound of the bootstrap confidence interval (results median_ci.level, 0.95 by default) of a hivebench benchmark's median",
	"median_ci_upper": "Upper bound of the bootstrap confidence interval (results median_ci.level, 0.95 by default) of a hivebench benchmark's median",
}

// summaries collects the const summaries of the benchmarks, one family per
// unit; a Registry gathers it like any other collector.
type summaries struct {
	descs   map[string]*prometheus.Desc
	metrics []prometheus.Metric
}

func (c *summaries) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }

func (c *summaries) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.metrics {
		ch <- m
	}
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// baseUnit returns the metric-name suffix of a results unit and the factor
// from it to that Prometheus base unit.
func baseUnit(unit string) (suffix string, factor float64, err error) {
	u, err := results.ParseUnit(unit)
	if err != nil {
		return "", 0, err
	}
	switch {
	case u.Dim == "time":
		return "seconds", u.Scale / 1e9, nil // Scale converts to ns
	case u.Dim == "bytes":
		return "bytes", u.Scale, nil
	case strings.HasSuffix(u.Dim, "/time"):
		// Scale converts rates to per second already.
		return nameWord(strings.TrimSuffix(u.Dim, "/time")) + "_per_second", u.Scale, nil
	default:
		return nameWord(u.Dim), u.Scale, nil
	}
}

func nameWord(s string) string {
	return strings.Trim(nonName.ReplaceAllString(strings.ToLower(s), "_"), "_")
}

// Gauges builds a registry holding f's metrics (see the package doc for the
// names). It fails, naming the benchmark, when a unit is not one results
// knows, rather than exporting a number in an unknown unit.
func Gauges(f *results.File) (*prometheus.Registry, error) {
	return gauges(f, true)
}

// gauges builds the registry; withSuite false leaves the suite label off
// every series, for Push, where suite is a grouping label that the
// Pushgateway adds to each series itself (and refuses in the body).
func gauges(f *results.File, withSuite bool) (*prometheus.Registry, error) {
	g := &gaugeSet{f: f, withSuite: withSuite, reg: prometheus.NewRegistry(), vecs: map[string]*prometheus.GaugeVec{}}
	sums := &summaries{descs: map[string]*prometheus.Desc{}}
	for _, b := range f.Benchmarks {
		if err := g.benchmark(b, sums); err != nil {
			return nil, err
		}
	}
	// Registered once filled, so the registry checks every summary's
	// name and labels against the gauges'.
	if err := g.reg.Register(sums); err != nil {
		return nil, fmt.Errorf("register %s benchmark summaries: %w", Namespace, err)
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	return g.reg, nil
}

// gaugeSet is the registry gauges fills for one results file.
type gaugeSet struct {
	f         *results.File
	withSuite bool
	reg       *prometheus.Registry
	vecs      map[string]*prometheus.GaugeVec
}

// vec is the gauge vector called name, registered on first use.
func (g *gaugeSet) vec(name, help string, labels ...string) (*prometheus.GaugeVec, error) {
	if v, ok := g.vecs[name]; ok {
		return v, nil
	}
	if !g.withSuite {
		labels = labels[1:] // suite is always the first label
	}
	v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	if err := g.reg.Register(v); err != nil {
		return nil, fmt.Errorf("register %s_%s: %w", Namespace, name, err)
	}
	g.vecs[name] = v
	return v, nil
}

// lv prepends the suite to a series' label values when it is a label.
func (g *gaugeSet) lv(vals ...string) []string {
	if g.withSuite {
		return append([]string{g.f.Suite}, vals...)
	}
	return vals
}

// benchmark adds b's summary to sums and its statistics and figures as
// gauges.
func (g *gaugeSet) benchmark(b results.Benchmark, sums *summaries) error {
	f := g.f
	suffix, factor, err := baseUnit(b.Unit)
	if err != nil {
		return fmt.Errorf("%s: benchmark %s: %w", f.Label(), b.Name, err)
	}
	in := strings.ReplaceAll(suffix, "_", " ")
	desc, ok := sums.descs[suffix]
	if !ok {
		labels := []string{"suite", "family", "benchmark"}
		if !g.withSuite {
			labels = labels[1:]
		}
		desc = prometheus.NewDesc(Namespace+"_benchmark_"+suffix,
			fmt.Sprintf("Quantiles of a hivebench benchmark's samples in %s (quantile 0: min, 1: max); _count is the number of samples. See harness/export.", in),
			labels, nil)
		sums.descs[suffix] = desc
	}
	qs := make(map[float64]float64, len(Quantiles))
	for i, x := range quantileValues(b.Summary) {
		qs[Quantiles[i]] = x * factor
	}
	sum := 0.0
	for _, x := range b.Samples {
		sum += x * factor
	}
	m, err := prometheus.NewConstSummary(desc, uint64(len(b.Samples)), sum, qs, g.lv(string(b.Metric), b.Name)...)
	if err != nil {
		return fmt.Errorf("%s: benchmark %s: %w", f.Label(), b.Name, err)
	}
	sums.metrics = append(sums.metrics, m)
	for i, x := range statValues(b.Summary) {
		v, err := g.vec("benchmark_"+Stats[i]+"_"+suffix, fmt.Sprintf("%s, in %s.", statHelp[Stats[i]], in),
			"suite", "family", "benchmark")
		if err != nil {
			return err
		}
		v.WithLabelValues(g.lv(string(b.Metric), b.Name)...).Set(x * factor)
	}
	for _, x := range b.Extra {
		suffix, factor, err := baseUnit(x.Unit)
		if err != nil {
			return fmt.Errorf("%s: benchmark %s: figure %s: %w", f.Label(), b.Name, x.Name, err)
		}
		fv, err := g.vec("figure_"+suffix,
			fmt.Sprintf("A figure derived from a hivebench benchmark in %s (label figure).", strings.ReplaceAll(suffix, "_", " ")),
			"suite", "family", "benchmark", "figure")
		if err != nil {
			return err
		}
		fv.WithLabelValues(g.lv(string(b.Metric), b.Name, x.Name)...).Set(x.Value * factor)
	}
	return nil
}

// run adds the run's own series: complete, timestamp and identity.
func (g *gaugeSet) run() error {
	f := g.f
	complete, err := g.vec("run_complete", "1 when every benchmark of the suite ran, 0 when the run stopped early.", "suite")
	if err != nil {
		return err
	}
	c := 0.0
	if f.Complete {
		c = 1
	}
	complete.WithLabelValues(g.lv()...).Set(c)
	ts, err := g.vec("run_timestamp_seconds", "Start date of the run (results env.date), Unix seconds.", "suite")
	if err != nil {
		return err
	}
	ts.WithLabelValues(g.lv()...).Set(float64(f.Env.Date.Unix()))
	info, err := g.vec("run_info", "Identity of the run; always 1. Join on suite for commit and workload.",
		"suite", "commit", "dirty", "workload", "workload_hash", "go_version", "cpu_model", "host_hash", "tool_version")
	if err != nil {
		return err
	}
	info.WithLabelValues(g.lv(f.Env.Commit, strconv.FormatBool(f.Env.Dirty), f.Workload.Name, f.Workload.Hash,
		f.Env.GoVersion, f.Env.CPUModel, f.Env.HostHash, f.Tool.Version)...).Set(1)
	return nil
}
