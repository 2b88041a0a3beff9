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

// Stats are the values of the stat label, in order.
var Stats = []string{"min", "p50", "p90", "p95", "p99", "max", "mean", "stddev", "mad", "median_ci_lo", "median_ci_hi"}

func statValues(s stats.Summary) []float64 {
	return []float64{s.Min, s.P50, s.P90, s.P95, s.P99, s.Max, s.Mean, s.Stddev, s.MAD, s.MedianCI.Lo, s.MedianCI.Hi}
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
	reg := prometheus.NewRegistry()
	vecs := map[string]*prometheus.GaugeVec{}
	vec := func(name, help string, labels ...string) (*prometheus.GaugeVec, error) {
		if v, ok := vecs[name]; ok {
			return v, nil
		}
		if !withSuite {
			labels = labels[1:] // suite is always the first label
		}
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, labels)
		if err := reg.Register(v); err != nil {
			return nil, fmt.Errorf("register %s_%s: %w", Namespace, name, err)
		}
		vecs[name] = v
		return v, nil
	}

	// lv prepends the suite to a series' label values when it is a label.
	lv := func(vals ...string) []string {
		if withSuite {
			return append([]string{f.Suite}, vals...)
		}
		return vals
	}
	samples, err := vec("benchmark_samples", "Number of raw samples behind a benchmark's stats.", "suite", "family", "benchmark")
	if err != nil {
		return nil, err
	}
	for _, b := range f.Benchmarks {
		suffix, factor, err := baseUnit(b.Unit)
		if err != nil {
			return nil, fmt.Errorf("%s: benchmark %s: %w", f.Label(), b.Name, err)
		}
		v, err := vec("benchmark_"+suffix,
			fmt.Sprintf("Summary statistics of a hivebench benchmark in %s (label stat); see harness/export.", strings.ReplaceAll(suffix, "_", " ")),
			"suite", "family", "benchmark", "stat")
		if err != nil {
			return nil, err
		}
		for i, x := range statValues(b.Summary) {
			v.WithLabelValues(lv(string(b.Metric), b.Name, Stats[i])...).Set(x * factor)
		}
		samples.WithLabelValues(lv(string(b.Metric), b.Name)...).Set(float64(len(b.Samples)))
		for _, x := range b.Extra {
			suffix, factor, err := baseUnit(x.Unit)
			if err != nil {
				return nil, fmt.Errorf("%s: benchmark %s: figure %s: %w", f.Label(), b.Name, x.Name, err)
			}
			fv, err := vec("figure_"+suffix,
				fmt.Sprintf("A figure derived from a hivebench benchmark in %s (label figure).", strings.ReplaceAll(suffix, "_", " ")),
				"suite", "family", "benchmark", "figure")
			if err != nil {
				return nil, err
			}
			fv.WithLabelValues(lv(string(b.Metric), b.Name, x.Name)...).Set(x.Value * factor)
		}
	}

	complete, err := vec("run_complete", "1 when every benchmark of the suite ran, 0 when the run stopped early.", "suite")
	if err != nil {
		return nil, err
	}
	c := 0.0
	if f.Complete {
		c = 1
	}
	complete.WithLabelValues(lv()...).Set(c)
	ts, err := vec("run_timestamp_seconds", "Start date of the run (results env.date), Unix seconds.", "suite")
	if err != nil {
		return nil, err
	}
	ts.WithLabelValues(lv()...).Set(float64(f.Env.Date.Unix()))
	info, err := vec("run_info", "Identity of the run; always 1. Join on suite for commit and workload.",
		"suite", "commit", "dirty", "workload", "workload_hash", "go_version", "cpu_model", "host_hash", "tool_version")
	if err != nil {
		return nil, err
	}
	info.WithLabelValues(lv(f.Env.Commit, strconv.FormatBool(f.Env.Dirty), f.Workload.Name, f.Workload.Hash,
		f.Env.GoVersion, f.Env.CPUModel, f.Env.HostHash, f.Tool.Version)...).Set(1)
	return reg, nil
}
