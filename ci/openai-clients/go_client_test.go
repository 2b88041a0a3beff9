package openaiclients

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goClient is the official Go SDK pointed at hive serve. Retries are off:
// a 502 must reach the test as one answer, not three.
func goClient(key string) openai.Client {
	return openai.NewClient(option.WithBaseURL(baseURL+"/v1/"), option.WithAPIKey(key),
		option.WithMaxRetries(0), option.WithRequestTimeout(time.Minute))
}

var questionSeq atomic.Int64

// question returns a question no other test asked, so that each starts
// from a live run rather than a cache hit.
func question(what string) string {
	return fmt.Sprintf("Go SDK %s #%d: what is a B-tree?", what, questionSeq.Add(1))
}

func userAsks(q string) []openai.ChatCompletionMessageParamUnion {
	return []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("Answer briefly."), openai.UserMessage(q)}
}

func TestGoClientNonStreaming(t *testing.T) {
	c := goClient(token)
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "hive/plain", Messages: userAsks(question("non-streaming"))})
	require.NoError(t, err)
	assert.Equal(t, "chat.completion", string(resp.Object))
	assert.Equal(t, "hive/plain", resp.Model)
	require.Len(t, resp.Choices, 1)
	ch := resp.Choices[0]
	assert.Equal(t, "assistant", string(ch.Message.Role))
	assert.NotEmpty(t, ch.Message.Content)
	assert.Equal(t, "stop", ch.FinishReason)
	// Usage sums the four stages.
	assert.Positive(t, resp.Usage.PromptTokens)
	assert.GreaterOrEqual(t, resp.Usage.CompletionTokens, int64(4*12*3/4), "four stages of about 12 tokens")
	assert.Equal(t, resp.Usage.PromptTokens+resp.Usage.CompletionTokens, resp.Usage.TotalTokens)
	assert.Contains(t, resp.JSON.ExtraFields["hive"].Raw(), `"conversation_id"`, "hive's extension object is there")
}

func TestGoClientSamplingParameters(t *testing.T) {
	c := goClient(token)
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "hive/plain", Messages: userAsks(question("max_tokens")),
		MaxCompletionTokens: openai.Int(3), Temperature: openai.Float(0),
		Stop: openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"\n\nEND"}}})
	require.NoError(t, err)
	require.Len(t, resp.Choices, 1)
	assert.Equal(t, "length", resp.Choices[0].FinishReason, "max_completion_tokens cut the answer")

	_, err = c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "hive/plain", Messages: userAsks("q"), Temperature: openai.Float(3)})
	apiErr := requireAPIError(t, err, http.StatusBadRequest)
	assert.Equal(t, "invalid_request_error", apiErr.Type)
	assert.Equal(t, "temperature", apiErr.Param)
}

func TestGoClientStreaming(t *testing.T) {
	c := goClient(token)
	q := question("streaming")
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "hive/plain", Messages: userAsks(q),
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}})
	defer stream.Close()
	var acc openai.ChatCompletionAccumulator
	var chunks, usageChunks int
	var last openai.ChatCompletionChunk
	for stream.Next() {
		ch := stream.Current()
		require.True(t, acc.AddChunk(ch), "chunk %d does not continue the stream: %s", chunks, ch.RawJSON())
		chunks++
		if ch.JSON.Usage.Valid() && ch.Usage.TotalTokens > 0 {
			usageChunks++
		}
		last = ch
	}
	require.NoError(t, stream.Err())
	require.Greater(t, chunks, 3)
	assert.Empty(t, last.Choices, "include_usage: the last chunk has no choices")
	assert.Equal(t, 1, usageChunks, "usage comes once, in the last chunk")
	require.Len(t, acc.Choices, 1)
	assert.Equal(t, "stop", acc.Choices[0].FinishReason)
	assert.NotEmpty(t, acc.Choices[0].Message.Content)
	assert.Positive(t, acc.Usage.TotalTokens)

	// The same question again, not streamed, is the cache's copy of that
	// run: the streamed deltas were the whole answer and the usage is the
	// run's.
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "hive/plain", Messages: userAsks(q)})
	require.NoError(t, err)
	assert.Equal(t, resp.Choices[0].Message.Content, acc.Choices[0].Message.Content)
	assert.Equal(t, resp.Usage.PromptTokens, acc.Usage.PromptTokens)
	assert.Equal(t, resp.Usage.CompletionTokens, acc.Usage.CompletionTokens)
	assert.Equal(t, resp.Usage.TotalTokens, acc.Usage.TotalTokens)
}

// requireAPIError checks that err is the SDK's *openai.Error for status,
// that is, that the SDK parsed hive's answer as an OpenAI error.
func requireAPIError(t *testing.T, err error, status int) *openai.Error {
	t.Helper()
	require.Error(t, err)
	var apiErr *openai.Error
	require.True(t, errors.As(err, &apiErr), "not an *openai.Error: %T %v", err, err)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.NotEmpty(t, apiErr.Message, "the SDK read the error's message")
	return apiErr
}

func TestGoClientErrors(t *testing.T) {
	ctx := context.Background()
	c, wrongKey := goClient(token), goClient("not-the-token")
	t.Run("unknown model", func(t *testing.T) {
		_, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: "gpt-4o", Messages: userAsks("q")})
		apiErr := requireAPIError(t, err, http.StatusNotFound)
		assert.Equal(t, "model_not_found", apiErr.Code)
		assert.Equal(t, "model", apiErr.Param)
		assert.Equal(t, "invalid_request_error", apiErr.Type)
		assert.Contains(t, apiErr.Message, "hive/plain")
	})
	t.Run("wrong key", func(t *testing.T) {
		_, err := wrongKey.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: "hive/plain", Messages: userAsks("q")})
		apiErr := requireAPIError(t, err, http.StatusUnauthorized)
		assert.Equal(t, "invalid_api_key", apiErr.Code)
	})
	t.Run("upstream failure", func(t *testing.T) {
		_, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: "hive/broken", Messages: userAsks(question("broken"))})
		apiErr := requireAPIError(t, err, http.StatusBadGateway)
		assert.Equal(t, "upstream_error", apiErr.Type)
		assert.Contains(t, apiErr.Message, "status 400")
	})
	t.Run("unknown model, streamed", func(t *testing.T) {
		stream := c.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
			Model: "hive/turbo", Messages: userAsks("q")})
		defer stream.Close()
		assert.False(t, stream.Next())
		apiErr := requireAPIError(t, stream.Err(), http.StatusNotFound)
		assert.Equal(t, "model_not_found", apiErr.Code)
	})
	t.Run("failure mid-stream", func(t *testing.T) {
		stream := c.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
			Model: "hive/broken", Messages: userAsks(question("broken, streamed"))})
		defer stream.Close()
		for n := 0; stream.Next(); n++ {
			require.Less(t, n, 100, "the stream does not end")
		}
		err := stream.Err()
		require.Error(t, err, "the stream's error event reaches the caller")
		assert.Contains(t, err.Error(), "status 400")
		assert.Contains(t, err.Error(), "upstream_error")
	})
}

func TestGoClientModels(t *testing.T) {
	c := goClient(token)
	page, err := c.Models.List(context.Background())
	require.NoError(t, err)
	var ids []string
	for _, m := range page.Data {
		ids = append(ids, m.ID)
		assert.Equal(t, "hive", m.OwnedBy, m.ID)
		assert.Positive(t, m.Created, m.ID)
		assert.Equal(t, "model", string(m.Object))
	}
	assert.Contains(t, ids, "hive/plain")
	assert.Contains(t, ids, "hive/broken")
}
