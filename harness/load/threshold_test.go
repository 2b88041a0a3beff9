package load

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseThresholdValid(t *testing.T) {
	cases := []struct {
		expr string
		want Threshold
	}{
		{"p(99)<300ms", Threshold{Agg: "p", Q: 99, Op: "<", Value: 300e6}},
		{" p(99.9) <= 1.5s ", Threshold{Agg: "p", Q: 99.9, Op: "<=", Value: 1.5e9}},
		{"consensus.p(95)<250ms", Threshold{Scope: "consensus", Agg: "p", Q: 95, Op: "<", Value: 250e6}},
		{"cache_hit.med<2ms", Threshold{Scope: "cache_hit", Agg: "med", Op: "<", Value: 2e6}},
		{"conversation_read.max!=0s", Threshold{Scope: "conversation_read", Agg: "max", Op: "!=", Value: 0}},
		{"overhead.p(99)<5ms", Threshold{Scope: "overhead", Agg: "p", Q: 99, Op: "<", Value: 5e6}},
		{"avg>=100us", Threshold{Agg: "avg", Op: ">=", Value: 100e3}},
		{"p(100)<1s", Threshold{Agg: "p", Q: 100, Op: "<", Value: 1e9}},
		{"p(99)<declared+5ms", Threshold{Agg: "p", Q: 99, Op: "<", Value: 5e6, Declared: true}},
		{"p(50)>declared - 10ms", Threshold{Agg: "p", Q: 50, Op: ">", Value: -10e6, Declared: true}},
		{"max<declared", Threshold{Agg: "max", Op: "<", Declared: true}},
		{"rate(errors)<0.01", Threshold{Agg: "rate", Of: "errors", Op: "<", Value: 0.01}},
		{"rate(errors)<1%", Threshold{Agg: "rate", Of: "errors", Op: "<", Value: 0.01}},
		{"consensus.rate(errors)==0", Threshold{Scope: "consensus", Agg: "rate", Of: "errors", Op: "==", Value: 0}},
		{"rate(dropped)<=0.001", Threshold{Agg: "rate", Of: "dropped", Op: "<=", Value: 0.001}},
		{"count(dropped)==0", Threshold{Agg: "count", Of: "dropped", Op: "==", Value: 0}},
		{"count(errors)<10", Threshold{Agg: "count", Of: "errors", Op: "<", Value: 10}},
		{"cache_hit.count(requests)>100", Threshold{Scope: "cache_hit", Agg: "count", Of: "requests", Op: ">", Value: 100}},
		{"throughput>=10/s", Threshold{Agg: "throughput", Op: ">=", Value: 10}},
		{"consensus.throughput>600/min", Threshold{Scope: "consensus", Agg: "throughput", Op: ">", Value: 10}},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			got, err := ParseThreshold(c.expr)
			require.NoError(t, err)
			c.want.Expr = got.Expr
			assert.InDelta(t, c.want.Value, got.Value, 1e-9)
			got.Value = c.want.Value
			assert.Equal(t, c.want, got)
		})
	}
}

