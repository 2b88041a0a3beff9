package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/server"
)

// The requests of issue 19 part 2, crafted by hand: what strict OpenAI
// clients expect of every answer on /v1/*. ci/openai-clients checks the
// same with the official client libraries.

// apiError is OpenAI's error object.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// readAPIError reads an error answer and checks it is OpenAI's envelope,
// {"error": {"message", "type", "param", "code"}}, every field present
// (param and code may be null), with a JSON Content-Type. It returns the
// error object and the whole body.
func readAPIError(t testing.TB, resp *http.Response) (apiError, map[string]json.RawMessage) {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "body: %s", body)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &top), "body: %s", body)
	raw, ok := top["error"]
	require.True(t, ok, "no error in %s", body)
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &fields), "error is not an object: %s", body)
	for _, k := range []string{"message", "type", "param", "code"} {
		assert.Contains(t, fields, k, "the error object lacks %q: %s", k, body)
	}
	var e apiError
	require.NoError(t, json.Unmarshal(raw, &e), "body: %s", body)
	assert.NotEmpty(t, e.Message, "body: %s", body)
	assert.NotEmpty(t, e.Type, "body: %s", body)
	return e, top
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// do sends a request with the given body (chunked when chunked is set, so
// that only the reader's cap can catch its size) and header pairs.
func (e *env) do(t testing.TB, method, path, body string, chunked bool, header ...string) *http.Response {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	if chunked {
		r = io.MultiReader(strings.NewReader(body))
	}
	req, err := http.NewRequest(method, e.url+path, r)
	require.NoError(t, err)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestEveryV1ErrorIsOpenAIsEnvelope(t *testing.T) {
	e := start(t, func(c *server.Config) { c.Token = "s3cret"; c.MaxBodyBytes = 4096 })
	big := `{"question": "` + strings.Repeat("a", 8192) + `"}`
	chat := func(model string) string {
		return `{"model": "` + model + `", "messages": [{"role": "user", "content": "q"}]}`
	}
	tests := []struct {
		name, method, path, body string
		chunked, noToken         bool
		status                   int
		typ, code, param         string // "<null>" for null
	}{
		{"chat: unreadable body", "POST", "/v1/chat/completions", `{"model":`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"chat: not JSON", "POST", "/v1/chat/completions", `hello`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"chat: trailing data", "POST", "/v1/chat/completions", chat("hive/plain") + ` {}`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"chat: wrong type", "POST", "/v1/chat/completions", `{"model": 5, "messages": []}`, false, false, 400, "invalid_request_error", "<null>", "model"},
		{"chat: body over the cap", "POST", "/v1/chat/completions", big, false, false, 413, "invalid_request_error", "request_too_large", "<null>"},
		{"chat: body over the cap, chunked", "POST", "/v1/chat/completions", big, true, false, 413, "invalid_request_error", "request_too_large", "<null>"},
		{"chat: no token", "POST", "/v1/chat/completions", chat("hive/plain"), false, true, 401, "invalid_request_error", "invalid_api_key", "<null>"},
		{"chat: unknown model", "POST", "/v1/chat/completions", chat("gpt-4o"), false, false, 404, "invalid_request_error", "model_not_found", "model"},
		{"chat: no user message", "POST", "/v1/chat/completions", `{"model": "hive", "messages": [{"role": "system", "content": "q"}]}`, false, false, 400, "invalid_request_error", "<null>", "messages"},
		{"chat: upstream failure", "POST", "/v1/chat/completions", chat("hive/broken"), false, false, 502, "upstream_error", "<null>", "<null>"},
		{"consensus: unreadable body", "POST", "/v1/consensus", `{"question":`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"consensus: unknown field", "POST", "/v1/consensus", `{"question": "q", "profil": "x"}`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"consensus: empty question", "POST", "/v1/consensus", `{"question": " "}`, false, false, 400, "invalid_request_error", "<null>", "<null>"},
		{"consensus: body over the cap", "POST", "/v1/consensus", big, false, false, 413, "invalid_request_error", "request_too_large", "<null>"},
		{"consensus: no token", "POST", "/v1/consensus", `{"question": "q"}`, false, true, 401, "invalid_request_error", "invalid_api_key", "<null>"},
		{"models: no token", "GET", "/v1/models", ``, false, true, 401, "invalid_request_error", "invalid_api_key", "<null>"},
		{"conversation: bad id", "GET", "/v1/conversations/x", ``, false, false, 400, "invalid_request_error", "<null>", "id"},
		{"conversation: not found", "GET", "/v1/conversations/999", ``, false, false, 404, "invalid_request_error", "conversation_not_found", "id"},
		{"unknown route", "POST", "/v1/embeddings", `{}`, false, false, 404, "invalid_request_error", "unknown_url", "<null>"},
		{"wrong method", "GET", "/v1/chat/completions", ``, false, false, 405, "invalid_request_error", "method_not_allowed", "<null>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if !tc.noToken {
				hdr = []string{"Authorization", "Bearer s3cret"}
			}
			resp := e.do(t, tc.method, tc.path, tc.body, tc.chunked, hdr...)
			assert.Equal(t, tc.status, resp.StatusCode)
			got, _ := readAPIError(t, resp)
			assert.Equal(t, tc.typ, got.Type)
			assert.Equal(t, tc.code, str(got.Code))
			assert.Equal(t, tc.param, str(got.Param))
			if tc.status == http.StatusMethodNotAllowed {
				assert.Equal(t, "POST", resp.Header.Get("Allow"))
			}
		})
	}

	// A failed run on /v1/consensus keeps its partial result beside the
	// error object.
	resp := e.do(t, "POST", "/v1/consensus", `{"question": "q", "profile": "broken"}`, false, "Authorization", "Bearer s3cret")
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	got, top := readAPIError(t, resp)
	assert.Equal(t, "upstream_error", got.Type)
	assert.Contains(t, got.Message, "status 400")
	var res consensus.ResultJSON
	require.NoError(t, json.Unmarshal(top["result"], &res))
	assert.Equal(t, "failed", res.Status)
}

