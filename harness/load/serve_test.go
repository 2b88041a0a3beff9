package load

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// TestMain removes the hive binary the tests built, if any.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// hiveBinary builds ./cmd/hive once per test binary, for the tests that
// start the real `hive serve` as a process.
func hiveBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "hive-load-test-"); buildErr == nil {
			builtBin, buildErr = testhive.Build(buildDir)
		}
	})
	require.NoError(t, buildErr)
	return builtBin
}

// StartServe runs the real binary against the real mock; the run reads the
// server's RSS from /proc and its heap from /metrics, and Stop ends it
// gracefully.
func TestStartServeAndLoadIt(t *testing.T) {
	bin := hiveBinary(t)
	ctx := context.Background()
	mock, err := mockllm.New(mockllm.Config{Seed: 1, Latency: mockllm.Latency{Tokens: 4}}).Listen(ctx, "127.0.0.1:0")
	require.NoError(t, err)
	defer mock.Shutdown(ctx)
	s, err := StartServe(ctx, ServeConfig{Bin: bin, LLMBaseURL: mock.BaseURL, Dir: t.TempDir()})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)

	sc := scenario(func(sc *Scenario) {
		sc.Model, sc.Rate, sc.MaxInFlight, sc.Users = Closed, 0, 0, 4
		sc.Duration = 400 * time.Millisecond
		sc.Mix = map[string]float64{"consensus": 1, "conversation_read": 1}
	})
	rep, err := Run(ctx, sc, Target{URL: s.URL, PID: s.PID()}, Options{SampleEvery: 100 * time.Millisecond})
	require.NoError(t, err)
	assert.Empty(t, rep.Errors)
	assert.Positive(t, rep.All.OK)
	assert.Equal(t, rep.All.OK, rep.All.Requests)
	assert.Contains(t, rep.Memory.RSSSource, "/proc/")
	require.NotEmpty(t, rep.Memory.Samples)
	assert.Positive(t, rep.Memory.Samples[0].RSS)
	assert.Positive(t, rep.Memory.Samples[0].HeapAlloc)
	assert.GreaterOrEqual(t, rep.Memory.PeakRSS, rep.Memory.Samples[0].RSS, "VmHWM is at least any sample")
	assert.False(t, s.Exited())
	require.NoError(t, s.Stop())
	assert.True(t, s.Exited())
}

// A server that cannot start is an infrastructure failure (exit 3) that
// quotes what it said. The launcher's own failures (no listening line, an
// address off loopback) are tested in harness/launch.
func TestStartServeFailures(t *testing.T) {
	script := func(body string) string {
		p := filepath.Join(t.TempDir(), "hive")
		require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
		return p
	}
	cases := []struct {
		name, bin, want string
	}{
		{"missing binary", filepath.Join(t.TempDir(), "nope"), "does not exist"},
		{"exits at once", script(`echo "hive serve: cannot open the store: disk full" >&2; exit 3`), "disk full"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := StartServe(context.Background(), ServeConfig{Bin: c.bin, LLMBaseURL: "http://127.0.0.1:1/v1", Dir: t.TempDir(),
				// Both cases end on their own: the timeout only bounds a
				// hang, and must not beat a loaded machine to the child's
				// exit (300 ms did, at load average 30).
				ReadyTimeout: 30 * time.Second, StopGrace: 100 * time.Millisecond})
			require.Error(t, err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
