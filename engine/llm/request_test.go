package llm

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/jsonstr"
)

func TestEncodeRequest(t *testing.T) {
	temp := 0.7
	zero := 0.0
	cases := []struct {
		name  string
		req   Request
		model string
		want  map[string]any
	}{
		{"minimal",
			Request{Model: "a", Messages: []Message{{Role: "user", Content: "hi"}}}, "a",
			map[string]any{
				"model":          "a",
				"messages":       []any{map[string]any{"role": "user", "content": "hi"}},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
			}},
		{"fallback model, temperature, max tokens, awkward text",
			Request{Model: "a", Temperature: &temp, MaxTokens: 256, Messages: []Message{
				{Role: "system", Content: "be \"brief\"\\\n\t\x01<&>"},
				{Role: "user", Content: "héllo 😀 \u2028 \xff end"},
			}}, "b/c:free",
			map[string]any{
				"model": "b/c:free",
				"messages": []any{
					map[string]any{"role": "system", "content": "be \"brief\"\\\n\t\x01<&>"},
					map[string]any{"role": "user", "content": "héllo 😀 \u2028 \ufffd end"},
				},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
				"temperature":    0.7,
				"max_tokens":     256.0,
			}},
		{"temperature zero is sent, not dropped",
			Request{Model: "a", Temperature: &zero, Messages: []Message{{Role: "user", Content: ""}}}, "a",
			map[string]any{
				"model":          "a",
				"messages":       []any{map[string]any{"role": "user", "content": ""}},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
				"temperature":    0.0,
			}},
		{"stop sequences are sent as an array",
			Request{Model: "a", Stop: []string{"\n\nUser:", "END \"x\""}, Messages: []Message{{Role: "user", Content: "q"}}}, "a",
			map[string]any{
				"model":          "a",
				"messages":       []any{map[string]any{"role": "user", "content": "q"}},
				"stream":         true,
				"stream_options": map[string]any{"include_usage": true},
				"stop":           []any{"\n\nUser:", "END \"x\""},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := encodeRequest(&c.req, c.model)
			var got map[string]any
			require.NoError(t, json.Unmarshal(body, &got), "body: %s", body)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestRequestValidate(t *testing.T) {
	msgs := []Message{{Role: "user", Content: "q"}}
	nan, neg := math.NaN(), -1.0
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"no model", Request{Messages: msgs}, "Request.Model is empty"},
		{"empty fallback", Request{Model: "a", Fallbacks: []string{"b", ""}, Messages: msgs}, "Request.Fallbacks[1] is empty"},
		{"no messages", Request{Model: "a"}, "Request.Messages is empty"},
		{"no role", Request{Model: "a", Messages: []Message{{Content: "x"}}}, "Request.Messages[0].Role is empty"},
		{"NaN temperature", Request{Model: "a", Messages: msgs, Temperature: &nan}, "Request.Temperature is NaN"},
		{"negative temperature", Request{Model: "a", Messages: msgs, Temperature: &neg}, "Request.Temperature is -1"},
		{"negative max tokens", Request{Model: "a", Messages: msgs, MaxTokens: -5}, "Request.MaxTokens is -5"},
		{"empty stop sequence", Request{Model: "a", Messages: msgs, Stop: []string{"x", ""}}, "Request.Stop[1] is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.req.validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	ok := Request{Model: "a", Messages: msgs}
	assert.NoError(t, ok.validate())
}

// FuzzJSONString checks the hand-written string encoder against
// encoding/json: both must decode to the same text.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s\n\r\t\x00\x1f\x7f", "é😀\u2028\u2029", "\xff\xfe bad \xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		require.NoError(t, json.Unmarshal(jsonstr.Append(nil, s), &got))
		ref, err := json.Marshal(s)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(ref, &want))
		assert.Equal(t, want, got)
	})
}
