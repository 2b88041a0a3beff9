package mockllm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testPrices = Prices{Prompt: 1e-6, Completion: 2e-6}

func TestStreamFormat(t *testing.T) {
	_, run := startServer(t, Config{Seed: 7, Latency: Latency{Tokens: 12}, Prices: testPrices})
	msgs := []msg{{"system", "be brief"}, {"user", "three little words  here\nand two"}}
	const promptWords = 2 + 6

	cases := []struct {
		name         string
		model        string
		includeUsage bool
		wantTokens   int
	}{
		{"usage asked", "openai/gpt-4o-mini", true, 12},
		{"usage not asked", "openai/gpt-4o-mini", false, 12},
		{"scripted length", "@tokens-3/short", true, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, d := streamChat(t, run.BaseURL, chatReq(c.model, true, c.includeUsage, msgs...))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
			require.NoError(t, d.err)
			require.Empty(t, d.malformed)
			assert.True(t, d.done, "stream must end with data: [DONE]")
			assert.Empty(t, d.comments)
			require.NotEmpty(t, d.chunks)

			first := d.chunks[0]
			require.Len(t, first.Choices, 1)
			require.NotNil(t, first.Choices[0].Delta.Role)
			assert.Equal(t, "assistant", *first.Choices[0].Delta.Role)
			assert.Equal(t, c.wantTokens, d.tokens)

			wantChunks := 1 + c.wantTokens + 1 // role, tokens, finish
			if c.includeUsage {
				wantChunks++
			}
			require.Len(t, d.chunks, wantChunks)
			for i, ch := range d.chunks {
				assert.Equal(t, first.ID, ch.ID, "chunk %d: every chunk shares the id", i)
				assert.True(t, strings.HasPrefix(ch.ID, "chatcmpl-"), ch.ID)
				assert.Equal(t, "chat.completion.chunk", ch.Object)
				assert.Equal(t, c.model, ch.Model)
				assert.InDelta(t, time.Now().Unix(), ch.Created, 60)
				want := []string{"id", "object", "created", "model", "choices"}
				if c.includeUsage {
					want = append(want, "usage")
					if i < len(d.chunks)-1 {
						assert.Equal(t, "null", string(d.raw[i]["usage"]), "chunk %d: usage is null until the last chunk", i)
					}
				}
				assert.ElementsMatch(t, want, keys(d.raw[i]), "chunk %d has exactly OpenAI's fields", i)
			}
			for _, ch := range d.chunks[1 : 1+c.wantTokens] {
				require.Len(t, ch.Choices, 1)
				assert.Nil(t, ch.Choices[0].FinishReason)
				assert.Nil(t, ch.Choices[0].Delta.Role)
			}
			fin := d.chunks[1+c.wantTokens]
			require.Len(t, fin.Choices, 1)
			require.NotNil(t, fin.Choices[0].FinishReason)
			assert.Equal(t, "stop", *fin.Choices[0].FinishReason)

			last := d.chunks[len(d.chunks)-1]
			if !c.includeUsage {
				assert.Nil(t, last.Usage)
				return
			}
			assert.Empty(t, last.Choices, "the usage chunk has empty choices")
			require.NotNil(t, last.Usage)
			assert.Equal(t, promptWords, last.Usage.PromptTokens)
			assert.Equal(t, c.wantTokens, last.Usage.CompletionTokens)
			assert.Equal(t, promptWords+c.wantTokens, last.Usage.TotalTokens)
			require.NotNil(t, last.Usage.Cost)
			assert.InDelta(t, float64(promptWords)*testPrices.Prompt+float64(c.wantTokens)*testPrices.Completion, *last.Usage.Cost, 1e-15)
		})
	}
}

func TestNonStreamedReplyMatchesStream(t *testing.T) {
	_, run := startServer(t, Config{Seed: 3, Latency: Latency{Tokens: 9}, Prices: testPrices})
	resp := post(t, context.Background(), run.BaseURL, chatReq("m/x", false, false))
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var c wireCompletion
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&c))
	assert.Equal(t, "chat.completion", c.Object)
	assert.Equal(t, "m/x", c.Model)
	require.Len(t, c.Choices, 1)
	assert.Equal(t, "assistant", c.Choices[0].Message.Role)
	assert.Equal(t, "stop", c.Choices[0].FinishReason)
	require.NotNil(t, c.Usage)
	assert.Equal(t, 9, c.Usage.CompletionTokens)
	assert.Equal(t, 9, len(strings.Fields(c.Choices[0].Message.Content)))

	_, d := streamChat(t, run.BaseURL, chatReq("m/x", true, true))
	assert.Equal(t, d.content, c.Choices[0].Message.Content, "streamed and non-streamed replies to one request agree")
}

