package consensus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/llm"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestRunFourStagesRecordsEverything(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	var log eventLog
	res, err := h.eng.Run(context.Background(), Request{Question: "  What is a B-tree? "}, log.handle)
	require.NoError(t, err)

	assert.Equal(t, StatusOK, res.Status)
	assert.Equal(t, "plain", res.Profile)
	assert.False(t, res.Cached)
	require.Len(t, res.Stages, 4)
	wantModels := []string{"test/gen", "test/ref", "test/val", "test/cur"}
	for i, s := range res.Stages {
		assert.Equal(t, []string{StageGenerator, StageRefiner, StageValidator, StageCurator}[i], s.Stage)
		assert.Equal(t, wantModels[i], s.Model)
		assert.Equal(t, StatusOK, s.Status)
		assert.NotEmpty(t, s.Content)
		assert.Positive(t, s.PromptTokens)
		assert.Positive(t, s.CompletionTokens)
		assert.Positive(t, s.Cost, "the mock reports cost")
		assert.False(t, s.CostEstimated)
		assert.Equal(t, s.Content, log.streamed(i), "stage %d: streamed tokens are the content", i)
		assert.Positive(t, s.Upstream, "stage %d waited on upstream", i)
		assert.LessOrEqual(t, s.Upstream, s.Latency, "stage %d: the wait is part of its latency", i)
		j := s.JSON()
		assert.Equal(t, ms(s.Upstream), j.UpstreamMS, "stage %d: upstream_ms on the wire", i)
	}
	var stagesUp time.Duration
	for _, s := range res.Stages {
		stagesUp += s.Upstream
	}
	assert.Equal(t, res.Upstream, stagesUp, "the run's upstream is its stages' sum")
	assert.Equal(t, res.Stages[3].Content, res.Final)
	assert.Positive(t, res.ConversationID)
	assert.NoError(t, res.RecordErr)
	assert.Equal(t, res.Wall-res.Upstream, res.Overhead)

	// Events: per stage started, tokens, completed; then done.
	kinds := log.kinds()
	require.NotEmpty(t, kinds)
	assert.Equal(t, EventStageStarted, kinds[0])
	assert.Equal(t, EventDone, kinds[len(kinds)-1])
	var completed int
	for _, e := range log.events {
		if e.Kind == EventStageCompleted {
			require.NotNil(t, e.Record)
			assert.Equal(t, res.Stages[completed].Content, e.Record.Content)
			completed++
		}
	}
	assert.Equal(t, 4, completed)

	conv, msgs, err := h.store.Conversation(context.Background(), res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, "What is a B-tree?", conv.Question)
	assert.Equal(t, StatusOK, conv.Status)
	assert.Equal(t, res.Final, conv.Final)
	assert.InDelta(t, res.Totals.Cost, conv.TotalCost, 1e-12)
	require.Len(t, msgs, 4)
	for i, m := range msgs {
		assert.Equal(t, res.Stages[i].Stage, m.Stage)
		assert.Equal(t, res.Stages[i].Model, m.Model)
		assert.Equal(t, res.Stages[i].Content, m.Content)
		assert.Equal(t, res.Stages[i].CompletionTokens, m.CompletionTokens)
		assert.Equal(t, StatusOK, m.Status)
		assert.Positive(t, m.Latency)
	}
}

func TestCuratorPromptHoldsQuestionAndAllEarlierOutputs(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	res, err := h.eng.Run(context.Background(), Request{Question: "Why is the sky blue?", Context: "for a child"}, nil)
	require.NoError(t, err)

	reqs := h.up.requests()
	require.Len(t, reqs, 4)
	byModel := map[string]chatBody{}
	for _, r := range reqs {
		byModel[r.Model] = r
	}
	cur := byModel["test/cur"]
	require.Len(t, cur.Messages, 2)
	assert.Equal(t, "system", cur.Messages[0].Role)
	assert.Contains(t, cur.Messages[0].Content, "Curator")
	user := cur.Messages[1].Content
	assert.Contains(t, user, "Why is the sky blue?")
	assert.Contains(t, user, "for a child")
	for _, s := range res.Stages[:3] {
		assert.Contains(t, user, s.Content, "curator prompt lacks the %s output", s.Stage)
	}
	// Each earlier stage has its own system prompt.
	systems := map[string]bool{}
	for _, r := range reqs {
		systems[r.Messages[0].Content] = true
	}
	assert.Len(t, systems, 4)
	// The refiner sees the draft, the validator the refined answer.
	assert.Contains(t, byModel["test/ref"].Messages[1].Content, res.Stages[0].Content)
	assert.Contains(t, byModel["test/val"].Messages[1].Content, res.Stages[1].Content)
}