// TestStreamErrorsAreOpenAIsEnvelope: a run that fails once its stream has
// started ends with an error object in the envelope, on both run routes.
func TestStreamErrorsAreOpenAIsEnvelope(t *testing.T) {
	e := start(t, nil)
	for _, tc := range []struct{ path, body string }{
		{"/v1/chat/completions", `{"model": "hive/broken", "stream": true, "messages": [{"role": "user", "content": "q"}]}`},
		{"/v1/consensus", `{"question": "q", "profile": "broken", "stream": true}`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp := e.do(t, "POST", tc.path, tc.body, false)
			require.Equal(t, http.StatusOK, resp.StatusCode, "the stream started before the stage failed")
			events := readSSE(t, resp.Body)
			require.NotEmpty(t, events)
			last := events[len(events)-1]
			var body struct {
				Error *apiError `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(last.data), &body), "last event: %s", last.data)
			require.NotNil(t, body.Error, "last event: %s", last.data)
			assert.Equal(t, "upstream_error", body.Error.Type)
			assert.Contains(t, body.Error.Message, "status 400")
			assert.Contains(t, last.data, `"param":null`)
			assert.Contains(t, last.data, `"code":null`)
		})
	}
}

func TestChatUnknownModelIs404(t *testing.T) {
	e := start(t, nil)
	for _, model := range []string{"gpt-4o", "hive/turbo", "hive/", "hive/plain/x"} {
		t.Run(model, func(t *testing.T) {
			for _, stream := range []bool{false, true} {
				resp := e.post(t, "/v1/chat/completions", chatBody(model, stream, [2]string{"user", "q"}))
				require.Equal(t, http.StatusNotFound, resp.StatusCode)
				got, _ := readAPIError(t, resp)
				assert.Equal(t, "model_not_found", str(got.Code))
				assert.Equal(t, "model", str(got.Param))
				assert.Contains(t, got.Message, model)
				assert.Contains(t, got.Message, "hive/plain", "the message lists the models there are")
			}
		})
	}
	resp := e.post(t, "/v1/chat/completions", map[string]any{"messages": []map[string]string{{"role": "user", "content": "q"}}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	got, _ := readAPIError(t, resp)
	assert.Equal(t, "model", str(got.Param))
	assert.Zero(t, e.mock.Stats().Requests)
}

func TestChatStreamOptionsIncludeUsage(t *testing.T) {
	e := start(t, nil)
	for i, tc := range []struct {
		name    string
		options any // stream_options; nil: absent
		usage   bool
	}{
		{"include_usage", map[string]any{"include_usage": true}, true},
		{"include_usage, cached", map[string]any{"include_usage": true}, true},
		{"include_usage false", map[string]any{"include_usage": false}, false},
		{"no stream_options", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := chatBody("hive/plain", true, [2]string{"user", "What is a heap?"})
			if tc.options != nil {
				body["stream_options"] = tc.options
			}
			resp := e.post(t, "/v1/chat/completions", body)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			events := readSSE(t, resp.Body)
			require.GreaterOrEqual(t, len(events), 3)
			require.Equal(t, "[DONE]", events[len(events)-1].data)
			chunks := events[:len(events)-1]
			var raws []map[string]json.RawMessage
			for _, ev := range chunks {
				var m map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(ev.data), &m), ev.data)
				raws = append(raws, m)
			}
			finish := len(chunks) - 1
			if tc.usage {
				// The usage chunk: choices [] and the run's usage.
				last := raws[len(raws)-1]
				assert.JSONEq(t, `[]`, string(last["choices"]))
				var u struct {
					PromptTokens     int `json:"prompt_tokens"`
					CompletionTokens int `json:"completion_tokens"`
					TotalTokens      int `json:"total_tokens"`
				}
				require.NoError(t, json.Unmarshal(last["usage"], &u))
				assert.Positive(t, u.PromptTokens)
				assert.Equal(t, u.PromptTokens+u.CompletionTokens, u.TotalTokens)
				finish--
				for i, m := range raws[:len(raws)-1] {
					if u, ok := m["usage"]; ok {
						assert.Equal(t, "null", string(u), "chunk %d: usage only in the last chunk", i)
					}
				}
			}
			var c chatChunk
			require.NoError(t, json.Unmarshal([]byte(chunks[finish].data), &c))
			require.Len(t, c.Choices, 1)
			require.NotNil(t, c.Choices[0].FinishReason)
			assert.Equal(t, "stop", *c.Choices[0].FinishReason)
			require.NotNil(t, c.Hive)
			assert.Equal(t, i > 0, c.Hive.Cached, "the first run is live, the others hits on it")
			if !tc.usage {
				// hive's own form before stream_options: usage on the
				// finishing chunk.
				require.NotNil(t, c.Usage)
				assert.Positive(t, c.Usage.TotalTokens)
			}
		})
	}

	// stream_options without stream is refused, as OpenAI refuses it.
	body := chatBody("hive/plain", false, [2]string{"user", "q"})
	body["stream_options"] = map[string]any{"include_usage": true}
	resp := e.post(t, "/v1/chat/completions", body)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	got, _ := readAPIError(t, resp)
	assert.Equal(t, "stream_options", str(got.Param))
}

// TestChatEmptyAnswerHasContent: an empty answer is "content": "", not a
// message without content (which strict clients read as a tool call or
// refusal).
func TestChatEmptyAnswerHasContent(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/chat/completions", chatBody("hive/empty", false, [2]string{"user", "say nothing"}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Choices []struct {
			Message map[string]json.RawMessage `json:"message"`
		} `json:"choices"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Choices, 1)
	assert.Equal(t, `"assistant"`, string(body.Choices[0].Message["role"]))
	assert.Equal(t, `""`, string(body.Choices[0].Message["content"]))

	// Streamed, the first chunk carries the role and an empty content.
	resp = e.post(t, "/v1/chat/completions", chatBody("hive/empty", true, [2]string{"user", "say nothing again"}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	events := readSSE(t, resp.Body)
	require.GreaterOrEqual(t, len(events), 2)
	assert.Contains(t, events[0].data, `"delta":{"role":"assistant","content":""}`)
}

func TestModelsHaveCreatedAndOwnedBy(t *testing.T) {
	before := time.Now().Unix()
	e := start(t, nil)
	resp := e.get(t, "/v1/models")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var list struct {
		Object string                       `json:"object"`
		Data   []map[string]json.RawMessage `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	assert.Equal(t, "list", list.Object)
	require.NotEmpty(t, list.Data)
	for _, m := range list.Data {
		var id, object, owner string
		var created int64
		require.NoError(t, json.Unmarshal(m["id"], &id))
		require.NoError(t, json.Unmarshal(m["object"], &object))
		require.NoError(t, json.Unmarshal(m["owned_by"], &owner), "model %s: owned_by", id)
		require.NoError(t, json.Unmarshal(m["created"], &created), "model %s: created is an integer", id)
		assert.True(t, strings.HasPrefix(id, "hive/"), id)
		assert.Equal(t, "model", object)
		assert.Equal(t, "hive", owner)
		assert.GreaterOrEqual(t, created, before, "model %s: created is the server's start", id)
		assert.LessOrEqual(t, created, time.Now().Unix())
	}
}

// TestChatSamplingParameters: temperature, max_tokens (or
// max_completion_tokens) and stop reach the last stage or are refused,
// naming the parameter; never ignored.
func TestChatSamplingParameters(t *testing.T) {
	e := start(t, nil)
	ask := func(t *testing.T, q string, extra map[string]any) *http.Response {
		body := chatBody("hive/plain", false, [2]string{"user", q})
		for k, v := range extra {
			body[k] = v
		}
		return e.post(t, "/v1/chat/completions", body)
	}
	for _, tc := range []struct {
		name  string
		extra map[string]any
	}{
		{"max_tokens", map[string]any{"max_tokens": 3, "temperature": 0, "stop": "END"}},
		{"max_completion_tokens", map[string]any{"max_completion_tokens": 3, "stop": []string{"END", "FIN"}}},
		{"both, equal", map[string]any{"max_tokens": 3, "max_completion_tokens": 3, "stop": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := ask(t, "cut "+tc.name, tc.extra)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			c := decode[chatChunk](t, resp.Body)
			require.Len(t, c.Choices, 1)
			require.NotNil(t, c.Choices[0].FinishReason)
			assert.Equal(t, "length", *c.Choices[0].FinishReason, "max tokens cut the answer")
			conv := decode[conversationStages](t, e.get(t, "/v1/conversations/"+itoa(c.Hive.ConversationID)).Body)
			require.Len(t, conv.Messages, 4)
			assert.Equal(t, 3, conv.Messages[3].CompletionTokens, "the last stage got max_tokens")
			assert.Equal(t, 10, conv.Messages[0].CompletionTokens, "the first stage kept the profile's")
		})
	}
	// Another max_tokens is another answer, not a cache hit.
	resp := ask(t, "cut max_tokens", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c := decode[chatChunk](t, resp.Body)
	assert.False(t, c.Hive.Cached)
	assert.Equal(t, "stop", *c.Choices[0].FinishReason)

	sent := e.mock.Stats().Requests
	for _, tc := range []struct {
		name  string
		extra map[string]any
		param string
		want  string
	}{
		{"temperature over 2", map[string]any{"temperature": 2.5}, "temperature", "[0, 2]"},
		{"temperature as text", map[string]any{"temperature": "hot"}, "temperature", "temperature"},
		{"negative max_tokens", map[string]any{"max_tokens": -1}, "max_tokens", "positive"},
		{"zero max_tokens", map[string]any{"max_tokens": 0}, "max_tokens", "positive"},
		{"fractional max_tokens", map[string]any{"max_tokens": 1.5}, "max_tokens", "max_tokens"},
		{"both, different", map[string]any{"max_tokens": 3, "max_completion_tokens": 4}, "max_completion_tokens", "max_tokens"},
		{"five stop sequences", map[string]any{"stop": []string{"a", "b", "c", "d", "e"}}, "stop", "at most 4"},
		{"an empty stop sequence", map[string]any{"stop": ""}, "stop", "empty"},
		{"stop as a number", map[string]any{"stop": 7}, "stop", "string or an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := ask(t, "q", tc.extra)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			got, _ := readAPIError(t, resp)
			assert.Equal(t, "invalid_request_error", got.Type)
			assert.Equal(t, tc.param, str(got.Param))
			assert.Contains(t, got.Message, tc.want)
		})
	}
	assert.Equal(t, sent, e.mock.Stats().Requests, "refused requests reach no stage")
}
