package importers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// maxTagSets bounds the per-tag-set benchmarks of one k6 metric, and
// minSetPoints is the fewest points each tag set needs for the metric to be
// split by them: a tag that differs on every request (a URL with an id in
// it, vu, iter) would otherwise make one benchmark of one sample per
// request, which nothing can compare.
const (
	maxTagSets   = 20
	minSetPoints = 2
)

// maxK6Line bounds one line of k6's JSON output; a point is a few hundred
// bytes, a metric line a few kilobytes with its thresholds.
const maxK6Line = 1 << 20

// readK6 imports k6's JSON output: the NDJSON stream of --out json (raw
// points) or, when the input is one JSON object with "metrics", the end of
// test summary (--summary-export, or handleSummary's data): aggregates
// only.
func readK6(r io.Reader, name string, _ Options) (*results.File, []Problem, error) {
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err != nil {
		return nil, nil, err
	}
	if first == 0 {
		return nil, nil, fmt.Errorf("%s is empty; expected k6 run --out json=FILE output or a --summary-export file", name)
	}
	// The summary is one (indented) object; the stream's first line is a
	// whole object of its own with "type". Peek at the first value.
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, nil, exitcode.InfraError("read %s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var probe map[string]json.RawMessage
	if err := dec.Decode(&probe); err == nil {
		if _, ok := probe["metrics"]; ok {
			if _, isPoint := probe["type"]; !isPoint {
				return readK6Summary(data, name)
			}
		}
	}
	return readK6Points(bytes.NewReader(data), name)
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return 0, nil
		}
		if err != nil {
			return 0, exitcode.InfraError("read: %v", err)
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return b, br.UnreadByte()
		}
	}
}

// k6Line is one line of --out json.
type k6Line struct {
	Type   string          `json:"type"`
	Metric string          `json:"metric"`
	Data   json.RawMessage `json:"data"`
}

type k6MetricData struct {
	Type     string `json:"type"`
	Contains string `json:"contains"`
}

type k6PointData struct {
	Time  string            `json:"time"`
	Value *float64          `json:"value"`
	Tags  map[string]string `json:"tags"`
}

// k6Metric collects one metric's points, pooled and by tag set.
type k6Metric struct {
	name, kind, contains string
	line                 int
	all                  []float64
	sets                 map[string]*k6Set // by canonical tags
	order                []string
}

type k6Set struct {
	tags    map[string]string
	samples []float64
}

// k6Points gathers the metrics and points of k6's --out json lines.
type k6Points struct {
	name     string
	metrics  map[string]*k6Metric
	order    []string
	first    time.Time
	problems []Problem
}