func TestUpstreamFaults(t *testing.T) {
	profiles := `
  rate:
    direct: {model: "@fail-429x1-ra1/rate"}
  fallback:
    direct: {model: "@fail-500x3/primary", fallbacks: [test/backup]}
  garbled:
    direct: {model: "@malformed-after-0/garbled", fallbacks: [test/backup]}
`
	tests := []struct {
		name         string
		profile      string
		wantModel    string
		wantAttempts int
		wantRequests int64
		minLatency   time.Duration // the Retry-After the client must have honoured
	}{
		{"429 with Retry-After, then success", "rate", "@fail-429x1-ra1/rate", 2, 2, time.Second},
		{"500 three times, then the fallback model", "fallback", "test/backup", 4, 4, 0},
		{"malformed chunk before any output, then the fallback model", "garbled", "test/backup", 2, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, zeroLatency(), profiles)
			res, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: tc.profile}, nil)
			require.NoError(t, err)
			require.Len(t, res.Stages, 1)
			s := res.Stages[0]
			assert.Equal(t, StatusOK, s.Status)
			assert.Equal(t, tc.wantModel, s.Model)
			assert.Equal(t, tc.wantAttempts, s.Attempts)
			assert.NotEmpty(t, res.Final)
			assert.Equal(t, tc.wantRequests, h.up.mock.Stats().Requests)
			assert.GreaterOrEqual(t, s.Latency, tc.minLatency)
			// Retries that ended in success are not errors of the run.
			assert.Zero(t, metricValue(t, h.eng.m.errors.WithLabelValues(errKindUpstream5xx)))
		})
	}
}

func TestBrokenStreamKeepsPartialTextAndStops(t *testing.T) {
	profiles := `
  cut:
    generator: {model: test/gen}
    refiner:   {model: "@cut-after-5/ref", fallbacks: [test/never]}
    validator: {model: test/val}
    curator:   {model: test/cur}
  malformed:
    generator: {model: "@malformed-after-3/gen", fallbacks: [test/never]}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
`
	tests := []struct {
		profile  string
		failed   int
		wantKind string
		wantErr  error
	}{
		{"cut", 1, errKindStream, nil},
		{"malformed", 0, errKindStream, llm.ErrMalformedChunk},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			h := newHarness(t, zeroLatency(), profiles)
			var log eventLog
			res, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: tc.profile}, log.handle)
			require.Error(t, err)
			require.NotNil(t, res)
			var se *llm.StreamError
			assert.ErrorAs(t, err, &se)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			}
			assert.Equal(t, StatusFailed, res.Status)
			assert.Empty(t, res.Final)

			s := res.Stages[tc.failed]
			assert.Equal(t, StatusFailed, s.Status)
			assert.NotEmpty(t, s.Content, "partial text is kept")
			assert.NotEmpty(t, s.Error)
			// No duplicate output: what streamed is exactly the partial text,
			// and the fallback was not tried after output began.
			assert.Equal(t, s.Content, log.streamed(tc.failed))
			for _, r := range h.up.requests() {
				assert.NotEqual(t, "test/never", r.Model)
			}
			for _, later := range res.Stages[tc.failed+1:] {
				assert.Equal(t, StatusSkipped, later.Status)
			}
			assert.Equal(t, EventError, log.kinds()[len(log.events)-1])
			assert.Equal(t, 1.0, metricValue(t, h.eng.m.errors.WithLabelValues(tc.wantKind)))

			_, msgs, err := h.store.Conversation(context.Background(), res.ConversationID)
			require.NoError(t, err)
			require.Len(t, msgs, 4)
			assert.Equal(t, StatusFailed, msgs[tc.failed].Status)
			assert.Equal(t, s.Content, msgs[tc.failed].Content)
			assert.Equal(t, s.Error, msgs[tc.failed].Error)
			assert.Equal(t, StatusSkipped, msgs[3].Status)
		})
	}
}

func TestBadRequests(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"empty question", Request{Question: " \n\t "}, "question is empty"},
		{"unknown profile", Request{Question: "q", Profile: "turbo"}, `unknown profile "turbo"; known profiles: balanced, cost, direct, elite, one, plain, speed`},
		{"negative max cost", Request{Question: "q", MaxCost: -1}, "max_cost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.eng.Run(context.Background(), tc.req, nil)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	var upe *UnknownProfileError
	_, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: "turbo"}, nil)
	assert.ErrorAs(t, err, &upe)
	assert.Zero(t, h.up.mock.Stats().Requests, "bad input never reaches upstream")
}

