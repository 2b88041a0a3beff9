package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
)

// TestSpendWindow: costs leave the window one hour after the second their
// run ended in; a refusal says when enough has left to be under the cap.
func TestSpendWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	type step struct {
		at     time.Duration
		add    float64 // > 0: a run ending at `at` with this cost
		ok     bool    // a run may start at `at`
		spent  float64
		freeAt time.Duration // when !ok
	}
	tests := []struct {
		name  string
		cap   float64
		steps []step
	}{
		{"no cap admits everything", 0, []step{
			{at: 0, add: 100}, {at: time.Second, ok: true},
		}},
		{"under the cap", 1, []step{
			{at: 0, add: 0.4}, {at: time.Minute, ok: true, spent: 0.4},
		}},
		{"reaching the cap exactly refuses", 1, []step{
			{at: 0, add: 0.5}, {at: 1 * time.Second, add: 0.5},
			{at: 2 * time.Second, spent: 1, freeAt: time.Hour},
			{at: time.Hour - time.Nanosecond, spent: 1, freeAt: time.Hour},
			{at: time.Hour, ok: true, spent: 0.5},
			{at: time.Hour + time.Second, ok: true, spent: 0},
		}},
		{"room frees when enough has left", 0.5, []step{
			{at: 0, add: 0.4}, {at: 10 * time.Minute, add: 0.4}, {at: 20 * time.Minute, add: 0.3},
			{at: 30 * time.Minute, spent: 1.1, freeAt: 70 * time.Minute},
			{at: 60 * time.Minute, spent: 0.7, freeAt: 70 * time.Minute},
			{at: 70 * time.Minute, ok: true, spent: 0.3},
		}},
		{"one run over the cap alone", 0.1, []step{
			{at: 5 * time.Second, add: 3},
			{at: 6 * time.Second, spent: 3, freeAt: time.Hour + 5*time.Second},
		}},
		{"runs in one second share a bucket", 1, []step{
			{at: 0, add: 0.6}, {at: 900 * time.Millisecond, add: 0.6},
			{at: time.Second, spent: 1.2, freeAt: time.Hour},
			{at: time.Hour, ok: true},
		}},
		{"a clock step back adds to the newest bucket", 1, []step{
			{at: time.Minute, add: 0.7}, {at: 0, add: 0.7},
			{at: 2 * time.Minute, spent: 1.4, freeAt: 61 * time.Minute},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &spendWindow{cap: tc.cap}
			for i, s := range tc.steps {
				if s.add > 0 {
					w.add(at(s.at), s.add)
					continue
				}
				spent, freeAt, ok := w.room(at(s.at))
				assert.Equal(t, s.ok, ok, "step %d", i)
				if tc.cap > 0 {
					assert.InDelta(t, s.spent, spent, 1e-12, "step %d", i)
					assert.InDelta(t, s.spent, w.total(at(s.at)), 1e-12, "step %d", i)
				}
				if !s.ok {
					assert.WithinDuration(t, at(s.freeAt), freeAt, 0, "step %d", i)
					// Probe a copy: expiry only moves forward.
					later := &spendWindow{cap: w.cap, buckets: append([]spendBucket(nil), w.buckets...), sum: w.sum}
					_, _, okThen := later.room(freeAt)
					assert.True(t, okThen, "step %d: no room at the promised time", i)
				}
			}
		})
	}
}

func TestSpendWindowIsBounded(t *testing.T) {
	w := &spendWindow{cap: 1e9}
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 3 * 3600 {
		for range 3 {
			w.add(t0.Add(time.Duration(i)*time.Second), 1)
		}
	}
	assert.LessOrEqual(t, len(w.buckets), 3600)
	assert.Equal(t, 3.0*3600, w.total(t0.Add(3*3600*time.Second-time.Second)))
}

func TestChargeCountsWhatWasSpent(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	a := &admission{now: func() time.Time { return now }, spend: spendWindow{cap: 10}}
	priced := []consensus.StageRecord{{Model: "m/a", PromptTokens: 5, Cost: 0.25}}
	for _, tc := range []struct {
		name     string
		res      *consensus.Result
		want     float64
		unpriced string
	}{
		{"no result (bad input)", nil, 0, ""},
		{"a hit spends nothing", &consensus.Result{Cached: true, Totals: consensus.Totals{Cost: 5},
			Stages: []consensus.StageRecord{{Model: "m/free", PromptTokens: 5}}}, 0, ""},
		{"a run", &consensus.Result{Status: consensus.StatusOK, Totals: consensus.Totals{Cost: 0.25}, Stages: priced}, 0.25, ""},
		{"a failed run's finished stages", &consensus.Result{Status: consensus.StatusFailed, Totals: consensus.Totals{Cost: 0.5},
			Stages: []consensus.StageRecord{{Model: "m/a", PromptTokens: 5, Cost: 0.5}, {Model: "m/b", Status: consensus.StatusFailed}}}, 0.75, ""},
		{"an estimated cost is a price", &consensus.Result{Totals: consensus.Totals{Cost: 0.25},
			Stages: []consensus.StageRecord{{Model: "m/e", CompletionTokens: 3, Cost: 0.25, CostEstimated: true}}}, 1, ""},
		{"tokens at no cost are named", &consensus.Result{Totals: consensus.Totals{Cost: 0.25},
			Stages: []consensus.StageRecord{priced[0], {Model: "m/free", CompletionTokens: 3}}}, 1.25, "m/free"},
	} {
		assert.Equal(t, tc.unpriced, a.charge(tc.res), tc.name)
		require.InDelta(t, tc.want, a.spend.total(now), 1e-12, tc.name)
	}
	a.spend.cap = 0
	assert.Empty(t, a.charge(&consensus.Result{Stages: []consensus.StageRecord{{Model: "m/free", CompletionTokens: 3}}}),
		"without a cap nothing is missing")
}