func TestParseThresholdInvalid(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"", "empty threshold"},
		{"p(99)", "no comparison"},
		{"p(99)<", "no value"},
		{"p(99)<300", "not a duration with a unit"},
		{"p(99)<fast", "not a duration"},
		{"p(99)<-3ms", "must not be negative"},
		{"p(0)<1s", "0 < Q ≤ 100"},
		{"p(101)<1s", "0 < Q ≤ 100"},
		{"p(x)<1s", "0 < Q ≤ 100"},
		{"p99<1s", "unknown aggregate"},
		{"mean<1s", "unknown aggregate"},
		{"rate(timeouts)<0.1", "unknown aggregate"},
		{"rate(errors)<2", "fraction in [0, 1]"},
		{"rate(errors)<150%", "fraction in [0, 1]"},
		{"count(errors)<1.5", "whole number"},
		{"count(errors)<-1", "whole number"},
		{"throughput>10", "no unit"},
		{"throughput>10/day", "unknown time unit"},
		{"analyze_small.p(99)<1s", "not supported"},
		{"consensu.p(99)<1s", "unknown request kind"},
		{"overhead.rate(errors)<0.1", "overhead scope takes a latency aggregate"},
		{"consensus.count(dropped)==0", "takes no scope"},
		{"p(99)<1s<2s", "more than one comparison"},
		{"p(99)<declared*2", "declared+DURATION"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := ParseThreshold(c.expr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// syntheticReport builds a report from fixed samples, as Run would.
func syntheticReport(model Model, samples []sample, examples map[string]string, arrivals, dropped int64) *Report {
	sc := scenario(func(s *Scenario) {
		s.Model = model
		s.Mix = map[string]float64{"consensus": 1, "cache_hit": 1}
		if model == Closed {
			s.Rate, s.Users = 0, 4
		}
	})
	if examples == nil {
		examples = map[string]string{}
	}
	rep := &Report{Scenario: sc, Window: time.Second, Elapsed: time.Second, Complete: true, Arrivals: arrivals, Dropped: dropped}
	rep.build(&recorder{samples: samples, examples: examples})
	return rep
}

func TestThresholdEvaluate(t *testing.T) {
	var samples []sample
	// consensus: 100 successes at 1..100 ms with overhead 0.1..10 ms, 2 errors.
	for i := 1; i <= 100; i++ {
		samples = append(samples, sample{kind: KindConsensus, latency: time.Duration(i) * time.Millisecond, overhead: time.Duration(i) * 100 * time.Microsecond})
	}
	samples = append(samples,
		sample{kind: KindConsensus, class: "http_502", latency: time.Millisecond, overhead: -1},
		sample{kind: KindConsensus, class: ClassTimeout, latency: time.Second, overhead: -1})
	// cache_hit: 50 successes at 1 ms, 0 errors; one interrupted request.
	for i := 0; i < 50; i++ {
		samples = append(samples, sample{kind: KindCacheHit, latency: time.Millisecond, overhead: -1})
	}
	samples = append(samples, sample{kind: KindCacheHit, class: classInterrupted, overhead: -1})
	rep := syntheticReport(Open, samples, nil, 160, 8)

	cases := []struct {
		expr     string
		declared time.Duration
		measured float64
		ok       bool
		note     string
	}{
		{"consensus.p(50)<51ms", 0, 50.5e6, true, ""},
		{"consensus.p(99)<99ms", 0, 99.01e6, false, ""},
		{"consensus.max==100ms", 0, 100e6, true, ""},
		{"consensus.min==1ms", 0, 1e6, true, ""},
		{"consensus.avg<=50.5ms", 0, 50.5e6, true, ""},
		{"med<26ms", 0, 25.5e6, true, ""}, // 150 samples: 50 at 1 ms, then 1..100 ms
		{"cache_hit.p(99)<=1ms", 0, 1e6, true, ""},
		{"overhead.p(50)<5.06ms", 0, 5.05e6, true, ""},
		{"consensus.p(99)<declared+5ms", 95 * time.Millisecond, 99.01e6, true, ""},
		{"consensus.p(99)<declared+5ms", 90 * time.Millisecond, 99.01e6, false, ""},
		{"p(99)<declared", 0, 0, false, "no declared latency"},
		{"rate(errors)<0.01", 0, 2.0 / 152, false, ""},
		{"cache_hit.rate(errors)==0", 0, 0, true, ""},
		{"count(errors)==2", 0, 2, true, ""},
		{"count(requests)==152", 0, 152, true, "the interrupted request is not counted"},
		{"count(dropped)==0", 0, 8, false, ""},
		{"rate(dropped)<0.1", 0, 0.05, true, ""},
		{"consensus.throughput>=100/s", 0, 100, true, ""},
		{"throughput>200/s", 0, 150, false, ""},
		{"conversation_read.p(99)<1s", 0, 0, false, "no successful requests"},
		{"conversation_read.rate(errors)<0.1", 0, 0, false, "no requests"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			th, err := ParseThreshold(c.expr)
			require.NoError(t, err)
			res := th.Evaluate(rep, c.declared)
			assert.Equal(t, c.ok, res.OK, "measured %s, bound %s, note %q", res.MeasuredText, res.Bound, res.Note)
			assert.InDelta(t, c.measured, res.Measured, 1e-6*math.Max(1, c.measured))
			if c.note != "" && !c.ok {
				assert.Contains(t, res.Note, c.note)
			}
		})
	}
	assert.Equal(t, int64(1), rep.Interrupted)
}

// A closed model drops nothing, so rate(dropped) is 0 rather than 0/0.
func TestRateDroppedOfAClosedModelIsZero(t *testing.T) {
	rep := syntheticReport(Closed, []sample{{kind: KindConsensus, latency: time.Millisecond, overhead: -1}}, nil, 0, 0)
	th, err := ParseThreshold("rate(dropped)==0")
	require.NoError(t, err)
	res := th.Evaluate(rep, 0)
	assert.True(t, res.OK, res.Note)
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"p(99)<300ms", "consensus.p(95)<250ms", "rate(errors)<1%", "count(dropped)==0", "throughput>=10/s", "p(99)<declared+5ms", "overhead.max<1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			return
		}
		// Whatever parses evaluates without panicking, on an empty report too.
		_ = th.Evaluate(syntheticReport(Open, nil, nil, 0, 0), time.Second)
		if th.Agg == "p" && !(th.Q > 0 && th.Q <= 100) {
			t.Fatalf("%q parsed to percentile %v", s, th.Q)
		}
	})
}
