package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// lockedBuffer lets the test read stderr while the command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMockLLMUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("latency:\n  ttft: 1s\n  tokenz: 3\n"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"non-loopback address", []string{"--addr", "0.0.0.0:0"}, "not a loopback"},
		{"every interface", []string{"--addr", ":8766"}, "every interface"},
		{"unknown config field", []string{"--config", bad}, "field tokenz not found"},
		{"missing config file", []string{"--config", filepath.Join(t.TempDir(), "none.yaml")}, "none.yaml"},
		{"rate out of range", []string{"--fault-cut", "2"}, "--fault-cut"},
		{"jitter above mean", []string{"--itl", "1ms", "--itl-jitter", "2ms"}, "--itl-jitter"},
		{"unknown flag", []string{"--fault-418", "1"}, "fault-418"},
		{"stray argument", []string{"now"}, `unexpected argument "now"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := app.Run(context.Background(), &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
				append([]string{"mock-llm"}, c.args...))
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error()+errb.String(), c.want)
			assert.Empty(t, out.String(), "nothing on stdout when it does not serve")
		})
	}
}

func TestMockLLMServesUntilCanceled(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "mock.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte("models: [from/file]\nlatency: {ttft: 0s, ttft_jitter: 0s, itl: 0s, itl_jitter: 0s, tokens: 50, tokens_jitter: 0}\n"), 0o644))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errb lockedBuffer
	done := make(chan error, 1)
	go func() {
		// --tokens on the command line overrides the file's 50; --models is
		// not given, so the file's list stays.
		done <- app.Run(ctx, &cli.Env{Stdout: outW, Stderr: &errb, Getenv: func(string) string { return "" }},
			[]string{"mock-llm", "--addr", "127.0.0.1:0", "--config", cfgPath, "--tokens", "3", "--tokens-jitter", "0"})
		outW.Close()
	}()

	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "export HIVE_LLM_BASE_URL=")
	require.True(t, ok, "stdout is the export line, got %q", line)
	assert.True(t, strings.HasPrefix(base, "http://127.0.0.1:") && strings.HasSuffix(base, "/v1"), base)

	resp, err := http.Get(base + "/models")
	require.NoError(t, err)
	var models struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&models))
	resp.Body.Close()
	require.Len(t, models.Data, 1)
	assert.Equal(t, "from/file", models.Data[0].ID)

	resp, err = http.Post(base+"/chat/completions", "application/json",
		strings.NewReader(`{"model":"m/x","messages":[{"role":"user","content":"hi"}]}`))
	require.NoError(t, err)
	var reply struct {
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&reply))
	resp.Body.Close()
	assert.Equal(t, 3, reply.Usage.CompletionTokens, "the flag overrides the file")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "a canceled (SIGINT) server exits 0")
	case <-time.After(30 * time.Second):
		t.Fatal("mock-llm did not stop after its context was canceled")
	}
	assert.Contains(t, errb.String(), "serving "+base)
	assert.Contains(t, errb.String(), `"requests":1`)
}