func TestDeterminism(t *testing.T) {
	_, a := startServer(t, Config{Seed: 42, Latency: Latency{Tokens: 20, TokensJitter: 10}})
	_, b := startServer(t, Config{Seed: 42, Latency: Latency{Tokens: 20, TokensJitter: 10}})
	_, other := startServer(t, Config{Seed: 43, Latency: Latency{Tokens: 20, TokensJitter: 10}})
	req := chatReq("m/det", true, false)
	_, base := streamChat(t, a.BaseURL, req)
	require.NotEmpty(t, base.content)

	_, again := streamChat(t, a.BaseURL, req)
	assert.Equal(t, base.content, again.content, "same server, same request")
	_, twin := streamChat(t, b.BaseURL, req)
	assert.Equal(t, base.content, twin.content, "another server with the same seed")
	_, seeded := streamChat(t, other.BaseURL, req)
	assert.NotEqual(t, base.content, seeded.content, "another seed")
	_, changed := streamChat(t, a.BaseURL, chatReq("m/det", true, false, msg{"user", "a different question"}))
	assert.NotEqual(t, base.content, changed.content, "another request")
	_, model := streamChat(t, a.BaseURL, chatReq("m/other", true, false))
	assert.NotEqual(t, base.content, model.content, "another model")
}

func TestMaxTokensCapsTheReply(t *testing.T) {
	_, run := startServer(t, Config{Latency: Latency{Tokens: 10}})
	for _, field := range []string{"max_tokens", "max_completion_tokens"} {
		t.Run(field, func(t *testing.T) {
			req := chatReq("m/cap", true, true)
			req[field] = 4
			_, d := streamChat(t, run.BaseURL, req)
			assert.Equal(t, 4, d.tokens)
			require.True(t, d.done)
			fin := d.chunks[len(d.chunks)-2]
			require.NotNil(t, fin.Choices[0].FinishReason)
			assert.Equal(t, "length", *fin.Choices[0].FinishReason)
			assert.Equal(t, 4, d.chunks[len(d.chunks)-1].Usage.CompletionTokens)
		})
	}
}