func TestCache(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	first, err := h.eng.Run(ctx, Request{Question: "What is Go?", Context: "ctx"}, nil)
	require.NoError(t, err)
	sent := h.up.mock.Stats().Requests
	require.Equal(t, int64(4), sent)

	// Same question modulo whitespace: served from memory, nothing sent,
	// nothing written.
	var log eventLog
	hit, err := h.eng.Run(ctx, Request{Question: "  What   is\nGo? ", Context: " ctx\n"}, log.handle)
	require.NoError(t, err)
	assert.True(t, hit.Cached)
	assert.Equal(t, first.Final, hit.Final)
	assert.Equal(t, first.ConversationID, hit.ConversationID)
	assert.Equal(t, sent, h.up.mock.Stats().Requests)
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.cacheHits.WithLabelValues("memory")))
	// A hit replays the events a live run sends.
	assert.Equal(t, EventDone, log.kinds()[len(log.events)-1])
	assert.Equal(t, first.Stages[3].Content, log.streamed(3))
	_, _, err = h.store.Conversation(ctx, first.ConversationID+1)
	assert.Error(t, err, "a hit records no new conversation")

	// A different context, profile or NoCache is not a hit.
	for _, req := range []Request{
		{Question: "What is Go?", Context: "other"},
		{Question: "What is Go?", Context: "ctx", Profile: "one"},
		{Question: "What is Go?", Context: "ctx", NoCache: true},
	} {
		res, err := h.eng.Run(ctx, req, nil)
		require.NoError(t, err)
		assert.False(t, res.Cached, "%+v", req)
	}
	assert.Equal(t, sent+4+1+4, h.up.mock.Stats().Requests)

	// A new engine on the same store (a restarted server) hits the store
	// layer once the first engine has flushed its queued writes.
	require.NoError(t, h.eng.Close())
	eng2, err := New(h.eng.cfg, h.up.client(), WithStore(h.store))
	require.NoError(t, err)
	defer eng2.Close()
	before := h.up.mock.Stats().Requests
	hit2, err := eng2.Run(ctx, Request{Question: "What is Go?", Context: "ctx"}, nil)
	require.NoError(t, err)
	assert.True(t, hit2.Cached)
	assert.Equal(t, before, h.up.mock.Stats().Requests)
	assert.Equal(t, 1.0, metricValue(t, eng2.m.cacheHits.WithLabelValues("store")))
	assert.Equal(t, first.Stages[0].Content, hit2.Stages[0].Content)
}

func TestFailedRunsAreNotCached(t *testing.T) {
	h := newHarness(t, zeroLatency(), `
  broken:
    direct: {model: "@fail-400/broken"}
`)
	for range 2 {
		res, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: "broken"}, nil)
		require.Error(t, err)
		assert.False(t, res.Cached)
		var api *llm.APIError
		assert.ErrorAs(t, err, &api)
	}
	assert.Equal(t, int64(2), h.up.mock.Stats().Requests)
	assert.Equal(t, 2.0, metricValue(t, h.eng.m.errors.WithLabelValues(errKindUpstream4xx)))
}

func TestBudgetStopsBeforeTheNextStage(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	// The generator alone costs more than this (≥ 12 completion tokens at
	// 2 µUSD), so the refiner must not be sent.
	res, err := h.eng.Run(context.Background(), Request{Question: "q", MaxCost: 1e-6}, nil)
	require.NoError(t, err, "a budget stop is not an error")
	assert.Equal(t, StatusBudget, res.Status)
	assert.Equal(t, StatusOK, res.Stages[0].Status)
	assert.Equal(t, StatusBudget, res.Stages[1].Status)
	assert.Contains(t, res.Stages[1].Error, "max_cost")
	assert.Equal(t, StatusSkipped, res.Stages[2].Status)
	assert.Equal(t, StatusSkipped, res.Stages[3].Status)
	assert.Equal(t, res.Stages[0].Content, res.Final)
	assert.Equal(t, int64(1), h.up.mock.Stats().Requests)

	_, msgs, err := h.store.Conversation(context.Background(), res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, StatusBudget, msgs[1].Status)

	// A generous cap lets the run finish; a budget run was not cached.
	res, err = h.eng.Run(context.Background(), Request{Question: "q", MaxCost: 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, StatusOK, res.Status)
	assert.False(t, res.Cached)
}

func TestBudgetUsesConfiguredPricesWhenUpstreamReportsNoCost(t *testing.T) {
	h := newHarness(t, zeroLatency(), `
  nocost:
    generator: {model: "@no-cost/gen"}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
prices:
  "@no-cost/gen": {prompt: 1000, completion: 1000}
`)
	res, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: "nocost", MaxCost: 0.001}, nil)
	require.NoError(t, err)
	assert.True(t, res.Stages[0].CostEstimated)
	assert.InDelta(t, float64(res.Stages[0].PromptTokens+res.Stages[0].CompletionTokens)*1000/1e6, res.Stages[0].Cost, 1e-9)
	assert.Equal(t, StatusBudget, res.Status)
}

