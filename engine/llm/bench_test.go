package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchChunks is an OpenRouter-shaped stream of n content chunks plus the
// finish, usage and [DONE] events, as separate writes.
func benchChunks(n int) [][]byte {
	var out [][]byte
	add := func(s string) { out = append(out, []byte(s)) }
	add(": OPENROUTER PROCESSING\n\n")
	add(`data: {"id":"gen-1746000000-abcdefghijklmnop","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1746000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}` + "\n\n")
	for i := range n {
		add(fmt.Sprintf(`data: {"id":"gen-1746000000-abcdefghijklmnop","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1746000000,"choices":[{"index":0,"delta":{"role":"assistant","content":" token%d"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}`+"\n\n", i))
	}
	add(`data: {"id":"gen-1746000000-abcdefghijklmnop","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1746000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}` + "\n\n")
	add(`data: {"id":"gen-1746000000-abcdefghijklmnop","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1746000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":42,"completion_tokens":50,"total_tokens":92,"cost":0.0000363,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null},"completion_tokens_details":{"reasoning_tokens":0}}}` + "\n\n")
	add("data: [DONE]\n\n")
	return out
}

// BenchmarkChat is a full Chat against a loopback server streaming 50
// chunks, each written and flushed on its own, as a zero-latency upstream.
// overhead-ns/op is Latency − Upstream: the client's own time per call.
func BenchmarkChat(b *testing.B) {
	chunks := benchChunks(50)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = r.Body.Read(make([]byte, 0)) // the server does not need the body
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		for _, c := range chunks {
			_, _ = w.Write(c)
			fl.Flush()
		}
	}))
	defer srv.Close()
	req := Request{Model: "openai/gpt-4o-mini", Messages: []Message{
		{Role: "system", Content: "You are the Generator stage of a consensus pipeline."},
		{Role: "user", Content: "Explain what a keep-alive connection pool buys a streaming client."},
	}}
	for _, bc := range []struct {
		name    string
		onToken func(string)
	}{
		{"nil-onToken", nil},
		{"onToken", func(string) {}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := New(WithBaseURL(srv.URL+"/v1"), WithAPIKey("k"), WithTransport(NewTransport()))
			ctx := context.Background()
			var overhead, upstream int64
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.Chat(ctx, req, bc.onToken)
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.Content) == 0 || !resp.Usage.Reported {
					b.Fatalf("incomplete answer: %+v", resp)
				}
				overhead += int64(resp.Latency - resp.Upstream)
				upstream += int64(resp.Upstream)
			}
			b.ReportMetric(float64(overhead)/float64(b.N), "overhead-ns/op")
			b.ReportMetric(float64(upstream)/float64(b.N), "upstream-ns/op")
			c.drains.Wait()
		})
	}
}

func cannedStream() []byte { return bytes.Join(benchChunks(50), nil) }

// BenchmarkSSE is the SSE parser alone over a canned 50-chunk stream.
func BenchmarkSSE(b *testing.B) {
	stream := cannedStream()
	r := bytes.NewReader(stream)
	s := NewSSEReader(r)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(stream)
		s.Reset(r)
		n := 0
		for s.Next() {
			n++
		}
		if s.Err() != nil || n != 54 {
			b.Fatalf("events %d, err %v", n, s.Err())
		}
	}
}

// BenchmarkSSEDecode is the SSE parser plus the chunk decoder: all the
// client does with a stream's bytes.
func BenchmarkSSEDecode(b *testing.B) {
	stream := cannedStream()
	r := bytes.NewReader(stream)
	s := NewSSEReader(r)
	var c chunk
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(stream)
		s.Reset(r)
		for s.Next() {
			if d := s.Event().Data; string(d) != "[DONE]" {
				if err := c.decode(d); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkChunkDecode compares the purpose-built decoder with
// encoding/json on one content chunk; it is why the client has its own.
func BenchmarkChunkDecode(b *testing.B) {
	data := bytes.TrimSuffix(bytes.TrimPrefix(benchChunks(1)[2], []byte("data: ")), []byte("\n\n"))
	b.Run("scanner", func(b *testing.B) {
		var c chunk
		b.ReportAllocs()
		for b.Loop() {
			if err := c.decode(data); err != nil || string(c.content) != " token0" {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var c struct {
			Model   string `json:"model"`
			Choices []struct {
				Delta struct {
					Content *string `json:"content"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
			Usage *struct {
				PromptTokens     int      `json:"prompt_tokens"`
				CompletionTokens int      `json:"completion_tokens"`
				Cost             *float64 `json:"cost"`
			} `json:"usage"`
			Error json.RawMessage `json:"error"`
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := json.Unmarshal(data, &c); err != nil || *c.Choices[0].Delta.Content != " token0" {
				b.Fatal(err)
			}
		}
	})
}
