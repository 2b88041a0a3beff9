package consensus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/jsonstr"
)

// marshalWire is the reference: what encoding/json writes for the wire
// struct with HTML escaping off (as the server's encoder was set), without
// the encoder's trailing newline.
func marshalWire(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// awkward has every character class jsonstr.Append treats specially.
const awkward = "a \"quoted\" \\ back\nnew\rret\ttab\bbs\fff \x00\x01\x1f\x7f <html>&amp; \u2028\u2029 é 中 🙂 bad:\xff\xfe end"

func wireResults() map[string]*Result {
	stage := func(name string) StageRecord {
		return StageRecord{Stage: name, Model: "vendor/model-" + name, Content: "answer of " + name + " " + awkward,
			PromptTokens: 123, CompletionTokens: 45, Cost: 0.000123, TTFT: 1234567 * time.Nanosecond,
			Latency: 89 * time.Millisecond, Upstream: 88 * time.Millisecond, Attempts: 1, Status: StatusOK, FinishReason: "stop"}
	}
	full := &Result{ConversationID: 42, Profile: "balanced", Question: "q", Status: StatusOK, Final: "final " + awkward,
		Stages: []StageRecord{stage(StageGenerator), stage(StageRefiner), stage(StageValidator), stage(StageCurator)},
		Totals: Totals{PromptTokens: 492, CompletionTokens: 180, Cost: 0.000492, Latency: 356 * time.Millisecond},
		Wall:   357*time.Millisecond + 123*time.Nanosecond, Upstream: 352 * time.Millisecond, Overhead: 5*time.Millisecond + 123,
		CacheKey: "k", Recorded: true}
	failed := full.clone()
	failed.Status = StatusFailed
	failed.Stages[2].Status, failed.Stages[2].Error = StatusFailed, "upstream said \"no\"\n"
	failed.Stages[2].FinishReason = ""
	failed.Stages[3].Status, failed.Stages[3].Content, failed.Stages[3].FinishReason = StatusSkipped, "", ""
	failed.RecordErr, failed.Recorded = errors.New("store: disk full"), false
	estimated := full.clone()
	estimated.Stages[0].CostEstimated = true
	estimated.Cached, estimated.Upstream = true, 0
	estimated.Stages[3].FinishReason = "length"
	tiny := full.clone()
	tiny.Stages[1].Cost, tiny.Totals.Cost = 1e-9, 5e-7 // encoding/json switches to exponents below 1e-6
	tiny.Wall, tiny.Overhead = 1, 1
	huge := full.clone()
	huge.Totals.Cost = 1e22
	return map[string]*Result{
		"four stages":             full,
		"failed, record error":    failed,
		"estimated cost, cached":  estimated,
		"exponent floats":         tiny,
		"huge float":              huge,
		"no stages":               {Profile: "p", Status: StatusCanceled},
		"empty record error text": {Status: StatusOK, RecordErr: errors.New("")},
	}
}

func TestAppendJSONIsWhatEncodingJSONWrites(t *testing.T) {
	for name, r := range wireResults() {
		t.Run(name, func(t *testing.T) {
			want := marshalWire(t, r.JSON())
			assert.Equal(t, string(want), string(r.AppendJSON(nil)))
			// The cached head gives the same bytes.
			c := r.clone()
			c.wire = newWireCell(r.clone())
			assert.Equal(t, string(want), string(c.AppendJSON(nil)))
		})
	}
}

func TestAppendJSONNonFiniteStaysValid(t *testing.T) {
	r := wireResults()["four stages"]
	r.Totals.Cost = math.NaN()
	r.Stages[0].Cost = math.Inf(1)
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.AppendJSON(nil), &v))
	assert.Nil(t, v["totals"].(map[string]any)["cost"])
}

func TestCachedHeadIsNotUsedOnceTheResultChanged(t *testing.T) {
	base := wireResults()["four stages"]
	base.wire = newWireCell(base.clone())
	for name, change := range map[string]func(r *Result){
		"conversation id": func(r *Result) { r.ConversationID++ },
		"profile":         func(r *Result) { r.Profile = "other" },
		"status":          func(r *Result) { r.Status = StatusBudget },
		"final":           func(r *Result) { r.Final = "changed" },
		"stage content":   func(r *Result) { r.Stages[1].Content = "changed" },
		"finish reason":   func(r *Result) { r.Stages[3].FinishReason = "length" },
		"stage count":     func(r *Result) { r.Stages = r.Stages[:3] },
		"totals":          func(r *Result) { r.Totals.PromptTokens = 1 },
		"nothing":         func(*Result) {},
	} {
		t.Run(name, func(t *testing.T) {
			r := base.clone() // shares wire, as a hit's copy does
			change(r)
			assert.Equal(t, string(marshalWire(t, r.JSON())), string(r.AppendJSON(nil)))
		})
	}
}

