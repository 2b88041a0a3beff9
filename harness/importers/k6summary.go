package importers

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/hiveperf/hive/harness/results"
)

// k6TimeTrends are k6's built-in trends of times: the legacy
// --summary-export does not say a metric's unit, so only these are known to
// be milliseconds there.
var k6TimeTrends = map[string]bool{
	"http_req_duration": true, "http_req_blocked": true, "http_req_connecting": true,
	"http_req_tls_handshaking": true, "http_req_sending": true, "http_req_waiting": true,
	"http_req_receiving": true, "iteration_duration": true, "group_duration": true,
	"ws_connecting": true, "ws_session_duration": true, "ws_ping": true, "grpc_req_duration": true,
}

// readK6Summary imports k6's end-of-test summary: --summary-export (each
// metric's figures at its top level) or handleSummary's data (each metric
// with type, contains and values). Trends become aggregate-only
// benchmarks; k6 keeps no samples there.
func readK6Summary(data []byte, name string) (*results.File, []Problem, error) {
	var problems []Problem
	problem := func(format string, args ...any) {
		problems = append(problems, Problem{File: name, Msg: fmt.Sprintf(format, args...)})
	}
	var doc struct {
		Metrics map[string]map[string]json.RawMessage `json:"metrics"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s is not a k6 summary: %v", name, err)
	}
	f := results.NewFile("k6", results.Fingerprint{})
	f.Env = importEnv()
	taken := ids{}
	var skipped, unitless []string
	for _, mn := range sortedKeys(doc.Metrics) {
		kind, contains, values, err := k6SummaryMetric(doc.Metrics[mn])
		if err != nil {
			problem("metric %s: %v; skipped", mn, err)
			continue
		}
		if kind != "trend" {
			skipped = append(skipped, mn+" ("+kind+")")
			continue
		}
		base, _, _ := strings.Cut(mn, "{")
		if contains == "" && k6TimeTrends[base] {
			contains = "time"
		}
		if contains == "" {
			unitless = append(unitless, mn)
		}
		agg, ignored := k6Aggregates(values)
		if len(ignored) > 0 {
			problem("metric %s: figures %s have no place in a results file; not kept", mn, strings.Join(ignored, ", "))
		}
		if len(agg.Figures()) == 0 {
			problem("metric %s: no figure to import; skipped", mn)
			continue
		}
		id, err := taken.claim(results.K6, idPart(mn), mn)
		if err != nil {
			problem("%v; skipped", err)
			continue
		}
		f.Add(results.Benchmark{Name: id, Metric: results.K6, Unit: k6Unit(contains), Direction: results.LowerIsBetter, Label: mn, Aggregates: agg})
	}
	if len(unitless) > 0 {
		problem("the summary does not say the unit of %s: imported as plain values", strings.Join(unitless, ", "))
	}
	if len(skipped) > 0 {
		problem("not imported, because a summary of them is no distribution of samples (only trends are): %s", strings.Join(skipped, ", "))
	}
	if len(f.Benchmarks) == 0 {
		return nil, problems, fmt.Errorf("%s: no trend metric in the summary; expected k6's --summary-export or handleSummary JSON with \"metrics\"", name)
	}
	if err := f.Validate(); err != nil {
		return nil, problems, fmt.Errorf("%s: %v", name, err)
	}
	f.MarkComplete()
	return f, problems, nil
}

// k6SummaryMetric reads one metric of either summary shape: its type,
// what it contains ("" when the shape does not say) and its figures.
func k6SummaryMetric(raw map[string]json.RawMessage) (kind, contains string, values map[string]float64, err error) {
	values = map[string]float64{}
	if v, ok := raw["values"]; ok {
		// handleSummary's data: {"type": ..., "contains": ..., "values": {...}}
		if err := json.Unmarshal(v, &values); err != nil {
			return "", "", nil, fmt.Errorf("values is not an object of numbers: %v", err)
		}
		_ = json.Unmarshal(raw["type"], &kind)
		_ = json.Unmarshal(raw["contains"], &contains)
		if kind == "" {
			return "", "", nil, fmt.Errorf("values without a type")
		}
		return kind, contains, values, nil
	}
	// --summary-export: the figures at the top level, beside "thresholds".
	for k, v := range raw {
		if k == "thresholds" {
			continue
		}
		var x float64
		if err := json.Unmarshal(v, &x); err != nil {
			return "", "", nil, fmt.Errorf("%s is not a number", k)
		}
		values[k] = x
	}
	_, hasAvg := values["avg"]
	_, hasMed := values["med"]
	_, hasRate := values["rate"]
	_, hasPasses := values["passes"]
	_, hasValue := values["value"]
	switch {
	case hasAvg || hasMed:
		kind = "trend"
	case hasPasses:
		kind = "rate"
	case hasRate:
		kind = "counter"
	case hasValue:
		kind = "gauge"
	default:
		for k := range values {
			if strings.HasPrefix(k, "p(") {
				return "trend", "", values, nil
			}
		}
		return "", "", nil, fmt.Errorf("no figure of a trend, counter, gauge or rate")
	}
	return kind, "", values, nil
}

// k6Aggregates maps a trend's figures to results aggregates, and lists the
// figures that have no place there (p(99.9), say).
func k6Aggregates(values map[string]float64) (*results.Aggregates, []string) {
	a := &results.Aggregates{}
	var ignored []string
	for _, k := range sortedKeys(values) {
		v := values[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			ignored = append(ignored, k)
			continue
		}
		x := v
		switch k {
		case "min":
			a.Min = &x
		case "med", "p(50)":
			if a.P50 == nil {
				a.P50 = &x
			}
		case "p(90)":
			a.P90 = &x
		case "p(95)":
			a.P95 = &x
		case "p(99)":
			a.P99 = &x
		case "max":
			a.Max = &x
		case "avg":
			a.Mean = &x
		case "count":
			if x >= 1 && x == math.Trunc(x) && x <= math.MaxInt32 {
				n := int(x)
				a.N = &n
			} else {
				ignored = append(ignored, k)
			}
		default:
			ignored = append(ignored, k)
		}
	}
	return a, ignored
}
