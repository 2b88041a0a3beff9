package llm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunkView is what the client uses from a chunk, in comparable form.
type chunkView struct {
	Model      string
	HasModel   bool
	Content    string
	HasContent bool
	Finish     string
	Usage      bool
	Prompt     int64
	Completion int64
	Cost       float64
	HasCost    bool
	HasErr     bool
	ErrMsg     string
	ErrNum     int64
}

func viewOf(c *chunk) chunkView {
	return chunkView{
		Model: string(c.model), HasModel: c.hasModel,
		Content: string(c.content), HasContent: c.hasContent,
		Finish: string(c.finish),
		Usage:  c.usage, Prompt: c.prompt, Completion: c.complete, Cost: c.cost, HasCost: c.hasCost,
		HasErr: c.hasErr, ErrMsg: string(c.errMsg), ErrNum: c.errNum,
	}
}

func TestChunkDecode(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want chunkView
	}{
		{"content delta",
			`{"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"openai/gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}`,
			chunkView{Model: "openai/gpt-4o-mini", HasModel: true, Content: "Hel", HasContent: true}},
		{"escapes and unicode",
			`{"choices":[{"delta":{"content":"a\"b\\c\n\t\u00e9\ud83d\ude00 \u2028 ü"}}]}`,
			chunkView{Content: "a\"b\\c\n\té😀 \u2028 ü", HasContent: true}},
		{"null content (role-only chunk)",
			`{"choices":[{"delta":{"role":"assistant","content":null}}]}`,
			chunkView{}},
		{"finish reason",
			`{"choices":[{"delta":{},"finish_reason":"stop"}]}`,
			chunkView{Finish: "stop"}},
		{"OpenRouter final usage with cost",
			`{"choices":[],"usage":{"prompt_tokens":194,"completion_tokens":2,"total_tokens":196,"cost":0.95,"cost_details":{"upstream_inference_cost":19},"prompt_tokens_details":{"cached_tokens":0}}}`,
			chunkView{Usage: true, Prompt: 194, Completion: 2, Cost: 0.95, HasCost: true}},
		{"usage null in earlier chunks",
			`{"choices":[{"delta":{"content":"x"}}],"usage":null}`,
			chunkView{Content: "x", HasContent: true}},
		{"usage without cost",
			`{"usage":{"prompt_tokens":3,"completion_tokens":4}}`,
			chunkView{Usage: true, Prompt: 3, Completion: 4}},
		{"only the first choice counts",
			`{"choices":[{"delta":{"content":"A"}},{"delta":{"content":"B"}}]}`,
			chunkView{Content: "A", HasContent: true}},
		{"OpenRouter error object with numeric code",
			`{"id":"x","error":{"code":502,"message":"Provider disconnected","metadata":{"raw":"..."}},"choices":[{"delta":{"content":""},"finish_reason":"error"}]}`,
			chunkView{HasErr: true, ErrMsg: "Provider disconnected", ErrNum: 502, HasContent: true, Finish: "error"}},
		{"error as a bare string",
			`{"error":"rate limited"}`,
			chunkView{HasErr: true, ErrMsg: "rate limited"}},
		{"vLLM error shape",
			`{"object":"error","message":"model not found","type":"NotFoundError","code":404}`,
			chunkView{HasErr: true, ErrMsg: "model not found", ErrNum: 404}},
		{"error null is no error",
			`{"error":null,"choices":[{"delta":{"content":"ok"}}]}`,
			chunkView{Content: "ok", HasContent: true}},
		{"fields of the wrong type are ignored",
			`{"model":5,"choices":{"a":1},"usage":"x"}`,
			chunkView{}},
		{"whitespace everywhere",
			" {\n\"choices\" : [ { \"delta\" : { \"content\" : \"x\" } } ] } \r\n",
			chunkView{Content: "x", HasContent: true}},
	}
	var c chunk
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, c.decode([]byte(tc.in)))
			assert.Equal(t, tc.want, viewOf(&c))
		})
	}
}

