package load

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/stats"
)

// Threshold is a pass/fail condition on the run's measurements, written in
// the manner of k6:
//
//	threshold = [scope "."] aggregate op value
//	scope     = consensus | cache_hit | conversation_read | overhead
//	aggregate = p(Q) | avg | med | min | max          latency (Q in (0, 100]); value: a duration
//	          | rate(errors) | rate(dropped)          a fraction; value: 0.01 or 1%
//	          | count(errors) | count(dropped) | count(requests)   value: an integer
//	          | throughput                            successful requests per time; value: 10/s, 600/min
//	op        = < | <= | > | >= | == | !=
//
// Examples: "p(99)<300ms", "consensus.p(95)<250ms", "rate(errors)<0.01",
// "count(dropped)==0", "overhead.p(99)<5ms", "throughput>=100/s".
//
// Without a scope, an aggregate covers every kind. Latency aggregates cover
// successful requests only (an instant "connection refused" is not a fast
// answer); errors are judged by rate(errors). The overhead scope is the
// engine overhead that consensus replies report (overhead_ms), and takes
// only latency aggregates. dropped is counted per arrival of an open model,
// so it takes no scope; rate(dropped) is dropped / arrivals.
//
// A latency value may be "declared" plus or minus a duration
// ("p(99)<declared+5ms"): the declared upstream latency of one run of the
// mock the harness started (MockLatency.Declared). It cannot be used against
// a --target the harness did not start, since no latency is declared there.
//
// Parsing is strict: a missing unit, an unknown aggregate or scope, a
// percentile out of range, a fraction above 1 are errors that say what
// would be right.
type Threshold struct {
	Expr     string  `json:"expr"`
	Scope    string  `json:"scope,omitempty"` // "" (all kinds), a Kind, or "overhead"
	Agg      string  `json:"aggregate"`       // p, avg, med, min, max, rate, count, throughput
	Q        float64 `json:"q,omitempty"`     // the percentile of p(Q), in (0, 100]
	Of       string  `json:"of,omitempty"`    // rate and count: errors, dropped, requests
	Op       string  `json:"op"`
	Value    float64 `json:"value"` // ns for latency, a fraction, a count, or per second
	Declared bool    `json:"declared,omitempty"`
}

var ops = []string{"<=", ">=", "==", "!=", "<", ">"}

const overheadScope = "overhead"

// ParseThreshold parses one threshold expression.
func ParseThreshold(expr string) (Threshold, error) {
	t := Threshold{Expr: strings.TrimSpace(expr)}
	if t.Expr == "" {
		return t, errors.New(`empty threshold; want e.g. "p(99)<300ms" or "rate(errors)<0.01"`)
	}
	opAt, opLen := -1, 0
	for i := 0; i < len(t.Expr) && opAt < 0; i++ {
		for _, op := range ops {
			if strings.HasPrefix(t.Expr[i:], op) {
				opAt, opLen, t.Op = i, len(op), op
				break
			}
		}
	}
	if opAt < 0 {
		return t, fmt.Errorf("threshold %q has no comparison; want one of < <= > >= == != as in p(99)<300ms", expr)
	}
	left := strings.TrimSpace(t.Expr[:opAt])
	right := strings.TrimSpace(t.Expr[opAt+opLen:])
	if right == "" {
		return t, fmt.Errorf("threshold %q has no value after %s", expr, t.Op)
	}
	if strings.ContainsAny(right, "<>=!") {
		return t, fmt.Errorf("threshold %q has more than one comparison; write one condition per threshold", expr)
	}

	// The scope ends at the first dot that is not inside p(…): "p(99.9)"
	// has a dot but no scope.
	if dot, paren := strings.IndexByte(left, '.'), strings.IndexByte(left, '('); dot >= 0 && (paren < 0 || dot < paren) {
		t.Scope, left = left[:dot], left[dot+1:]
		if t.Scope != overheadScope {
			if _, err := ParseKind(t.Scope); err != nil {
				return t, fmt.Errorf("threshold %q: scope: %v (or overhead)", expr, err)
			}
		}
	}
	if err := t.parseAggregate(left); err != nil {
		return t, fmt.Errorf("threshold %q: %w", expr, err)
	}
	if err := t.parseValue(right); err != nil {
		return t, fmt.Errorf("threshold %q: %w", expr, err)
	}
	return t, nil
}

func (t *Threshold) parseAggregate(s string) error {
	switch s {
	case "avg", "med", "min", "max", "throughput":
		t.Agg = s
	case "rate(errors)", "rate(dropped)", "count(errors)", "count(dropped)", "count(requests)":
		t.Agg, t.Of, _ = strings.Cut(strings.TrimSuffix(s, ")"), "(")
	default:
		inner, ok := strings.CutPrefix(s, "p(")
		if !ok || !strings.HasSuffix(inner, ")") {
			return fmt.Errorf("unknown aggregate %q; want p(Q), avg, med, min, max, rate(errors), rate(dropped), count(errors), count(dropped), count(requests) or throughput", s)
		}
		q, err := strconv.ParseFloat(strings.TrimSuffix(inner, ")"), 64)
		if err != nil || math.IsNaN(q) || q <= 0 || q > 100 {
			return fmt.Errorf("percentile %q: want p(Q) with 0 < Q ≤ 100, such as p(99) or p(99.9)", s)
		}
		t.Agg, t.Q = "p", q
	}
	if t.Scope == overheadScope && !t.isLatency() {
		return fmt.Errorf("the overhead scope takes a latency aggregate (p(Q), avg, med, min, max), not %s", s)
	}
	if t.Of == "dropped" && t.Scope != "" {
		return fmt.Errorf("%s takes no scope: an arrival is dropped before its request is sent", s)
	}
	return nil
}

