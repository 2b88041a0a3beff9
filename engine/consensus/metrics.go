package consensus

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hiveperf/hive/engine/llm"
)

// latencyBuckets cover 100 µs (a zero-latency mock on loopback) to 60 s (a
// slow frontier model writing a long answer), about 2.5x apart.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60,
}

// overheadBuckets are finer at the low end: the engine's own time per run
// is targeted at a p50 under 0.5 ms.
var overheadBuckets = []float64{
	0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
}

// Error kinds counted by hive_consensus_errors_total. A fixed set keeps the
// label's cardinality bounded whatever upstream sends.
const (
	errKindRateLimited = "rate_limited" // HTTP 429
	errKindUpstream4xx = "upstream_4xx"
	errKindUpstream5xx = "upstream_5xx"
	errKindUpstream    = "upstream_error" // an error object inside a 200 stream
	errKindStream      = "stream_broken"  // the stream broke after output began
	errKindTooLarge    = "answer_too_large"
	errKindCanceled    = "canceled"
	errKindTimeout     = "timeout"
	errKindNetwork     = "network"
	errKindBudget      = "budget"
	errKindStore       = "store"
)

type metrics struct {
	stageLatency *prometheus.HistogramVec // stage, status
	stageTTFT    *prometheus.HistogramVec // stage
	tokens       *prometheus.CounterVec   // stage, kind
	cost         *prometheus.CounterVec   // stage
	cacheHits    *prometheus.CounterVec   // layer
	cacheMisses  prometheus.Counter
	errors       *prometheus.CounterVec // kind
	inflight     prometheus.Gauge
	unrecorded   prometheus.Counter
	runs         *prometheus.CounterVec // profile, status
	runDuration  *prometheus.HistogramVec
	overhead     prometheus.Histogram

	// Children resolved once per stage name: WithLabelValues hashes its
	// arguments on every call, which adds up at four stages per run.
	byStage map[string]*stageMetrics
}

type stageMetrics struct {
	ttft             prometheus.Observer
	promptTokens     prometheus.Counter
	completionTokens prometheus.Counter
	cost             prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		stageLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hive_consensus_stage_latency_seconds",
			Help:    "Wall time of one pipeline stage (one Chat call, retries and fallbacks included), by stage and outcome.",
			Buckets: latencyBuckets,
		}, []string{"stage", "status"}),
		stageTTFT: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hive_consensus_stage_ttft_seconds",
			Help:    "Time to first content token of a stage's successful attempt.",
			Buckets: latencyBuckets,
		}, []string{"stage"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hive_consensus_tokens_total",
			Help: "Tokens reported by upstream, by stage and kind (prompt, completion).",
		}, []string{"stage", "kind"}),
		cost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hive_consensus_cost_usd_total",
			Help: "Cost in USD as reported by upstream (or estimated from configured prices), by stage.",
		}, []string{"stage"}),
		cacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hive_consensus_cache_hits_total",
			Help: "Runs answered from the response cache, by layer (memory, store).",
		}, []string{"layer"}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hive_consensus_cache_misses_total",
			Help: "Cache lookups that found nothing (runs with no_cache do not look up).",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hive_consensus_errors_total",
			Help: "Errors by kind: rate_limited, upstream_4xx, upstream_5xx, upstream_error, stream_broken, answer_too_large, canceled, timeout, network, budget, store.",
		}, []string{"kind"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hive_consensus_inflight_runs",
			Help: "Runs currently executing stages (cache hits are not counted).",
		}),
		unrecorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hive_consensus_runs_unrecorded_total",
			Help: "Executed runs that are not in the store: answered with recorded=false and a record_error.",
		}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hive_consensus_runs_total",
			Help: "Finished runs by profile and status (ok, failed, canceled, budget, cached).",
		}, []string{"profile", "status"}),
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hive_consensus_run_duration_seconds",
			Help:    "Wall time of a whole run, cache hits included.",
			Buckets: latencyBuckets,
		}, []string{"profile"}),
		overhead: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hive_consensus_overhead_seconds",
			Help:    "Engine overhead per executed run: wall time minus the time spent waiting on upstream.",
			Buckets: overheadBuckets,
		}),
		byStage: map[string]*stageMetrics{},
	}
	for _, c := range []prometheus.Collector{m.stageLatency, m.stageTTFT, m.tokens, m.cost, m.cacheHits, m.cacheMisses,
		m.errors, m.inflight, m.unrecorded, m.runs, m.runDuration, m.overhead} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, s := range []string{StageGenerator, StageRefiner, StageValidator, StageCurator, StageDirect} {
		m.byStage[s] = &stageMetrics{
			ttft:             m.stageTTFT.WithLabelValues(s),
			promptTokens:     m.tokens.WithLabelValues(s, "prompt"),
			completionTokens: m.tokens.WithLabelValues(s, "completion"),
			cost:             m.cost.WithLabelValues(s),
		}
	}
	// Pre-create the always-interesting series so a dashboard sees zeros
	// rather than "no data" before the first cache hit or error.
	m.cacheHits.WithLabelValues("memory")
	m.cacheHits.WithLabelValues("store")
	for _, k := range []string{errKindRateLimited, errKindUpstream4xx, errKindUpstream5xx, errKindUpstream, errKindStream,
		errKindTooLarge, errKindCanceled, errKindTimeout, errKindNetwork, errKindBudget, errKindStore} {
		m.errors.WithLabelValues(k)
	}
	return m, nil
}

// errorKind classifies a stage or run error for the errors counter.
func errorKind(err error) string {
	var api *llm.APIError
	var se *llm.StreamError
	switch {
	case errors.Is(err, llm.ErrAnswerTooLarge):
		return errKindTooLarge
	case errors.Is(err, context.Canceled):
		return errKindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return errKindTimeout
	case errors.As(err, &se):
		return errKindStream
	case errors.As(err, &api):
		switch {
		case api.Status == 429:
			return errKindRateLimited
		case api.Status >= 500:
			return errKindUpstream5xx
		case api.Status >= 400:
			return errKindUpstream4xx
		default:
			return errKindUpstream
		}
	default:
		return errKindNetwork
	}
}
