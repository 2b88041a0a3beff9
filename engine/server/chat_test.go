package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type chatChunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message *struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		Delta *struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
	Hive *struct {
		ConversationID int64 `json:"conversation_id"`
		Cached         bool  `json:"cached"`
	} `json:"hive"`
}

type conversationStages struct {
	Final    string `json:"final"`
	Messages []struct {
		Content          string `json:"content"`
		PromptTokens     int    `json:"prompt_tokens"`
		CompletionTokens int    `json:"completion_tokens"`
	} `json:"messages"`
}

func chatBody(model string, stream bool, msgs ...[2]string) map[string]any {
	var m []map[string]any
	for _, x := range msgs {
		m = append(m, map[string]any{"role": x[0], "content": x[1]})
	}
	return map[string]any{"model": model, "stream": stream, "messages": m}
}

func TestChatCompletions(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/chat/completions", chatBody("hive/plain", false,
		[2]string{"system", "be brief"}, [2]string{"user", "first"}, [2]string{"assistant", "ok"}, [2]string{"user", "What is Go?"}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c := decode[chatChunk](t, resp.Body)
	assert.Equal(t, "chat.completion", c.Object)
	assert.Equal(t, "hive/plain", c.Model)
	assert.NotEmpty(t, c.ID)
	require.Len(t, c.Choices, 1)
	require.NotNil(t, c.Choices[0].Message)
	assert.Equal(t, "assistant", c.Choices[0].Message.Role)
	require.NotNil(t, c.Choices[0].FinishReason)
	assert.Equal(t, "stop", *c.Choices[0].FinishReason)
	require.NotNil(t, c.Hive)

	// The answer is the curator's, and usage sums every stage.
	conv := decode[conversationStages](t, e.get(t, "/v1/conversations/"+itoa(c.Hive.ConversationID)).Body)
	assert.Equal(t, conv.Final, c.Choices[0].Message.Content)
	require.Len(t, conv.Messages, 4)
	var p, comp int
	for _, m := range conv.Messages {
		p += m.PromptTokens
		comp += m.CompletionTokens
	}
	require.NotNil(t, c.Usage)
	assert.Equal(t, p, c.Usage.PromptTokens)
	assert.Equal(t, comp, c.Usage.CompletionTokens)
	assert.Equal(t, p+comp, c.Usage.TotalTokens)
}

func TestChatCompletionsStream(t *testing.T) {
	e := start(t, nil)
	for _, round := range []string{"live", "cached"} {
		t.Run(round, func(t *testing.T) {
			resp := e.post(t, "/v1/chat/completions", chatBody("hive/plain", true, [2]string{"user", "What is Go?"}))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
			events := readSSE(t, resp.Body)
			require.GreaterOrEqual(t, len(events), 3)
			require.Equal(t, "[DONE]", events[len(events)-1].data, "the stream ends in data: [DONE]")

			var content strings.Builder
			var id string
			var last chatChunk
			for i, ev := range events[:len(events)-1] {
				assert.Empty(t, ev.name, "OpenAI chunks carry no event name")
				var c chatChunk
				dec := json.NewDecoder(bytes.NewReader([]byte(ev.data)))
				require.NoError(t, dec.Decode(&c), "chunk %d is not JSON: %s", i, ev.data)
				assert.Equal(t, "chat.completion.chunk", c.Object)
				assert.Equal(t, "hive/plain", c.Model)
				if id == "" {
					id = c.ID
				}
				assert.Equal(t, id, c.ID, "one id across the stream")
				require.Len(t, c.Choices, 1)
				require.NotNil(t, c.Choices[0].Delta)
				if i == 0 {
					assert.Equal(t, "assistant", c.Choices[0].Delta.Role)
				}
				content.WriteString(c.Choices[0].Delta.Content)
				if i < len(events)-2 {
					assert.Nil(t, c.Choices[0].FinishReason)
				}
				last = c
			}
			require.NotNil(t, last.Choices[0].FinishReason)
			assert.Equal(t, "stop", *last.Choices[0].FinishReason)
			require.NotNil(t, last.Usage)
			assert.Positive(t, last.Usage.TotalTokens)
			require.NotNil(t, last.Hive)
			assert.Equal(t, round == "cached", last.Hive.Cached)
			conv := decode[conversationStages](t, e.get(t, "/v1/conversations/"+itoa(last.Hive.ConversationID)).Body)
			assert.Equal(t, conv.Final, content.String(), "the streamed deltas are the curator's answer")
		})
	}
	assert.Equal(t, int64(4), e.mock.Stats().Requests, "the second round was a cache hit")
}

func TestChatCompletionsErrors(t *testing.T) {
	e := start(t, nil)
	tests := []struct {
		name string
		body map[string]any
		code int
		want string
	}{
		{"not a hive model", chatBody("gpt-4o", false, [2]string{"user", "q"}), 404, "want hive/<profile>"},
		{"unknown profile", chatBody("hive/turbo", false, [2]string{"user", "q"}), 404, "unknown profile"},
		{"no user message", chatBody("hive/plain", false, [2]string{"system", "q"}), 400, "no user message"},
		{"empty question", chatBody("hive/plain", true, [2]string{"user", " "}), 400, "question is empty"},
		{"upstream failure", chatBody("hive/broken", false, [2]string{"user", "q"}), 502, "status 400"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.post(t, "/v1/chat/completions", tc.body)
			assert.Equal(t, tc.code, resp.StatusCode)
			var body struct {
				Error struct {
					Message string `json:"message"`
					Type    string `json:"type"`
				} `json:"error"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Contains(t, body.Error.Message, tc.want)
			assert.NotEmpty(t, body.Error.Type)
		})
	}
	// The max_cost extension stops the pipeline: finish_reason "length".
	resp := e.post(t, "/v1/chat/completions", map[string]any{"model": "hive/plain", "max_cost": 1e-9,
		"messages": []map[string]any{{"role": "user", "content": "budget"}}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c := decode[chatChunk](t, resp.Body)
	require.NotNil(t, c.Choices[0].FinishReason)
	assert.Equal(t, "length", *c.Choices[0].FinishReason)
	assert.NotEmpty(t, c.Choices[0].Message.Content, "the last completed stage's answer")

	// Content as an array of parts, and the bare "hive" model (default profile).
	resp = e.post(t, "/v1/chat/completions", map[string]any{"model": "hive", "messages": []map[string]any{
		{"role": "user", "content": []map[string]string{{"type": "text", "text": "What"}, {"type": "text", "text": "is Go?"}}},
	}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hive/plain", decode[chatChunk](t, resp.Body).Model)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