func (t *Threshold) isLatency() bool {
	switch t.Agg {
	case "p", "avg", "med", "min", "max":
		return true
	}
	return false
}

func (t *Threshold) parseValue(s string) error {
	switch {
	case t.isLatency():
		rest := s
		if after, ok := strings.CutPrefix(s, "declared"); ok {
			t.Declared, rest = true, strings.TrimSpace(after)
			if rest == "" {
				return nil
			}
			if rest[0] != '+' && rest[0] != '-' {
				return fmt.Errorf("value %q: want declared, declared+DURATION or declared-DURATION", s)
			}
			if rest[0] == '+' {
				rest = strings.TrimSpace(rest[1:])
			} else {
				rest = "-" + strings.TrimSpace(rest[1:])
			}
		}
		d, err := time.ParseDuration(rest)
		if err != nil {
			return fmt.Errorf("value %q is not a duration with a unit; want e.g. 300ms, 1.5s or declared+5ms", s)
		}
		if !t.Declared && d < 0 {
			return fmt.Errorf("value %q: a latency bound must not be negative", s)
		}
		t.Value = float64(d)
	case t.Agg == "rate":
		v, pct := s, false
		if p, ok := strings.CutSuffix(s, "%"); ok {
			v, pct = strings.TrimSpace(p), true
		}
		f, err := strconv.ParseFloat(v, 64)
		if pct {
			f /= 100
		}
		if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
			return fmt.Errorf("value %q: want a fraction in [0, 1] such as 0.01, or a percentage such as 1%%", s)
		}
		t.Value = f
	case t.Agg == "count":
		n, err := strconv.ParseUint(s, 10, 63)
		if err != nil {
			return fmt.Errorf("value %q: want a whole number ≥ 0", s)
		}
		t.Value = float64(n)
	case t.Agg == "throughput":
		r, err := ParseRate(s)
		if err != nil {
			return fmt.Errorf("value: %v", err)
		}
		t.Value = r.PerSecond()
	}
	return nil
}

// ThresholdResult is one evaluated threshold.
type ThresholdResult struct {
	Threshold
	// Bound is the value compared with, as text ("605ms" for declared+5ms).
	Bound string `json:"bound"`
	// Measured is the measured value in the threshold's unit (ns for
	// latency); MeasuredText is its printed form.
	Measured     float64 `json:"measured"`
	MeasuredText string  `json:"measured_text"`
	OK           bool    `json:"ok"`
	// Note explains a failure that is not a comparison: no samples to judge.
	Note string `json:"note,omitempty"`
}

// Evaluate judges t on the report. declared is the declared run latency
// (0 when no mock was started; a "declared" threshold then fails with a
// note, though the CLI refuses it before the run).
func (t Threshold) Evaluate(r *Report, declared time.Duration) ThresholdResult {
	res := ThresholdResult{Threshold: t}
	bound := t.Value
	if t.Declared {
		if declared <= 0 {
			res.Note = "no declared latency: the harness did not start the mock LLM"
			res.Bound = "declared (unknown)"
			return res
		}
		bound += float64(declared)
	}
	res.Bound = t.formatValue(bound)

	var measured float64
	switch {
	case t.isLatency():
		xs := r.latencies(t.Scope)
		if len(xs) == 0 {
			res.Note = "no successful requests to measure"
			return res
		}
		switch t.Agg {
		case "p":
			measured = stats.QuantileSorted(xs, t.Q/100)
		case "med":
			measured = stats.QuantileSorted(xs, 0.5)
		case "avg":
			var sum float64
			for _, x := range xs {
				sum += x
			}
			measured = sum / float64(len(xs))
		case "min":
			measured = xs[0]
		case "max":
			measured = xs[len(xs)-1]
		}
	case t.Agg == "count":
		switch t.Of {
		case "errors":
			measured = float64(r.scopeStats(t.Scope).Errors)
		case "requests":
			measured = float64(r.scopeStats(t.Scope).Requests)
		case "dropped":
			measured = float64(r.Dropped)
		}
	case t.Agg == "rate":
		var num, den int64
		switch t.Of {
		case "errors":
			s := r.scopeStats(t.Scope)
			num, den = s.Errors, s.Requests
		case "dropped":
			num, den = r.Dropped, r.Arrivals
			if r.Scenario.Model == Closed {
				den = max(den, 1) // a closed model drops nothing: rate 0
			}
		}
		if den == 0 {
			res.Note = "no requests to measure"
			return res
		}
		measured = float64(num) / float64(den)
	case t.Agg == "throughput":
		measured = r.scopeStats(t.Scope).Throughput
	}
	res.Measured = measured
	res.MeasuredText = t.formatValue(measured)
	res.OK = compare(measured, t.Op, bound)
	return res
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

func (t Threshold) formatValue(v float64) string {
	switch {
	case t.isLatency():
		return formatMS(v)
	case t.Agg == "rate":
		return strconv.FormatFloat(v, 'g', 4, 64) + fmt.Sprintf(" (%.2f%%)", v*100)
	case t.Agg == "count":
		return strconv.FormatFloat(v, 'f', 0, 64)
	case t.Agg == "throughput":
		return strconv.FormatFloat(v, 'f', 2, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// formatMS prints a time in nanoseconds as milliseconds, with enough
// digits for sub-millisecond values.
func formatMS(ns float64) string {
	ms := ns / 1e6
	switch {
	case math.Abs(ms) >= 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	case math.Abs(ms) >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	default:
		return strconv.FormatFloat(ms, 'f', 3, 64) + "ms"
	}
}