func (p *k6Points) problem(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// take reads line n of the output.
func (p *k6Points) take(n int, text []byte) {
	var l k6Line
	if err := json.Unmarshal(text, &l); err != nil {
		p.problem(n, "not a JSON object of k6's --out json: %v", err)
		return
	}
	switch l.Type {
	case "Metric":
		var md k6MetricData
		if err := json.Unmarshal(l.Data, &md); err != nil || l.Metric == "" {
			p.problem(n, "metric line without a metric name or type")
			return
		}
		if _, ok := p.metrics[l.Metric]; !ok {
			p.metrics[l.Metric] = &k6Metric{name: l.Metric, kind: md.Type, contains: md.Contains, line: n, sets: map[string]*k6Set{}}
			p.order = append(p.order, l.Metric)
		}
	case "Point":
		m := p.metrics[l.Metric]
		if m == nil {
			p.problem(n, "point of metric %q before its Metric line; skipped", l.Metric)
			return
		}
		var pd k6PointData
		if err := json.Unmarshal(l.Data, &pd); err != nil || pd.Value == nil {
			p.problem(n, "point of %s without a numeric value; skipped", l.Metric)
			return
		}
		if math.IsNaN(*pd.Value) || math.IsInf(*pd.Value, 0) {
			p.problem(n, "point of %s has value %v; skipped", l.Metric, *pd.Value)
			return
		}
		if t, err := time.Parse(time.RFC3339Nano, pd.Time); err == nil && (p.first.IsZero() || t.Before(p.first)) {
			p.first = t
		}
		m.add(*pd.Value, pd.Tags)
	default:
		p.problem(n, "line of type %q; k6 writes Metric and Point lines", l.Type)
	}
}

func readK6Points(r io.Reader, name string) (*results.File, []Problem, error) {
	pts := &k6Points{name: name, metrics: map[string]*k6Metric{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxK6Line)
	n := 0
	for sc.Scan() {
		n++
		if text := bytes.TrimSpace(sc.Bytes()); len(text) > 0 {
			pts.take(n, text)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, pts.problems, fmt.Errorf("%s:%d: a line longer than %d bytes is no k6 output", name, n+1, maxK6Line)
		}
		return nil, pts.problems, exitcode.InfraError("read %s: %v", name, err)
	}

	f := results.NewFile("k6", results.Fingerprint{})
	f.Env = importEnv()
	if !pts.first.IsZero() {
		f.Env.Date = pts.first.UTC().Truncate(time.Second)
	}
	taken := ids{}
	var skipped []string
	for _, mn := range pts.order {
		m := pts.metrics[mn]
		if m.kind != "trend" {
			skipped = append(skipped, mn+" ("+m.kind+")")
			continue
		}
		if len(m.all) == 0 {
			continue
		}
		unit := k6Unit(m.contains)
		for _, b := range m.benchmarks() {
			id, err := taken.claim(results.K6, b.what, b.label)
			if err != nil {
				pts.problem(m.line, "%v; skipped", err)
				continue
			}
			bench, err := results.NewBenchmark(id, unit, results.LowerIsBetter, b.samples)
			if err != nil {
				pts.problem(m.line, "%s: %v; skipped", b.label, err)
				continue
			}
			bench.Label = b.label
			f.Add(bench)
		}
		if why := m.notSplit(); why != "" {
			pts.problem(m.line, "%s: %s: imported pooled over them only; name requests with the name tag (or drop per-request tags such as vu and iter) to keep them apart", mn, why)
		}
	}
	if len(skipped) > 0 {
		pts.problems = append(pts.problems, Problem{File: name, Msg: "not imported, because their points are not samples of one quantity (only trends are): " + strings.Join(skipped, ", ")})
	}
	if len(f.Benchmarks) == 0 {
		return nil, pts.problems, fmt.Errorf("%s: no trend metric with points; expected k6 run --out json=FILE output (lines like {\"type\":\"Point\",\"metric\":\"http_req_duration\",...})", name)
	}
	f.MarkComplete()
	return f, pts.problems, nil
}

func (m *k6Metric) add(v float64, tags map[string]string) {
	m.all = append(m.all, v)
	key := canonicalTags(tags)
	s := m.sets[key]
	if s == nil {
		s = &k6Set{tags: tags}
		m.sets[key] = s
		m.order = append(m.order, key)
	}
	s.samples = append(s.samples, v)
}

type k6Bench struct {
	what, label string
	samples     []float64
}

// benchmarks are the metric pooled over every tag set (what k6's own
// summary shows), then, when there are several tag sets and not too many,
// one per tag set, named by the tags whose values differ between them.
func (m *k6Metric) benchmarks() []k6Bench {
	out := []k6Bench{{what: idPart(m.name), label: m.name, samples: m.all}}
	if len(m.sets) < 2 || m.notSplit() != "" {
		return out
	}
	varying := map[string]bool{}
	firstTags := m.sets[m.order[0]].tags
	for _, key := range m.order {
		t := m.sets[key].tags
		for k, v := range t {
			if fv, ok := firstTags[k]; !ok || fv != v {
				varying[k] = true
			}
		}
		for k := range firstTags {
			if _, ok := t[k]; !ok {
				varying[k] = true
			}
		}
	}
	keys := sortedKeys(varying)
	for _, key := range m.order {
		s := m.sets[key]
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+"_"+s.tags[k])
		}
		out = append(out, k6Bench{
			what:    idPart(m.name + "_" + strings.Join(parts, "_")),
			label:   m.name + "{" + key + "}",
			samples: s.samples,
		})
	}
	return out
}

// notSplit says why a metric with several tag sets is not split by them,
// or "" when it is (or has one tag set).
func (m *k6Metric) notSplit() string {
	if len(m.sets) < 2 {
		return ""
	}
	if len(m.sets) > maxTagSets {
		return fmt.Sprintf("%d tag sets, more than %d", len(m.sets), maxTagSets)
	}
	small := 0
	for _, s := range m.sets {
		if len(s.samples) < minSetPoints {
			small++
		}
	}
	if small > 0 {
		return fmt.Sprintf("%d of its %d tag sets have fewer than %d points", small, len(m.sets), minSetPoints)
	}
	return ""
}

// canonicalTags writes a tag set as k6 writes a submetric, k:v,k:v, keys
// sorted.
func canonicalTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + tags[k]
	}
	return strings.Join(parts, ",")
}

// k6Unit is the results unit of a k6 metric's values: k6 writes times in
// milliseconds and data in bytes; anything else is a plain number.
func k6Unit(contains string) string {
	switch contains {
	case "time":
		return "ms"
	case "data":
		return "B"
	}
	return "values"
}
