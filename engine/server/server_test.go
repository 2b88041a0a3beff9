package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/server"
	"github.com/hiveperf/hive/internal/exitcode"
)

type conversation struct {
	ID       int64  `json:"id"`
	Question string `json:"question"`
	Status   string `json:"status"`
	Final    string `json:"final"`
	Messages []struct {
		Stage   string  `json:"stage"`
		Model   string  `json:"model"`
		Content string  `json:"content"`
		Status  string  `json:"status"`
		Cost    float64 `json:"cost"`
	} `json:"messages"`
}

func TestConsensusJSON(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/consensus", map[string]any{"question": "What is a B-tree?"})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	res := decode[consensus.ResultJSON](t, resp.Body)

	assert.Positive(t, res.ConversationID)
	assert.Equal(t, "plain", res.Profile)
	assert.Equal(t, "ok", res.Status)
	assert.False(t, res.Cached)
	require.Len(t, res.Stages, 4)
	var prompt, completion int
	for _, s := range res.Stages {
		assert.Equal(t, "ok", s.Status)
		assert.NotEmpty(t, s.Model)
		assert.NotEmpty(t, s.Content)
		assert.Positive(t, s.Cost)
		assert.Positive(t, s.LatencyMS)
		prompt += s.PromptTokens
		completion += s.CompletionTokens
	}
	assert.Equal(t, res.Stages[3].Content, res.Final)
	assert.Equal(t, prompt, res.Totals.PromptTokens)
	assert.Equal(t, completion, res.Totals.CompletionTokens)
	assert.GreaterOrEqual(t, res.OverheadMS, 0.0)

	cr := e.get(t, fmt.Sprintf("/v1/conversations/%d", res.ConversationID))
	require.Equal(t, http.StatusOK, cr.StatusCode)
	conv := decode[conversation](t, cr.Body)
	assert.Equal(t, "What is a B-tree?", conv.Question)
	assert.Equal(t, res.Final, conv.Final)
	require.Len(t, conv.Messages, 4)
	assert.Equal(t, "curator", conv.Messages[3].Stage)
	assert.Equal(t, res.Stages[3].Content, conv.Messages[3].Content)
}

func TestConversationLookupErrors(t *testing.T) {
	e := start(t, nil)
	for path, want := range map[string]int{
		"/v1/conversations/999": http.StatusNotFound,
		"/v1/conversations/abc": http.StatusBadRequest,
		"/v1/conversations/-1":  http.StatusBadRequest,
	} {
		assert.Equal(t, want, e.get(t, path).StatusCode, path)
	}
}

func TestConsensusStream(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/consensus", map[string]any{"question": "q", "stream": true})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := readSSE(t, resp.Body)
	require.NotEmpty(t, events)

	assert.Equal(t, "stage_started", events[0].name)
	last := events[len(events)-1]
	require.Equal(t, "done", last.name)
	var done struct {
		Result consensus.ResultJSON `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(last.data), &done))
	require.Len(t, done.Result.Stages, 4)

	streamed := map[int]string{}
	var started, completed []string
	for _, ev := range events {
		var v struct {
			Index  int                       `json:"index"`
			Stage  string                    `json:"stage"`
			Delta  string                    `json:"delta"`
			Record consensus.StageRecordJSON `json:"record"`
		}
		require.NoError(t, json.Unmarshal([]byte(ev.data), &v), ev.data)
		switch ev.name {
		case "stage_started":
			started = append(started, v.Stage)
		case "token":
			streamed[v.Index] += v.Delta
		case "stage_completed":
			completed = append(completed, v.Stage)
			assert.Equal(t, streamed[v.Index], v.Record.Content, "stage %s: tokens add up to the record", v.Stage)
		}
	}
	want := []string{"generator", "refiner", "validator", "curator"}
	assert.Equal(t, want, started)
	assert.Equal(t, want, completed)
	assert.Equal(t, done.Result.Final, streamed[3])
}

func TestStreamClientDisconnectAbortsUpstream(t *testing.T) {
	e := start(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+"/v1/consensus",
		strings.NewReader(`{"question": "q", "profile": "slow", "stream": true}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Read until the first token has arrived, then hang up.
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		if line == "event: token\n" {
			break
		}
	}
	cancel()

	require.Eventually(t, func() bool { return e.mock.Stats().ClientCancels == 1 }, 10*time.Second, 10*time.Millisecond,
		"the upstream request was not aborted after the client left")
	require.Eventually(t, func() bool {
		c, _, err := e.store.Conversation(context.Background(), 1)
		return err == nil && c.Status == consensus.StatusCanceled
	}, 10*time.Second, 10*time.Millisecond, "the canceled run was not recorded")
	assert.Equal(t, int64(1), e.mock.Stats().Requests, "later stages were not sent")
}

