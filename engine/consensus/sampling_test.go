package consensus

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func ptr[T any](v T) *T { return &v }

// The OpenAI surface's temperature, max_tokens and stop describe the
// message the client receives: the last stage's answer. They reach that
// stage's upstream request, and only it; the earlier stages keep their
// profile's settings.
func TestFinalSamplingReachesOnlyTheLastStage(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	req := Request{Question: "What is a B-tree?", FinalSampling: Sampling{
		Temperature: ptr(0.1), MaxTokens: 5, Stop: []string{"\n\nEND", "###"}}}
	res, err := h.eng.Run(context.Background(), req, nil)
	require.NoError(t, err)

	bodies := h.up.requests()
	require.Len(t, bodies, 4)
	// The profile (testProfiles' plain): generator 0.7 and 64, refiner 64.
	assert.Equal(t, ptr(0.7), bodies[0].Temperature)
	assert.Equal(t, 64, bodies[0].MaxTokens)
	assert.Nil(t, bodies[1].Temperature)
	assert.Equal(t, 64, bodies[1].MaxTokens)
	assert.Zero(t, bodies[2].MaxTokens)
	for i := range 3 {
		assert.Nil(t, bodies[i].Stop, "stage %d keeps the profile's settings", i)
	}
	assert.Equal(t, ptr(0.1), bodies[3].Temperature)
	assert.Equal(t, 5, bodies[3].MaxTokens)
	assert.Equal(t, []string{"\n\nEND", "###"}, bodies[3].Stop)

	// The mock honours max_tokens: the answer is cut, and says so.
	assert.Equal(t, 5, res.Stages[3].CompletionTokens)
	assert.Equal(t, "length", res.Stages[3].FinishReason)
	assert.Equal(t, "stop", res.Stages[0].FinishReason)
	assert.Equal(t, "length", res.Stages[3].JSON().FinishReason)
	assert.Contains(t, string(res.AppendJSON(nil)), `"finish_reason":"length"`)
}

// Two requests that differ only in their sampling are different questions
// to the cache, and a hit keeps the finish reason of the run it repeats.
func TestFinalSamplingIsPartOfTheCacheKey(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	q := "What is Go?"
	cut := Sampling{MaxTokens: 3}
	_, err := h.eng.Run(ctx, Request{Question: q}, nil)
	require.NoError(t, err)
	first, err := h.eng.Run(ctx, Request{Question: q, FinalSampling: cut}, nil)
	require.NoError(t, err)
	assert.False(t, first.Cached, "another max_tokens is another answer")
	require.Equal(t, int64(8), h.up.mock.Stats().Requests)

	for _, tc := range []struct {
		name string
		s    Sampling
		hit  bool
	}{
		{"same sampling", Sampling{MaxTokens: 3}, true},
		{"no sampling", Sampling{}, true},
		{"other temperature", Sampling{MaxTokens: 3, Temperature: ptr(0.0)}, false},
		{"a stop sequence", Sampling{MaxTokens: 3, Stop: []string{"x"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.eng.Lookup(ctx, Request{Question: q, FinalSampling: tc.s})
			require.NoError(t, err)
			if !tc.hit {
				assert.Nil(t, res)
				return
			}
			require.NotNil(t, res)
			if tc.s.MaxTokens == 3 {
				assert.Equal(t, first.ConversationID, res.ConversationID)
				assert.Equal(t, "length", res.Stages[3].FinishReason, "the hit says the answer was cut")
			}
		})
	}

	// The store layer keeps the finish reason too (a restarted server).
	require.NoError(t, h.eng.Close())
	eng2, err := New(h.eng.cfg, h.up.client(), WithStore(h.store))
	require.NoError(t, err)
	defer eng2.Close()
	hit, err := eng2.Lookup(ctx, Request{Question: q, FinalSampling: cut})
	require.NoError(t, err)
	require.NotNil(t, hit)
	assert.Equal(t, "length", hit.Stages[3].FinishReason)
}

func TestFinalSamplingIsChecked(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	tests := []struct {
		name  string
		s     Sampling
		field string
		want  string
	}{
		{"temperature over 2", Sampling{Temperature: ptr(2.5)}, "temperature", "[0, 2]"},
		{"negative temperature", Sampling{Temperature: ptr(-0.1)}, "temperature", "[0, 2]"},
		{"NaN temperature", Sampling{Temperature: ptr(math.NaN())}, "temperature", "[0, 2]"},
		{"negative max_tokens", Sampling{MaxTokens: -1}, "max_tokens", "positive"},
		{"five stop sequences", Sampling{Stop: strings.Fields("a b c d e")}, "stop", "at most 4"},
		{"an empty stop sequence", Sampling{Stop: []string{"a", ""}}, "stop", "stop[1] is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{Question: "q", FinalSampling: tc.s}
			res, err := h.eng.Run(context.Background(), req, nil)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			var fe *FieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tc.field, fe.Field)
			assert.Contains(t, err.Error(), tc.want)
			_, lerr := h.eng.Lookup(context.Background(), req)
			assert.Equal(t, err.Error(), lerr.Error(), "Lookup refuses it as Run does")
		})
	}
	assert.Zero(t, h.up.mock.Stats().Requests, "bad input never reaches upstream")
}
