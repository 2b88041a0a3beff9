package mockllm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startServer runs New(cfg) on a free loopback port for the test's lifetime.
func startServer(t testing.TB, cfg Config) (*Server, *Running) {
	t.Helper()
	srv := New(cfg)
	run, err := srv.Listen(context.Background(), "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, run.Shutdown(ctx))
	})
	return srv, run
}

type msg struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

// chatReq builds a request body; stream options only when streaming.
func chatReq(model string, stream, includeUsage bool, msgs ...msg) map[string]any {
	if len(msgs) == 0 {
		msgs = []msg{{"system", "You are terse."}, {"user", "Summarise the design of the store package."}}
	}
	req := map[string]any{"model": model, "messages": msgs, "stream": stream}
	if stream {
		req["stream_options"] = map[string]any{"include_usage": includeUsage}
	}
	return req
}

func post(t testing.TB, ctx context.Context, baseURL string, body any) *http.Response {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/chat/completions", bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

// sseEvent is one dispatched SSE event: a comment line or the data of an
// event (multi-line data joined with "\n", per the SSE spec).
type sseEvent struct {
	comment string
	data    string
}

// sseStream is what a body held: its events in order, whether the last data
// was [DONE], and the read error that ended it (nil on a clean EOF).
type sseStream struct {
	events []sseEvent
	done   bool
	err    error
}

// readSSE is a deliberately small, independent SSE reader (the engine's
// client is written in parallel and must not be what tests this server).
// An event whose blank line never arrived is dropped, as the spec says.
func readSSE(r io.Reader) sseStream {
	var out sseStream
	br := bufio.NewReader(r)
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			out.err = err
			if err == io.EOF {
				out.err = nil
			}
			return out
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if data != nil {
				d := strings.Join(data, "\n")
				out.events = append(out.events, sseEvent{data: d})
				out.done = d == "[DONE]"
				data = nil
			}
		case strings.HasPrefix(line, ":"):
			out.events = append(out.events, sseEvent{comment: strings.TrimPrefix(line, ":")})
		case strings.HasPrefix(line, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

// The wire types, written from the OpenAI reference, independent of the
// server's own encoder.
type wireUsage struct {
	PromptTokens     int      `json:"prompt_tokens"`
	CompletionTokens int      `json:"completion_tokens"`
	TotalTokens      int      `json:"total_tokens"`
	Cost             *float64 `json:"cost"`
}

type wireChunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Role    *string `json:"role"`
			Content *string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *wireUsage `json:"usage"`
	Error *struct {
		Code    any    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type wireCompletion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *wireUsage `json:"usage"`
}

// decoded is a stream taken apart: the chunks that parsed, the data events
// that did not, the comments, and the content of all deltas joined.
type decoded struct {
	sseStream
	chunks    []wireChunk
	raw       []map[string]json.RawMessage
	malformed []string
	comments  []string
	content   string
	tokens    int // content deltas with non-empty content
}

func decodeStream(t testing.TB, s sseStream) decoded {
	t.Helper()
	d := decoded{sseStream: s}
	var sb strings.Builder
	for _, e := range s.events {
		if e.data == "" {
			d.comments = append(d.comments, e.comment)
			continue
		}
		if e.data == "[DONE]" {
			continue
		}
		var c wireChunk
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(e.data), &c) != nil || json.Unmarshal([]byte(e.data), &raw) != nil {
			d.malformed = append(d.malformed, e.data)
			continue
		}
		d.chunks = append(d.chunks, c)
		d.raw = append(d.raw, raw)
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil && *ch.Delta.Content != "" {
				sb.WriteString(*ch.Delta.Content)
				d.tokens++
			}
		}
	}
	d.content = sb.String()
	return d
}

func streamChat(t testing.TB, baseURL string, body any) (*http.Response, decoded) {
	t.Helper()
	resp := post(t, context.Background(), baseURL, body)
	defer resp.Body.Close()
	return resp, decodeStream(t, readSSE(resp.Body))
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// errorMessage decodes an error body and returns its message.
func errorMessage(t testing.TB, body io.Reader) string {
	t.Helper()
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	require.NoError(t, json.NewDecoder(body).Decode(&e))
	return e.Error.Message
}