func TestScriptedFaults(t *testing.T) {
	srv, run := startServer(t, Config{Latency: Latency{Tokens: 10}, Prices: testPrices})

	statusSeq := func(model string, n int) ([]int, []string) {
		var codes []int
		var retry []string
		for range n {
			resp := post(t, context.Background(), run.BaseURL, chatReq(model, true, true))
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes = append(codes, resp.StatusCode)
			retry = append(retry, resp.Header.Get("Retry-After"))
		}
		return codes, retry
	}

	t.Run("fail-500x3 fails three times then answers", func(t *testing.T) {
		codes, retry := statusSeq("@fail-500x3/a", 5)
		assert.Equal(t, []int{500, 500, 500, 200, 200}, codes)
		assert.Equal(t, []string{"", "", "", "", ""}, retry)
	})
	t.Run("fail-500 always fails", func(t *testing.T) {
		codes, _ := statusSeq("@fail-500/b", 4)
		assert.Equal(t, []int{500, 500, 500, 500}, codes)
	})
	t.Run("fail-429x1-ra1 is one 429 with Retry-After 1", func(t *testing.T) {
		codes, retry := statusSeq("@fail-429x1-ra1/c", 2)
		assert.Equal(t, []int{429, 200}, codes)
		assert.Equal(t, "1", retry[0])
	})
	t.Run("tallies are per model name", func(t *testing.T) {
		codes, _ := statusSeq("@fail-503x1/d1", 1)
		assert.Equal(t, []int{503}, codes)
		codes, _ = statusSeq("@fail-503x1/d2", 1)
		assert.Equal(t, []int{503}, codes, "a new name has its own tally")
	})
	t.Run("error body is OpenRouter-shaped", func(t *testing.T) {
		resp := post(t, context.Background(), run.BaseURL, chatReq("@fail-404/e", true, false))
		defer resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		var body struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Type    string `json:"type"`
			} `json:"error"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		assert.Equal(t, 404, body.Error.Code)
		assert.Contains(t, body.Error.Message, "@fail-404/e")
		assert.Equal(t, "invalid_request_error", body.Error.Type)
	})

	streamCases := []struct {
		name  string
		model string
		check func(t *testing.T, d decoded)
	}{
		{"cut-after-5 closes the connection after 5 tokens", "@cut-after-5/f", func(t *testing.T, d decoded) {
			assert.ErrorIs(t, d.err, io.ErrUnexpectedEOF)
			assert.False(t, d.done)
			assert.Equal(t, 5, d.tokens)
		}},
		{"cut-after past the end still cuts", "@cut-after-50/g", func(t *testing.T, d decoded) {
			assert.ErrorIs(t, d.err, io.ErrUnexpectedEOF)
			assert.False(t, d.done)
			assert.Equal(t, 10, d.tokens)
		}},
		{"malformed-after-2 sends one bad chunk and goes on", "@malformed-after-2/h", func(t *testing.T, d decoded) {
			require.NoError(t, d.err)
			assert.True(t, d.done)
			assert.Len(t, d.malformed, 1)
			assert.Equal(t, 10, d.tokens)
			var badAt int
			for i, e := range d.events {
				if e.data == d.malformed[0] {
					badAt = i
				}
			}
			// events: role chunk, 2 tokens, then the bad one
			assert.Equal(t, 3, badAt)
		}},
		{"error-after-3 ends with an error object", "@error-after-3/i", func(t *testing.T, d decoded) {
			require.NoError(t, d.err, "an errored stream ends cleanly, without [DONE]")
			assert.False(t, d.done)
			assert.Equal(t, 3, d.tokens)
			last := d.chunks[len(d.chunks)-1]
			require.NotNil(t, last.Error)
			assert.Equal(t, "server_error", last.Error.Code)
			assert.Contains(t, last.Error.Message, "after 3 tokens")
			require.Len(t, last.Choices, 1)
			assert.Equal(t, "error", *last.Choices[0].FinishReason)
		}},
		{"keepalive interleaves comments", "@keepalive+tokens-4/j", func(t *testing.T, d decoded) {
			require.NoError(t, d.err)
			assert.True(t, d.done)
			assert.Equal(t, 4, d.tokens)
			assert.Equal(t, []string{" OPENROUTER PROCESSING", " OPENROUTER PROCESSING", " OPENROUTER PROCESSING", " OPENROUTER PROCESSING"}, d.comments)
			assert.Empty(t, d.events[0].data, "a comment comes before the first chunk")
		}},
		{"no-usage withholds usage", "@no-usage/k", func(t *testing.T, d decoded) {
			assert.True(t, d.done)
			for _, c := range d.chunks {
				assert.Nil(t, c.Usage)
			}
		}},
		{"no-cost reports usage without cost", "@no-cost/l", func(t *testing.T, d decoded) {
			last := d.chunks[len(d.chunks)-1]
			require.NotNil(t, last.Usage)
			assert.Equal(t, 10, last.Usage.CompletionTokens)
			assert.Nil(t, last.Usage.Cost)
			assert.NotContains(t, string(d.raw[len(d.raw)-1]["usage"]), "cost")
		}},
	}
	for _, c := range streamCases {
		t.Run(c.name, func(t *testing.T) {
			resp, d := streamChat(t, run.BaseURL, chatReq(c.model, true, true))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			c.check(t, d)
		})
	}

	t.Run("non-streamed cut", func(t *testing.T) {
		resp := post(t, context.Background(), run.BaseURL, chatReq("@cut-after-1/m", false, false))
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		_, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})

	st := srv.Stats()
	assert.Equal(t, int64(3), st.StreamsCut, "two streamed cuts and one non-streamed")
	assert.Equal(t, int64(1), st.StreamErrors)
	assert.Equal(t, int64(1), st.Malformed)
	assert.Equal(t, int64(4), st.KeepAlives)
	assert.Equal(t, int64(3+4), st.ByStatus[500])
	assert.Equal(t, int64(1), st.ByStatus[429])
	assert.Equal(t, int64(2), st.ByStatus[503])
	assert.Equal(t, int64(1), st.ByStatus[404])
	assert.Equal(t, int64(0), st.ClientCancels)
	assert.Equal(t, int64(0), st.InFlight)
}

func TestScriptedTimingOverridesThePlan(t *testing.T) {
	srv := New(Config{Latency: Latency{TTFT: time.Second, TTFTJitter: time.Second, ITL: time.Second, ITLJitter: time.Second, Tokens: 50, TokensJitter: 49}})
	req := &chatRequest{Model: "@ttft-200ms+itl-20ms+tokens-7/x", Messages: []chatMessage{{Role: "user", Content: messageContent{"hi"}}}}
	sc, scripted, err := parseModel(req.Model)
	require.NoError(t, err)
	require.True(t, scripted)
	rp := srv.planReply(req, sc, 1)
	assert.Equal(t, 200*time.Millisecond, rp.sched.TTFT)
	assert.Equal(t, 7, rp.n)
	for i := 1; i < 7; i++ {
		assert.Equal(t, 20*time.Millisecond, rp.sched.ITL(i))
	}
	assert.Equal(t, 200*time.Millisecond+6*20*time.Millisecond, rp.sched.Total(7))
	assert.True(t, rp.paced)
}

func TestBadScriptIs400NamingTheDirective(t *testing.T) {
	srv, run := startServer(t, Config{})
	cases := []struct{ model, want string }{
		{"@bogus/x", `unknown directive "bogus"`},
		{"@fail-500+slow-ttft-200ms/x", `unknown directive "slow-ttft-200ms"`},
		{"@fail-700/x", "outside 400..599"},
		{"@cut-after-5", "/<name> part is missing"},
		{"@tokens-0/x", "outside 1..1000000"},
		{"@ttft-fast/x", `"fast" is not a duration`},
		{"@keepalive+keepalive/x", `"keepalive" given twice`},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			resp := post(t, context.Background(), run.BaseURL, chatReq(c.model, true, false))
			defer resp.Body.Close()
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, errorMessage(t, resp.Body), c.want)
		})
	}
	assert.Equal(t, int64(len(cases)), srv.Stats().ByStatus[400])
}

func TestRateFaults(t *testing.T) {
	type faultCase struct {
		name  string
		set   func(f *Faults, rate float64)
		check func(t *testing.T, resp *http.Response, d decoded) // at rate 1
	}
	cases := []faultCase{
		{"429", func(f *Faults, r float64) { f.RateLimit, f.RetryAfter = r, 2*time.Second }, func(t *testing.T, resp *http.Response, d decoded) {
			assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
			assert.Equal(t, "2", resp.Header.Get("Retry-After"))
		}},
		{"500", func(f *Faults, r float64) { f.ServerError = r }, func(t *testing.T, resp *http.Response, d decoded) {
			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		}},
		{"cut", func(f *Faults, r float64) { f.Cut = r }, func(t *testing.T, resp *http.Response, d decoded) {
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.ErrorIs(t, d.err, io.ErrUnexpectedEOF)
			assert.False(t, d.done)
			assert.GreaterOrEqual(t, d.tokens, 1, "a drawn cut comes after some tokens")
			assert.Less(t, d.tokens, 10, "and before the last")
		}},
		{"malformed", func(f *Faults, r float64) { f.Malformed = r }, func(t *testing.T, resp *http.Response, d decoded) {
			assert.Len(t, d.malformed, 1)
			assert.True(t, d.done)
		}},
		{"keepalive", func(f *Faults, r float64) { f.KeepAlive = r }, func(t *testing.T, resp *http.Response, d decoded) {
			assert.Len(t, d.comments, 10)
			assert.True(t, d.done)
		}},
		{"error", func(f *Faults, r float64) { f.StreamError = r }, func(t *testing.T, resp *http.Response, d decoded) {
			require.NotEmpty(t, d.chunks)
			assert.NotNil(t, d.chunks[len(d.chunks)-1].Error)
			assert.False(t, d.done)
			assert.NoError(t, d.err)
		}},
	}
	for _, c := range cases {
		t.Run(c.name+" at rate 1", func(t *testing.T) {
			cfg := Config{Seed: 5, Latency: Latency{Tokens: 10}}
			c.set(&cfg.Faults, 1)
			_, run := startServer(t, cfg)
			for i := range 5 {
				resp, d := streamChat(t, run.BaseURL, chatReq(fmt.Sprintf("m/%d", i), true, true))
				c.check(t, resp, d)
			}
		})
		t.Run(c.name+" at rate 0", func(t *testing.T) {
			cfg := Config{Seed: 5, Latency: Latency{Tokens: 10}}
			c.set(&cfg.Faults, 0)
			srv, run := startServer(t, cfg)
			for i := range 20 {
				resp, d := streamChat(t, run.BaseURL, chatReq(fmt.Sprintf("m/%d", i), true, true))
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.NoError(t, d.err)
				assert.True(t, d.done)
				assert.Empty(t, d.malformed)
				assert.Empty(t, d.comments)
				assert.Equal(t, 10, d.tokens)
			}
			assert.Equal(t, int64(20), srv.Stats().StreamsCompleted)
		})
	}
}

func TestRateFaultIsDrawnPerRequest(t *testing.T) {
	// At rate 0.5 the same request must sometimes fail and sometimes not
	// (a retry rolls again), and the share must be near the rate.
	srv, run := startServer(t, Config{Seed: 9, Latency: Latency{Tokens: 2}, Faults: Faults{ServerError: 0.5}})
	const n = 400
	failed := 0
	for range n {
		resp := post(t, context.Background(), run.BaseURL, chatReq("m/same", false, false))
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusInternalServerError {
			failed++
		}
	}
	// Binomial(400, 0.5): sd = 10; ±5 sd.
	assert.InDelta(t, n/2, failed, 50)
	assert.Equal(t, int64(failed), srv.Stats().ByStatus[500])
}

func TestClientCancelIsCounted(t *testing.T) {
	for _, stream := range []bool{true, false} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			srv, run := startServer(t, Config{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			got := make(chan error, 1)
			go func() {
				req := chatReq("@ttft-1h/slow", stream, false)
				b, _ := json.Marshal(req)
				hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, run.BaseURL+"/chat/completions", strings.NewReader(string(b)))
				resp, err := http.DefaultClient.Do(hreq)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				got <- err
			}()
			require.Eventually(t, func() bool { return srv.Stats().InFlight == 1 }, 10*time.Second, time.Millisecond,
				"the request reaches its TTFT wait")
			cancel()
			assert.ErrorIs(t, <-got, context.Canceled)
			require.Eventually(t, func() bool { return srv.Stats().ClientCancels == 1 }, 10*time.Second, time.Millisecond,
				"the server sees the client's cancellation")
			st := srv.Stats()
			assert.Equal(t, int64(0), st.InFlight)
			assert.Equal(t, int64(0), st.StreamsCompleted+st.RepliesCompleted)
		})
	}
}

func TestShutdownAbortIsNotAClientCancel(t *testing.T) {
	srv := New(Config{})
	run, err := srv.Listen(context.Background(), "127.0.0.1:0")
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		b, _ := json.Marshal(chatReq("@ttft-1h/slow", true, false))
		resp, err := http.Post(run.BaseURL+"/chat/completions", "application/json", strings.NewReader(string(b)))
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		got <- err
	}()
	require.Eventually(t, func() bool { return srv.Stats().InFlight == 1 }, 10*time.Second, time.Millisecond)
	expired, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	assert.Error(t, run.Shutdown(expired), "the grace period expired with a reply in flight")
	<-run.Done()
	assert.Error(t, <-got, "the client sees its stream end early")
	require.Eventually(t, func() bool { return srv.Stats().InFlight == 0 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, int64(0), srv.Stats().ClientCancels)
	assert.NoError(t, run.Err())
}

func TestListenContextCancelStopsServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	run, err := New(Config{}).Listen(ctx, "127.0.0.1:0")
	require.NoError(t, err)
	resp, err := http.Get(run.BaseURL + "/models")
	require.NoError(t, err)
	resp.Body.Close()
	cancel()
	select {
	case <-run.Done():
	case <-time.After(ShutdownGrace + 5*time.Second):
		t.Fatal("server did not stop after its context was canceled")
	}
	_, err = http.Get(run.BaseURL + "/models")
	assert.Error(t, err, "nothing listens any more")
}

func TestRoutes(t *testing.T) {
	srv, run := startServer(t, Config{Models: []string{"mock/a", "openai/gpt-4o-mini"}})
	root := strings.TrimSuffix(run.BaseURL, "/v1")

	resp, err := http.Get(run.BaseURL + "/models")
	require.NoError(t, err)
	var models struct {
		Object string `json:"object"`
		Data   []struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&models))
	resp.Body.Close()
	assert.Equal(t, "list", models.Object)
	require.Len(t, models.Data, 2)
	assert.Equal(t, "openai/gpt-4o-mini", models.Data[1].ID)
	assert.Equal(t, "model", models.Data[1].Object)

	cases := []struct {
		method, url string
		status      int
		want        string
	}{
		{http.MethodPost, root + "/chat/completions", http.StatusNotFound, run.BaseURL},
		{http.MethodGet, root + "/models", http.StatusNotFound, "/v1"},
		{http.MethodGet, run.BaseURL + "/chat/completions", http.StatusMethodNotAllowed, "use POST"},
		{http.MethodPost, run.BaseURL + "/models", http.StatusMethodNotAllowed, "use GET"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.url, func(t *testing.T) {
			req, err := http.NewRequest(c.method, c.url, strings.NewReader("{}"))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, c.status, resp.StatusCode)
			assert.Contains(t, errorMessage(t, resp.Body), c.want)
		})
	}

	_, _ = streamChat(t, run.BaseURL, chatReq("m/x", true, true))
	resp, err = http.Get(root + "/mock/stats")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	assert.Equal(t, srv.Stats(), st)
	assert.Equal(t, int64(1), st.Requests)
	assert.Equal(t, int64(1), st.StreamsCompleted)
	assert.Equal(t, map[int]int64{200: 1}, st.ByStatus)
	assert.Equal(t, int64(DefaultTokens), st.CompletionTokens)
}

func TestBadRequests(t *testing.T) {
	srv, run := startServer(t, Config{})
	cases := []struct {
		name string
		body string
		want string
	}{
		{"not JSON", `{"model":`, "not a chat completion request"},
		{"no model", `{"messages":[{"role":"user","content":"hi"}]}`, `"model" is missing`},
		{"no messages", `{"model":"m/x","messages":[]}`, `"messages" is missing or empty`},
		{"bad role", `{"model":"m/x","messages":[{"role":"robot","content":"hi"}]}`, `messages[0].role is "robot"`},
		{"bad content", `{"model":"m/x","messages":[{"role":"user","content":42}]}`, "content must be a string"},
		{"negative max_tokens", `{"model":"m/x","max_tokens":-1,"messages":[{"role":"user","content":"hi"}]}`, "must be ≥ 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Post(run.BaseURL+"/chat/completions", "application/json", strings.NewReader(c.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, errorMessage(t, resp.Body), c.want)
		})
	}
	assert.Equal(t, int64(len(cases)), srv.Stats().Requests)
	assert.Equal(t, int64(len(cases)), srv.Stats().ByStatus[400])
}

func TestContentPartsArePromptText(t *testing.T) {
	_, run := startServer(t, Config{})
	parts := []map[string]any{{"type": "text", "text": "one two"}, {"type": "image_url", "image_url": map[string]string{"url": "x"}}, {"type": "text", "text": "three"}}
	_, d := streamChat(t, run.BaseURL, chatReq("m/parts", true, true, msg{"user", parts}, msg{"assistant", nil}))
	require.True(t, d.done)
	assert.Equal(t, 3, d.chunks[len(d.chunks)-1].Usage.PromptTokens)
}

func TestNewPanicsOnInvalidConfig(t *testing.T) {
	assert.PanicsWithValue(t,
		"mockllm.New: mock-llm config: faults.cut (--fault-cut) is 2; want a probability in [0, 1]",
		func() { New(Config{Faults: Faults{Cut: 2}}) })
	assert.NotPanics(t, func() { New(Config{}) }, "the zero Config is valid")
}

func TestCountWords(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{{"", 0}, {"   ", 0}, {"one", 1}, {" one  two\tthree\nfour ", 4}, {"naïve café", 2}}
	for _, c := range cases {
		assert.Equal(t, c.want, countWords(c.in), "%q", c.in)
	}
}

func TestJSONEscaping(t *testing.T) {
	for _, s := range []string{`plain`, `q"uote`, `back\slash`, "ctl\x01\x1f\n\t\r", "ünïcode ✓", "</script>"} {
		quoted := `"` + string(appendJSONStringBody(nil, s)) + `"`
		var back string
		require.NoError(t, json.Unmarshal([]byte(quoted), &back), quoted)
		assert.Equal(t, s, back)
	}
}

func TestPooledRequestsDoNotLeakFields(t *testing.T) {
	// The decoded request is reused from a pool; a field absent from the
	// next request must not keep the previous request's value.
	srv := New(Config{})
	do := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body)))
		return rec
	}
	for range 20 {
		ok := do(`{"model":"m/a","stream":true,"stream_options":{"include_usage":true},"max_tokens":2,"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"}]}`)
		require.Equal(t, http.StatusOK, ok.Code)
		noRole := do(`{"model":"m/a","messages":[{"content":"u"}]}`)
		assert.Equal(t, http.StatusBadRequest, noRole.Code, "the role of the previous request leaked")
		plain := do(`{"model":"m/b","messages":[{"role":"user","content":"u"}]}`)
		require.Equal(t, http.StatusOK, plain.Code)
		var c wireCompletion
		require.NoError(t, json.Unmarshal(plain.Body.Bytes(), &c))
		assert.Equal(t, "chat.completion", c.Object, "stream of the previous request leaked")
		assert.Equal(t, "stop", c.Choices[0].FinishReason, "max_tokens of the previous request leaked")
	}
}