func TestCancelAbortsUpstream(t *testing.T) {
	h := newHarness(t, zeroLatency(), `
  slow:
    direct: {model: "@itl-20ms+tokens-500/slow"}
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := h.eng.Run(ctx, Request{Question: "q", Profile: "slow"}, func(ev Event) {
		if ev.Kind == EventToken {
			cancel()
		}
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, StatusCanceled, res.Status)
	assert.Equal(t, StatusCanceled, res.Stages[0].Status)
	assert.NotEmpty(t, res.Stages[0].Content)
	require.Eventually(t, func() bool { return h.up.mock.Stats().ClientCancels == 1 }, 5*time.Second, 5*time.Millisecond,
		"the upstream request was not aborted")
	conv, _, err := h.store.Conversation(context.Background(), res.ConversationID)
	require.NoError(t, err, "a canceled run is still recorded")
	assert.Equal(t, StatusCanceled, conv.Status)
}

func TestDirectProfileRunsOneStage(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	res, err := h.eng.Run(context.Background(), Request{Question: "q", Profile: "one"}, nil)
	require.NoError(t, err)
	require.Len(t, res.Stages, 1)
	assert.Equal(t, StageDirect, res.Stages[0].Stage)
	assert.Equal(t, res.Stages[0].Content, res.Final)
	reqs := h.up.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, directPrompt, reqs[0].Messages[0].Content)
}

func TestMetricsAreExported(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	_, err := h.eng.Run(context.Background(), Request{Question: "q"}, nil)
	require.NoError(t, err)
	_, err = h.eng.Run(context.Background(), Request{Question: "q"}, nil)
	require.NoError(t, err)

	families, err := h.reg.Gather()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	for _, want := range []string{
		"hive_consensus_stage_latency_seconds", "hive_consensus_stage_ttft_seconds", "hive_consensus_tokens_total",
		"hive_consensus_cost_usd_total", "hive_consensus_cache_hits_total", "hive_consensus_cache_misses_total",
		"hive_consensus_inflight_runs", "hive_consensus_runs_total", "hive_consensus_run_duration_seconds",
		"hive_consensus_overhead_seconds",
	} {
		assert.True(t, names[want], "missing %s", want)
	}
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.cacheMisses))
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.runs.WithLabelValues("plain", "ok")))
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.runs.WithLabelValues("plain", "cached")))
	assert.Positive(t, metricValue(t, h.eng.m.tokens.WithLabelValues(StageCurator, "completion")))
	assert.Zero(t, metricValue(t, h.eng.m.inflight))
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.overhead))
}

func TestErrorKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{context.Canceled, errKindCanceled},
		{context.DeadlineExceeded, errKindTimeout},
		{&llm.StreamError{Err: errors.New("eof")}, errKindStream},
		{&llm.StreamError{Err: context.Canceled}, errKindCanceled},
		{&llm.APIError{Status: 429}, errKindRateLimited},
		{&llm.APIError{Status: 503}, errKindUpstream5xx},
		{&llm.APIError{Status: 404}, errKindUpstream4xx},
		{&llm.APIError{Status: 0}, errKindUpstream},
		{errors.New("dial tcp: refused"), errKindNetwork},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, errorKind(tc.err), "%v", tc.err)
	}
}

func TestNewRejectsMissingParts(t *testing.T) {
	cfg, err := DefaultConfig()
	require.NoError(t, err)
	_, err = New(nil, llm.New())
	assert.Error(t, err)
	_, err = New(cfg, nil)
	assert.Error(t, err)
	e, err := New(cfg, llm.New())
	require.NoError(t, err)
	assert.NoError(t, e.Close())
	assert.True(t, strings.HasPrefix(cfg.DefaultProfile, "balanced"))
}
