package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// syncBuffer is a bytes.Buffer safe for the server's log and the test to
// share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningLine = regexp.MustCompile(`hive: listening on (http://127\.0\.0\.1:\d+)\n`)

func TestServeEndToEnd(t *testing.T) {
	m := mockllm.New(mockllm.Config{Seed: 9, Latency: mockllm.Latency{Tokens: 8}})
	up := httptest.NewServer(m)
	defer up.Close()
	home := t.TempDir()
	db := filepath.Join(home, "hive.db")
	vars := map[string]string{"HOME": home, "HIVE_LLM_BASE_URL": up.URL + "/v1"}
	stderr := &syncBuffer{}
	env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: stderr, Getenv: func(k string) string { return vars[k] }}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--profile", "speed"})
	}()
	var base string
	require.Eventually(t, func() bool {
		if mm := listeningLine.FindStringSubmatch(stderr.String()); mm != nil {
			base = mm[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "no listening line; stderr: %s", stderr)

	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "ready as soon as the line is printed")

	resp, err = http.Post(base+"/v1/consensus", "application/json", strings.NewReader(`{"question":"q"}`))
	require.NoError(t, err)
	var res consensus.ResultJSON
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	resp.Body.Close()
	assert.Equal(t, "speed", res.Profile, "--profile sets the default")
	assert.Equal(t, "ok", res.Status)

	cancel() // what SIGINT/SIGTERM do through cli.Main
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context was canceled")
	}
	assert.Contains(t, stderr.String(), "hive: stopped")

	// The store was closed cleanly and holds the run.
	st, err := store.Open(db)
	require.NoError(t, err)
	defer st.Close()
	c, msgs, err := st.Conversation(context.Background(), res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, res.Final, c.Final)
	assert.Len(t, msgs, 4)
}

func TestServeRefusals(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"off loopback without token", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "0.0.0.0:0"}, "HIVE_API_TOKEN"},
		{"no endpoint", map[string]string{}, []string{"--addr", "127.0.0.1:0"}, "OPENROUTER_API_KEY"},
		{"unknown default profile", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--profile", "turbo"}, "known profiles"},
		{"stray argument", map[string]string{}, []string{"now"}, "unexpected argument"},
		{"db is a directory", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--db", home}, "is a directory"},
		{"allowed host with a scheme", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--allowed-host", "hive.example.invalid,http://hive.example.invalid"}, `--allowed-host "http://hive.example.invalid"`},
		{"empty allowed host", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--allowed-host", ""}, `--allowed-host ""`},
		{"negative max-inflight", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--max-inflight", "-1"}, "--max-inflight is -1"},
		{"negative spend cap", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--max-cost-per-hour", "-0.5"}, "--max-cost-per-hour is -0.5"},
		{"NaN spend cap", map[string]string{"HIVE_LLM_BASE_URL": "http://127.0.0.1:1/v1"},
			[]string{"--addr", "127.0.0.1:0", "--max-cost-per-hour", "NaN"}, "--max-cost-per-hour is NaN"},
		{"zero keep-alive", map[string]string{}, []string{"--sse-keepalive", "0s"}, "--sse-keepalive"},
		{"negative write window", map[string]string{}, []string{"--sse-write-window", "-1s"}, "--sse-write-window"},
		{"zero answer cap", map[string]string{}, []string{"--max-answer-bytes", "0"}, "--max-answer-bytes is 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["HOME"] = home
			env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return tc.vars[k] }}
			err := app.Run(context.Background(), env, append([]string{"serve"}, tc.args...))
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestServeGuardFlags is the acceptance check through the CLI: a
// cross-site request is refused and `hive db stats` shows no conversation
// for it; --allowed-host, --max-inflight and --max-cost-per-hour reach the
// server.
func TestServeGuardFlags(t *testing.T) {
	m := mockllm.New(mockllm.Config{Seed: 9, Latency: mockllm.Latency{Tokens: 8}, Prices: mockllm.Prices{Prompt: 1e-6, Completion: 1e-6}})
	up := httptest.NewServer(m)
	defer up.Close()
	home := t.TempDir()
	db := filepath.Join(home, "hive.db")
	vars := map[string]string{"HOME": home, "HIVE_LLM_BASE_URL": up.URL + "/v1"}
	stderr := &syncBuffer{}
	env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: stderr, Getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--profile", "speed",
			"--allowed-host", "hive.example.invalid", "--max-inflight", "4", "--max-cost-per-hour", "1e-9"})
	}()
	var base string
	require.Eventually(t, func() bool {
		if mm := listeningLine.FindStringSubmatch(stderr.String()); mm != nil {
			base = mm[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "no listening line; stderr: %s", stderr)

	send := func(host, origin, ctype, body string) int {
		req, err := http.NewRequest(http.MethodPost, base+"/v1/consensus", strings.NewReader(body))
		require.NoError(t, err)
		if host != "" {
			req.Host = host
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusForbidden, send("attacker.example", "http://attacker.example", "text/plain", `{"question":"x"}`))
	assert.Equal(t, http.StatusUnsupportedMediaType, send("", "", "text/plain", `{"question":"x"}`))
	assert.Equal(t, http.StatusOK, send("hive.example.invalid", "", "application/json", `{"question":"first"}`), "--allowed-host")
	assert.Equal(t, http.StatusTooManyRequests, send("", "", "application/json", `{"question":"second"}`), "--max-cost-per-hour")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context was canceled")
	}
	out, errs, code := run(t, vars, "db", "stats", "--db", db)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `conversations\s+1\n`, out, "only the allowed run was recorded")
}

// The streaming flags and the answer cap reach the server and the client:
// a stage that waits 400 ms for its first token gets keep-alive comments
// every 50 ms, and an answer over a 10-byte cap fails naming the cap.
func TestServeStreamFlags(t *testing.T) {
	m := mockllm.New(mockllm.Config{Seed: 9, Latency: mockllm.Latency{TTFT: 400 * time.Millisecond, Tokens: 8}})
	up := httptest.NewServer(m)
	defer up.Close()
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "HIVE_LLM_BASE_URL": up.URL + "/v1"}
	stderr := &syncBuffer{}
	env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: stderr, Getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(home, "hive.db"),
			"--profile", "speed", "--sse-keepalive", "50ms", "--sse-write-window", "5s", "--max-answer-bytes", "10"})
	}()
	var base string
	require.Eventually(t, func() bool {
		if mm := listeningLine.FindStringSubmatch(stderr.String()); mm != nil {
			base = mm[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "no listening line; stderr: %s", stderr)

	resp, err := http.Post(base+"/v1/consensus", "application/json", strings.NewReader(`{"question":"q","stream":true}`))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	stream := string(body)
	assert.Contains(t, stream, ": hive processing\n\n", "a keep-alive comment while the stage waited")
	assert.Contains(t, stream, "event: error\n")
	assert.Contains(t, stream, "more than 10 bytes", "the stage failed naming the cap")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context was canceled")
	}
}