func TestRequestBodyLimit(t *testing.T) {
	srv := New(Config{})
	srv.maxBody = 1 << 10
	body := func(words int) string {
		return `{"model":"m/x","messages":[{"role":"user","content":"` + strings.Repeat("a ", words) + `"}]}`
	}
	atLimit := body(400)
	atLimit = body(400 + (1<<10-len(atLimit))/2)
	require.LessOrEqual(t, len(atLimit), 1<<10)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(atLimit)))
	assert.Equal(t, http.StatusOK, rec.Code, "a body within the limit is served")

	over := body(600)
	require.Greater(t, len(over), 1<<10)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(over)))
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assert.Contains(t, errorMessage(t, rec.Body), "request body over 1024 bytes")
}

func TestNonStreamedFaults(t *testing.T) {
	srv, run := startServer(t, Config{Latency: Latency{Tokens: 6}})
	cases := []struct {
		model string
		check func(t *testing.T, body []byte)
	}{
		{"@malformed-after-1/a", func(t *testing.T, body []byte) {
			var c wireCompletion
			assert.Error(t, json.Unmarshal(body, &c), "the body is truncated JSON")
			assert.True(t, strings.HasPrefix(string(body), `{"id":"chatcmpl-`))
		}},
		{"@error-after-1/b", func(t *testing.T, body []byte) {
			var e struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &e))
			assert.Equal(t, "server_error", e.Error.Code)
		}},
		{"@keepalive/c", func(t *testing.T, body []byte) {
			assert.Equal(t, byte('\n'), body[0], "leading whitespace while generating")
			var c wireCompletion
			require.NoError(t, json.Unmarshal(body, &c), "JSON decoders skip it")
			assert.Equal(t, 6, c.Usage.CompletionTokens)
		}},
		{"@no-usage/d", func(t *testing.T, body []byte) {
			var raw map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(body, &raw))
			assert.NotContains(t, raw, "usage")
		}},
		{"@no-cost/e", func(t *testing.T, body []byte) {
			var c wireCompletion
			require.NoError(t, json.Unmarshal(body, &c))
			require.NotNil(t, c.Usage)
			assert.Nil(t, c.Usage.Cost)
		}},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			resp := post(t, context.Background(), run.BaseURL, chatReq(c.model, false, false))
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err, "the body is complete (Content-Length honoured)")
			require.NotEmpty(t, body)
			c.check(t, body)
		})
	}
	// The handler counts a completed reply after its last write, which the
	// client may have read already: wait for the count rather than race it.
	require.Eventually(t, func() bool { return srv.Stats().RepliesCompleted == 4 }, 5*time.Second, time.Millisecond,
		"malformed, keepalive, no-usage, no-cost: got %d", srv.Stats().RepliesCompleted)
	st := srv.Stats()
	assert.Equal(t, int64(1), st.Malformed)
	assert.Equal(t, int64(1), st.StreamErrors)
	assert.Equal(t, int64(1), st.KeepAlives)
}