func TestChunkDecodeRejectsMalformed(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", ``, "empty data"},
		{"truncated object", `{"choices":[{"delta":{"content":"Hel`, "unterminated string"},
		{"missing value", `{"choices":}`, "unexpected character"},
		{"trailing garbage", `{"a":1}x`, "data after the top-level value"},
		{"two objects", `{"a":1}{"b":2}`, "data after the top-level value"},
		{"not an object", `[1,2]`, "not an object"},
		{"bad escape", `{"a":"\x"}`, "invalid escape"},
		{"raw control character", "{\"a\":\"x\ny\"}", "control character"},
		{"bad number", `{"a":01}`, "expected ',' or '}'"},
		{"bad literal", `{"a":tru}`, "invalid literal"},
		{"too deep", strings.Repeat("[", 100), "nested too deeply"},
		{"too deep inside an object", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "nested too deeply"},
		{"comment line passed as data", `: OPENROUTER PROCESSING`, "unexpected character"},
	}
	var c chunk
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := c.decode([]byte(tc.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, errJSON)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// referenceChunk computes chunkView with encoding/json, following the same
// rules (last duplicate key wins, wrong-typed fields are absent).
func referenceChunk(data []byte) (chunkView, error) {
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return chunkView{}, err
	}
	var v chunkView
	if m, ok := top["model"].(string); ok {
		v.Model, v.HasModel = m, true
	}
	if choices, ok := top["choices"].([]any); ok && len(choices) > 0 {
		if first, ok := choices[0].(map[string]any); ok {
			if delta, ok := first["delta"].(map[string]any); ok {
				if s, ok := delta["content"].(string); ok {
					v.Content, v.HasContent = s, true
				}
			}
			if s, ok := first["finish_reason"].(string); ok {
				v.Finish = s
			}
		}
	}
	if u, ok := top["usage"].(map[string]any); ok {
		v.Usage = true
		if n, ok := u["prompt_tokens"].(float64); ok {
			v.Prompt = int64(n)
		}
		if n, ok := u["completion_tokens"].(float64); ok {
			v.Completion = int64(n)
		}
		if n, ok := u["cost"].(float64); ok {
			v.Cost, v.HasCost = n, true
		}
	}
	code := func(x any) int64 {
		if n, ok := x.(float64); ok && n == float64(int64(n)) {
			return int64(n)
		}
		return 0
	}
	switch e := top["error"].(type) {
	case nil:
		if obj, _ := top["object"].(string); obj == "error" {
			v.HasErr = true
			v.ErrMsg, _ = top["message"].(string)
			v.ErrNum = code(top["code"])
		}
	case string:
		v.HasErr, v.ErrMsg = true, e
	case map[string]any:
		v.HasErr = true
		v.ErrMsg, _ = e["message"].(string)
		v.ErrNum = code(e["code"])
	default:
		v.HasErr = true
	}
	return v, nil
}

func FuzzChunk(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","choices":[{"index":0,"delta":{"content":"Hi \u00e9"},"finish_reason":null}],"usage":null}`,
		`{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"cost":1.5e-5}}`,
		`{"error":{"code":429,"message":"slow down"}}`,
		`{"object":"error","message":"bad","code":400}`,
		`{"mod\u0065l":"escaped key","model":"dup"}`,
		`{"a":[1,-2.5e3,true,false,null,{"b":"\ud800"}]}`,
		"{\"choices\":[{\"delta\":{\"content\":\"\xff\"}}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c chunk
		err := c.decode(data)
		want, werr := referenceChunk(data)
		if err != nil && strings.Contains(err.Error(), "nested too deeply") {
			return // our bound is stricter than encoding/json's, on purpose
		}
		var rangeErr *json.UnmarshalTypeError
		if errors.As(werr, &rangeErr) {
			return // a number beyond float64: encoding/json refuses, we saturate
		}
		if werr != nil {
			assert.Error(t, err, "encoding/json rejects this: %v", werr)
			return
		}
		if !assert.NoError(t, err, "encoding/json accepts this") {
			return
		}
		got := viewOf(&c)
		// Token counts beyond float64's exact range differ in rounding only.
		if got.Prompt > 1<<53 || got.Prompt < -(1<<53) || got.Completion > 1<<53 || got.Completion < -(1<<53) {
			got.Prompt, got.Completion, want.Prompt, want.Completion = 0, 0, 0, 0
		}
		assert.Equal(t, want, got)
	})
}