func TestBadRequests(t *testing.T) {
	e := start(t, nil)
	tests := []struct {
		name string
		body string
		code int
		want string
	}{
		{"empty question", `{"question": "  "}`, 400, "question is empty"},
		{"empty question, streamed", `{"question": "", "stream": true}`, 400, "question is empty"},
		{"unknown profile", `{"question": "q", "profile": "turbo"}`, 400, "known profiles: balanced, broken, cost"},
		{"unknown field", `{"question": "q", "profil": "speed"}`, 400, `unknown field "profil"`},
		{"not JSON", `question=q`, 400, "invalid request body"},
		{"empty body", ``, 400, "empty body"},
		{"trailing data", `{"question": "q"} {}`, 400, "unexpected data"},
		{"negative max_cost", `{"question": "q", "max_cost": -1}`, 400, "max_cost"},
		{"body over the cap", `{"question": "` + strings.Repeat("a", 2<<20) + `"}`, 413, "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(e.url+"/v1/consensus", "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
			got, _ := readAPIError(t, resp)
			assert.Contains(t, got.Message, tc.want)
		})
	}
	assert.Zero(t, e.mock.Stats().Requests, "no bad request reached upstream")
}

func TestBodyCapWithoutContentLength(t *testing.T) {
	e := start(t, func(c *server.Config) { c.MaxBodyBytes = 1024 })
	// An io.Reader of unknown length makes the client send it chunked, so
	// only the reader cap can catch it.
	body := io.MultiReader(strings.NewReader(`{"question": "`), strings.NewReader(strings.Repeat("a", 4096)), strings.NewReader(`"}`))
	req, err := http.NewRequest(http.MethodPost, e.url+"/v1/consensus", body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

func TestUpstreamFailureIs502WithTheRecord(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/consensus", map[string]any{"question": "q", "profile": "broken"})
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	body := decode[struct {
		Error  apiError              `json:"error"`
		Result *consensus.ResultJSON `json:"result"`
	}](t, resp.Body)
	assert.Contains(t, body.Error.Message, "status 400")
	require.NotNil(t, body.Result)
	assert.Equal(t, "failed", body.Result.Status)
	assert.Positive(t, body.Result.ConversationID)
}

func TestAuth(t *testing.T) {
	_, err := server.New(server.Config{Addr: "0.0.0.0:8765"})
	require.Error(t, err, "off-loopback without a token must be refused")
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "HIVE_API_TOKEN")
	for _, addr := range []string{":8765", "[::]:8765", "10.0.0.1:80", "example.com:80"} {
		assert.Error(t, server.CheckAuth(addr, ""), addr)
	}
	for _, addr := range []string{"127.0.0.1:8765", "[::1]:0", "localhost:80", "127.0.0.2:1"} {
		assert.NoError(t, server.CheckAuth(addr, ""), addr)
	}

	// Configured for a public address with a token; bound on loopback so
	// the test opens nothing to the network.
	e := start(t, func(c *server.Config) { c.Addr = "0.0.0.0:8765"; c.Token = "s3cret" })
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"no token", "GET", "/v1/models", "", 401},
		{"wrong token", "GET", "/v1/models", "Bearer nope", 401},
		{"not bearer", "GET", "/v1/models", "s3cret", 401},
		{"right token", "GET", "/v1/models", "Bearer s3cret", 200},
		{"metrics need it", "GET", "/metrics", "", 401},
		{"pprof needs it", "GET", "/debug/pprof/", "", 401},
		{"consensus needs it", "POST", "/v1/consensus", "", 401},
		{"health does not", "GET", "/healthz", "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, e.url+tc.path, strings.NewReader(`{"question":"q"}`))
			require.NoError(t, err)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tc.want, resp.StatusCode)
			if tc.want == 401 {
				assert.Equal(t, `Bearer realm="hive"`, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	assert.Zero(t, e.mock.Stats().Requests)
}

func TestSecondIdenticalRequestIsCached(t *testing.T) {
	e := start(t, nil)
	first := decode[consensus.ResultJSON](t, e.post(t, "/v1/consensus", map[string]any{"question": "What is Go?"}).Body)
	require.False(t, first.Cached)
	sent := e.mock.Stats().Requests
	require.Equal(t, int64(4), sent)

	second := decode[consensus.ResultJSON](t, e.post(t, "/v1/consensus", map[string]any{"question": "What is  Go?\n"}).Body)
	assert.True(t, second.Cached)
	assert.Equal(t, first.Final, second.Final)
	assert.Equal(t, first.ConversationID, second.ConversationID)
	assert.Equal(t, sent, e.mock.Stats().Requests, "a hit sends nothing upstream")

	third := decode[consensus.ResultJSON](t, e.post(t, "/v1/consensus", map[string]any{"question": "What is Go?", "no_cache": true}).Body)
	assert.False(t, third.Cached)
	assert.Equal(t, sent+4, e.mock.Stats().Requests)
}

func TestBudgetStop(t *testing.T) {
	e := start(t, nil)
	resp := e.post(t, "/v1/consensus", map[string]any{"question": "q", "max_cost": 1e-9})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	res := decode[consensus.ResultJSON](t, resp.Body)
	assert.Equal(t, "budget", res.Status)
	assert.Equal(t, "budget", res.Stages[1].Status)
	assert.Equal(t, int64(1), e.mock.Stats().Requests)
}

func TestMetricsEndpoint(t *testing.T) {
	e := start(t, nil)
	require.Equal(t, 200, e.post(t, "/v1/consensus", map[string]any{"question": "q"}).StatusCode)
	require.Equal(t, 200, e.post(t, "/v1/consensus", map[string]any{"question": "q"}).StatusCode)
	resp := e.get(t, "/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	text := string(b)
	for _, want := range []string{
		`hive_consensus_stage_latency_seconds_bucket{stage="curator",status="ok",le="0.0001"}`,
		`hive_consensus_stage_ttft_seconds_count{stage="generator"} 1`,
		`hive_consensus_tokens_total{kind="completion",stage="refiner"}`,
		`hive_consensus_cost_usd_total{stage="validator"}`,
		`hive_consensus_cache_hits_total{layer="memory"} 1`,
		`hive_consensus_cache_misses_total 1`,
		`hive_consensus_errors_total`,
		`hive_consensus_inflight_runs 0`,
		`hive_consensus_overhead_seconds_count 1`,
		`hive_consensus_runs_total{profile="plain",status="cached"} 1`,
		`hive_http_requests_total{code="200",route="POST /v1/consensus"} 2`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		assert.True(t, strings.Contains(text, want), "/metrics lacks %s", want)
	}
}

func TestHealthAndDebugEndpoints(t *testing.T) {
	e := start(t, nil)
	resp := e.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, map[string]string{"status": "ok"}, decode[map[string]string](t, resp.Body))

	for path, want := range map[string]string{
		"/debug/pprof/":                         "goroutine",
		"/debug/pprof/cmdline":                  "",
		"/debug/pprof/goroutine?debug=1":        "goroutine profile",
		"/debug/pprof/profile?seconds=1":        "",
		"/debug/fgprof?seconds=1&format=folded": "",
	} {
		resp := e.get(t, path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Contains(t, string(b), want, path)
		assert.NotEmpty(t, b, path)
	}
	assert.Equal(t, http.StatusMethodNotAllowed, e.get(t, "/v1/consensus").StatusCode)
	assert.Equal(t, http.StatusNotFound, e.get(t, "/nope").StatusCode)

	models := decode[struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}](t, e.get(t, "/v1/models").Body)
	var ids []string
	for _, m := range models.Data {
		ids = append(ids, m.ID)
	}
	assert.Contains(t, ids, "hive/plain")
	assert.Contains(t, ids, "hive/balanced")

	require.NoError(t, e.stop())
	_, err := http.Get(e.url + "/healthz")
	assert.Error(t, err, "the listener is closed after shutdown")
}

func TestShutdownCancelsRunsAfterGrace(t *testing.T) {
	e := start(t, func(c *server.Config) { c.ShutdownGrace = 50 * time.Millisecond })
	type answer struct {
		code int
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post(e.url+"/v1/consensus", "application/json", strings.NewReader(`{"question":"q","profile":"slow"}`))
		if err != nil {
			got <- answer{err: err}
			return
		}
		resp.Body.Close()
		got <- answer{code: resp.StatusCode}
	}()
	require.Eventually(t, func() bool { return e.mock.Stats().InFlight == 1 }, 5*time.Second, 5*time.Millisecond)

	require.NoError(t, e.stop(), "Serve returns cleanly after canceling in-flight runs")
	a := <-got
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusServiceUnavailable, a.code)
	// The run's record was committed before the answer went out.
	c, _, err := e.store.Conversation(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, consensus.StatusCanceled, c.Status)
	require.Eventually(t, func() bool { return e.mock.Stats().ClientCancels == 1 }, 5*time.Second, 5*time.Millisecond)
}

// TestAnswerWireForm checks the bytes of a run's answer and of a hit on it:
// a Content-Length (no chunking, whatever the size), one JSON object and a
// newline, and a hit that repeats the run's answer with only "cached" and
// the timings changed.
func TestAnswerWireForm(t *testing.T) {
	e := start(t, nil)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		cached bool
	}{
		{"run", map[string]any{"question": "What is a trie?"}, false},
		{"hit", map[string]any{"question": "What is a trie?"}, true},
		{"hit, question spaced differently", map[string]any{"question": " What  is a\ttrie? "}, true},
		{"no_cache runs again", map[string]any{"question": "What is a trie?", "no_cache": true}, false},
		{"hit on the newer run", map[string]any{"question": "What is a trie?"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.post(t, "/v1/consensus", tc.body)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, fmt.Sprint(len(raw)), resp.Header.Get("Content-Length"))
			assert.Empty(t, resp.TransferEncoding)
			require.True(t, strings.HasSuffix(string(raw), "}\n"))

			var got map[string]any
			require.NoError(t, json.Unmarshal(raw, &got))
			assert.Equal(t, tc.cached, got["cached"])
			assert.Equal(t, "ok", got["status"])
			if tc.cached {
				assert.Zero(t, got["upstream_ms"])
				assert.Equal(t, got["wall_ms"], got["overhead_ms"])
				conv := decode[conversation](t, e.get(t, fmt.Sprintf("/v1/conversations/%v", got["conversation_id"])).Body)
				assert.Equal(t, conv.Final, got["final"], "a hit answers with the recorded run")
			}
		})
	}
	assert.Equal(t, int64(8), e.mock.Stats().Requests, "two runs of four stages; hits send nothing")
}

// TestLongAnswerIsNotChunked: an answer far over net/http's 2 KB chunking
// threshold still goes out with a Content-Length, run and hit alike.
func TestLongAnswerIsNotChunked(t *testing.T) {
	e := start(t, nil)
	for _, want := range []bool{false, true} {
		resp := e.post(t, "/v1/consensus", map[string]any{"question": "q", "profile": "long"})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Greater(t, len(raw), 4096)
		assert.Equal(t, fmt.Sprint(len(raw)), resp.Header.Get("Content-Length"))
		assert.Equal(t, want, decode[consensus.ResultJSON](t, strings.NewReader(string(raw))).Cached)
	}
}
