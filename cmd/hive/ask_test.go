package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// askEnv is a clean environment: HOME in a temp dir (no user config or
// database leaks in), the mock LLM as the endpoint.
type askEnv struct {
	vars   map[string]string
	db     string
	mock   *mockllm.Server
	stdout *bytes.Buffer
	stderr *bytes.Buffer
}

func newAskEnv(t *testing.T) *askEnv {
	t.Helper()
	m := mockllm.New(mockllm.Config{Seed: 5, Latency: mockllm.Latency{Tokens: 8},
		Prices: mockllm.Prices{Prompt: 1e-6, Completion: 2e-6}})
	up := httptest.NewServer(m)
	t.Cleanup(up.Close)
	home := t.TempDir()
	return &askEnv{
		vars: map[string]string{"HOME": home, "HIVE_LLM_BASE_URL": up.URL + "/v1"},
		db:   filepath.Join(home, "hive.db"),
		mock: m,
	}
}

func (a *askEnv) run(args ...string) error {
	a.stdout, a.stderr = &bytes.Buffer{}, &bytes.Buffer{}
	env := &cli.Env{Stdout: a.stdout, Stderr: a.stderr, Getenv: func(k string) string { return a.vars[k] }}
	return app.Run(context.Background(), env, append([]string{"ask", "--db", a.db}, args...))
}

func TestAskStreamsStagesAndPrintsTable(t *testing.T) {
	a := newAskEnv(t)
	require.NoError(t, a.run("What is a B-tree?", "--profile", "speed"))
	out := a.stdout.String()
	for _, h := range []string{"── generator · google/gemini-2.0-flash-001 ──", "── refiner · openai/gpt-4o-mini ──",
		"── validator · google/gemini-2.0-flash-001 ──", "── curator · openai/gpt-4o-mini ──"} {
		assert.Contains(t, out, h)
	}
	for _, col := range []string{"STAGE", "MODEL", "TTFT", "LATENCY", "TOKENS IN", "TOKENS OUT", "COST", "total", "engine overhead"} {
		assert.Contains(t, out, col)
	}
	assert.Equal(t, 5, strings.Count(out, "│ ok "), "one ok row per stage and the total:\n%s", out)
	assert.Equal(t, int64(4), a.mock.Stats().Requests)
	assert.Empty(t, a.stderr.String())

	// Asked again: a cache hit, nothing sent.
	require.NoError(t, a.run("--profile", "speed", "What is a", "B-tree?"))
	assert.Contains(t, a.stdout.String(), "cached")
	assert.Equal(t, int64(4), a.mock.Stats().Requests)
	// --no-cache sends it again.
	require.NoError(t, a.run("--no-cache", "--profile", "speed", "What is a B-tree?"))
	assert.Equal(t, int64(8), a.mock.Stats().Requests)
}

func TestAskJSONAndNoStream(t *testing.T) {
	a := newAskEnv(t)
	require.NoError(t, a.run("--json", "--profile", "direct", "--", "--what is this?"))
	var res consensus.ResultJSON
	require.NoError(t, json.Unmarshal(a.stdout.Bytes(), &res), a.stdout.String())
	assert.Equal(t, "direct", res.Profile)
	require.Len(t, res.Stages, 1)
	assert.Equal(t, res.Stages[0].Content, res.Final)
	assert.Positive(t, res.ConversationID)

	require.NoError(t, a.run("--no-stream", "--no-cache", "--profile", "direct", "again"))
	out := a.stdout.String()
	assert.NotContains(t, out, "── direct")
	first := strings.SplitN(out, "\n", 2)[0]
	assert.NotEmpty(t, first, "the final answer comes first")
}

func TestAskBudget(t *testing.T) {
	a := newAskEnv(t)
	require.NoError(t, a.run("--max-cost", "0.000000001", "q"))
	assert.Contains(t, a.stderr.String(), "stopped by --max-cost")
	assert.Contains(t, a.stdout.String(), "budget")
	assert.Equal(t, int64(1), a.mock.Stats().Requests)
}

func TestAskErrors(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string // replaces the environment when not nil
		args []string
		code int
		want string
	}{
		{"no question", nil, []string{}, exitcode.Usage, "no question given"},
		{"blank question", nil, []string{"  "}, exitcode.Usage, "no question given"},
		{"unknown profile", nil, []string{"--profile", "turbo", "q"}, exitcode.Usage, "known profiles: balanced, cost, direct, elite, speed"},
		{"negative budget", nil, []string{"--max-cost", "-1", "q"}, exitcode.Usage, "--max-cost"},
		{"bad flag", nil, []string{"--nope", "q"}, exitcode.Usage, "nope"},
		{"no endpoint", map[string]string{}, []string{"q"}, exitcode.Usage, "set OPENROUTER_API_KEY"},
		{"bad base URL", nil, []string{"--llm-base-url", "ftp://x", "q"}, exitcode.Usage, "base URL"},
		{"missing config", nil, []string{"--config", "/nonexistent/hive.yaml", "q"}, exitcode.Usage, "/nonexistent/hive.yaml"},
		{"upstream failure", nil, []string{"--config", "BROKEN", "q"}, exitcode.Infra, "status 400"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAskEnv(t)
			if tc.vars != nil {
				tc.vars["HOME"] = a.vars["HOME"]
				a.vars = tc.vars
			}
			for i, arg := range tc.args {
				if arg == "BROKEN" {
					p := filepath.Join(t.TempDir(), "c.yaml")
					require.NoError(t, os.WriteFile(p, []byte("default_profile: b\nprofiles:\n  b:\n    direct: {model: \"@fail-400/b\"}\n"), 0o644))
					tc.args[i] = p
				}
			}
			err := a.run(tc.args...)
			require.Error(t, err)
			assert.Equal(t, tc.code, exitcode.Code(err))
			assert.Contains(t, err.Error()+a.stderr.String(), tc.want)
		})
	}
}