func TestAppendCachedRoundTrips(t *testing.T) {
	for name, r := range wireResults() {
		t.Run(name, func(t *testing.T) {
			c := cachedResult{ConversationID: r.ConversationID, Profile: r.Profile, Final: r.Final,
				Stages: r.Stages, Totals: r.Totals, Upstream: r.Upstream, Wall: r.Wall}
			got := appendCached(nil, &c)
			assert.Equal(t, string(marshalWire(t, c)), string(got))
			var back cachedResult
			require.NoError(t, json.Unmarshal(got, &back), "lookup reads it back")
			assert.Equal(t, c.Totals, back.Totals)
			assert.Equal(t, c.Upstream, back.Upstream)
			require.Len(t, back.Stages, len(c.Stages))
			for i := range c.Stages {
				assert.Equal(t, c.Stages[i].FinishReason, back.Stages[i].FinishReason, "stage %d", i)
			}
		})
	}
}

// FuzzAppendString checks the hand-written string and number encoders
// against encoding/json on arbitrary input.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzAppendString -fuzztime 30s ./engine/consensus
func FuzzAppendString(f *testing.F) {
	f.Add(awkward, 0.000123)
	f.Add("", 1e21)
	f.Add("\xed\xa0\x80 surrogate", 1e-7)
	f.Add("plain", -0.0)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		assert.Equal(t, string(marshalWire(t, s)), string(jsonstr.Append(nil, s)))
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			assert.Equal(t, string(marshalWire(t, x)), string(appendFloat(nil, x)))
		}
	})
}

func TestLookup(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	q := Request{Question: "What is a B-tree?"}

	miss, err := h.eng.Lookup(ctx, q)
	require.NoError(t, err)
	assert.Nil(t, miss, "nothing is cached yet")
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.cacheMisses))
	assert.Zero(t, h.up.mock.Stats().Requests, "Lookup never goes upstream")

	// After a miss the caller runs with NoCache: no second lookup, no
	// second miss counted.
	run, err := h.eng.Run(ctx, Request{Question: q.Question, NoCache: true}, nil)
	require.NoError(t, err)
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.cacheMisses))

	for _, tc := range []struct {
		name string
		req  Request
		hit  bool
	}{
		{"same question", q, true},
		{"whitespace differs", Request{Question: "  What is\ta B-tree? "}, true},
		{"no_cache", Request{Question: q.Question, NoCache: true}, false},
		{"other profile", Request{Question: q.Question, Profile: "one"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.eng.Lookup(ctx, tc.req)
			require.NoError(t, err)
			if !tc.hit {
				assert.Nil(t, res)
				return
			}
			require.NotNil(t, res)
			assert.True(t, res.Cached)
			assert.Equal(t, run.ConversationID, res.ConversationID)
			assert.Equal(t, run.Final, res.Final)
			assert.Zero(t, res.Upstream)
			assert.Equal(t, res.Wall, res.Overhead)
			// A hit's answer is the run's, marked cached and timed anew.
			want := run.JSON()
			want.Cached, want.WallMS, want.UpstreamMS, want.OverheadMS = true, ms(res.Wall), 0, ms(res.Overhead)
			assert.Equal(t, string(marshalWire(t, want)), string(res.AppendJSON(nil)))
		})
	}
	assert.Equal(t, 1.0*4, float64(h.up.mock.Stats().Requests), "only the one run went upstream")

	// Bad input is refused as Run refuses it.
	for _, bad := range []Request{{Question: "  "}, {Question: "x", Profile: "nope"}, {Question: "x", MaxCost: -1}} {
		_, runErr := h.eng.Run(ctx, bad, nil)
		_, err := h.eng.Lookup(ctx, bad)
		require.Error(t, err, "%+v", bad)
		assert.Equal(t, runErr.Error(), err.Error())
	}
}
