package launch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// offlineLLM is a base URL nothing listens on: `hive serve` does not
// contact the LLM before a request.
const offlineLLM = "http://127.0.0.1:1/v1"

// config runs bin the way the harness does: scrubbed environment, scratch
// directory and database.
func config(t *testing.T, bin string) Config {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	require.NoError(t, os.Mkdir(conf, 0o755))
	return Config{Bin: bin, DB: filepath.Join(dir, "hive.db"), LLMBaseURL: offlineLLM, Env: Env(os.Environ(), conf), Dir: dir}
}

// The real binary starts, answers, and stops gracefully on Stop.
func TestStart(t *testing.T) {
	s, err := Start(t.Context(), config(t, hiveBin))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	assert.True(t, s.Ready.After(s.Started), "the first 200 comes after the exec")
	assert.Less(t, s.Ready.Sub(s.Started), DefaultReadyTimeout)
	assert.Equal(t, s.Started, s.Process().Started, "startup is measured from the exec")
	assert.Positive(t, s.PID())
	assert.False(t, s.Exited())

	resp, err := http.Get(s.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, s.Stop())
	assert.True(t, s.Exited())
	assert.NoError(t, s.Stop(), "a second Stop returns the first one's outcome")
	assert.Contains(t, s.Tail(), "hive: stopped", "SIGTERM stopped it gracefully")
}

// A server started under a context is stopped when the context ends.
func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	s, err := Start(ctx, config(t, hiveBin))
	require.NoError(t, err)
	cancel()
	select {
	case <-s.Process().Done():
	case <-time.After(time.Minute):
		t.Fatal("hive serve outlived its context")
	}
}

// A server that would not start is an infrastructure error (exit 3) that
// names the binary and quotes what it said; none is left running.
func TestStartFailures(t *testing.T) {
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "warming up", http.StatusServiceUnavailable)
	}))
	defer unavailable.Close()
	garbage := filepath.Join(t.TempDir(), "hive")
	require.NoError(t, os.WriteFile(garbage, []byte("\x00\x01 not a program"), 0o755))
	missing := filepath.Join(t.TempDir(), "nope")
	cases := []struct {
		name string
		bin  string
		want []string // substrings of the error
	}{
		{"no binary", "", []string{"no hive binary given"}},
		{"missing binary", missing, []string{"no such file", missing}},
		{"not a program", garbage, []string{"exec format error", garbage}},
		{"exits at once", script(t, `echo "hive serve: cannot open the store: disk full" >&2; exit 3`),
			[]string{"exited", "before it listened", "disk full", "last lines of its stderr"}},
		{"never listens", script(t, `echo "starting" >&2; exec sleep 5`),
			[]string{`no "hive: listening on http://ADDR" line`, "within 300ms (Config.ReadyTimeout)", "starting"}},
		{"never listens, says nothing", script(t, `exec sleep 5`),
			[]string{`no "hive: listening on http://ADDR" line`, "(its stderr was empty)"}},
		{"listens off loopback", script(t, `echo "hive: listening on http://10.1.2.3:80" >&2; exec sleep 5`),
			[]string{"not a loopback address"}},
		{"listens, never answers 200", script(t, `echo "hive: listening on `+unavailable.URL+`" >&2; exec sleep 5`),
			// Not "503": the attempt the deadline cuts short is the last.
			[]string{"no 200 within the deadline", "GET " + unavailable.URL + "/healthz"}},
		{"listens and dies", script(t, `echo "hive: listening on http://127.0.0.1:1" >&2; echo "panic: boom" >&2; exit 2`),
			[]string{"exited", "panic: boom"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := config(t, c.bin)
			// The ready timeout ends only the cases that wait for a
			// server that never becomes ready; a child that dies or is no
			// program must be seen for what it is however long a loaded
			// machine takes to run it (at load average 30 a 300 ms
			// timeout fired before "listens and dies" had died).
			timeout := 30 * time.Second
			if strings.HasPrefix(c.name, "never") || strings.HasPrefix(c.name, "listens, never") || c.name == "listens off loopback" {
				timeout = 300 * time.Millisecond
			}
			cfg.ReadyTimeout, cfg.TimeoutName, cfg.StopGrace = timeout, "Config.ReadyTimeout", 100*time.Millisecond
			s, err := Start(t.Context(), cfg)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err), "%v", err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// An interrupted start is not a broken binary: the error wraps the
// context's cause.
func TestStartCanceled(t *testing.T) {
	never := script(t, `echo "starting" >&2; exec sleep 5`)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	cases := []struct {
		name   string
		ctx    context.Context
		cancel time.Duration // after which ctx is canceled; 0: never
	}{
		{"before the exec", canceled, 0},
		{"while waiting for the line", t.Context(), 100 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.ctx
			if c.cancel > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(c.cancel, cancel)
			}
			cfg := config(t, never)
			cfg.StopGrace = 100 * time.Millisecond
			_, err := Start(ctx, cfg)
			require.ErrorIs(t, err, context.Canceled)
			assert.Contains(t, err.Error(), "starting hive serve ("+never+")")
		})
	}
}

// A server that ignores SIGTERM is killed, and Stop says so with its
// stderr.
func TestStopKillsAServerThatIgnoresSIGTERM(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer healthy.Close()
	stubborn := script(t, `trap '' TERM; echo "hive: listening on `+healthy.URL+`" >&2; echo "ignoring SIGTERM" >&2; while :; do sleep 0.05; done`)
	cfg := config(t, stubborn)
	cfg.StopGrace = 200 * time.Millisecond
	s, err := Start(t.Context(), cfg)
	require.NoError(t, err)
	assert.Equal(t, healthy.URL, s.URL)
	err = s.Stop()
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "killed it with SIGKILL")
	assert.Contains(t, err.Error(), "ignoring SIGTERM")
	assert.True(t, s.Exited())
}

// Another program (a subject's server) is started with its own arguments
// on a port the caller picked, and is ready at its first 200 from the
// health path; no listening line is needed. The real hive binary stands in
// for it here, told its address.
func TestStartArgs(t *testing.T) {
	port, err := FreePort()
	require.NoError(t, err)
	cfg := config(t, hiveBin)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg.Args = []string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--db", cfg.DB, "--llm-base-url", offlineLLM}
	cfg.URL, cfg.Health, cfg.Name = url, "/healthz", "subject tiny"
	s, err := Start(t.Context(), cfg)
	require.NoError(t, err)
	assert.Equal(t, url, s.URL)
	assert.True(t, s.Ready.After(s.Started))
	require.NoError(t, s.Stop())
	assert.True(t, s.Exited())

	cases := []struct {
		name string
		cfg  func(c *Config)
		want []string
	}{
		{"off loopback", func(c *Config) { c.URL = "http://10.0.0.1:80" }, []string{"subject tiny: server URL", "not on a loopback address"}},
		{"not a URL", func(c *Config) { c.URL = "" }, []string{"want http://127.0.0.1:PORT"}},
		{"exits", func(c *Config) {
			c.Bin = script(t, `echo "cannot bind" >&2; exit 1`)
		}, []string{"subject tiny (", "cannot bind"}},
		{"never healthy", func(c *Config) {
			c.Bin = script(t, `exec sleep 5`)
			c.ReadyTimeout = 300 * time.Millisecond
		}, []string{"subject tiny (", "/healthz"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := config(t, hiveBin)
			cfg.Args, cfg.URL, cfg.Name, cfg.StopGrace = []string{"serve"}, url, "subject tiny", 100*time.Millisecond
			c.cfg(&cfg)
			_, err := Start(t.Context(), cfg)
			require.Error(t, err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err))
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
