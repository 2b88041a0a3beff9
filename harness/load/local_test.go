package load

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// StartLocal starts the real hive serve against the mock with the
// declared latency, outliving the context it was started with, and Close
// stops both.
func TestStartLocal(t *testing.T) {
	bin := hiveBinary(t)
	ctx, cancel := context.WithCancel(context.Background())
	mock := MockLatency{TTFT: time.Millisecond, Tokens: 4}
	l, err := StartLocal(ctx, LocalConfig{HiveBin: bin, Mock: mock, Profile: "balanced", Dir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, 4, l.Stages, "the balanced profile's four stages")
	assert.Equal(t, mock.Declared(4), l.Declared)
	assert.Equal(t, Target{URL: l.Served.URL, PID: l.Served.PID()}, l.Target())
	assert.Contains(t, l.String(), "hive serve ("+bin+") on "+l.Served.URL)
	assert.Contains(t, l.String(), "declared latency per run 4ms = 4 × (1ms + 4 × 0s)")

	cancel() // a Ctrl-C: the server still answers while the partial report is made
	resp, err := http.Get(l.Served.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(l.MockURL + "/models")
	require.NoError(t, err)
	resp.Body.Close()

	require.NoError(t, l.Close())
	assert.True(t, l.Served.Exited())
	_, err = http.Get(l.MockURL + "/models")
	assert.Error(t, err, "the mock is stopped too")
}

func TestStartLocalFailures(t *testing.T) {
	cases := []struct {
		name, bin, profile, want string
		code                     int
	}{
		{"unknown profile", "bin/hive", "turbo", `unknown profile "turbo"`, exitcode.Usage},
		{"no binary", filepath.Join(t.TempDir(), "nope"), "balanced", "does not exist", exitcode.Infra},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := StartLocal(context.Background(), LocalConfig{HiveBin: c.bin, Profile: c.profile, Dir: t.TempDir()})
			require.Error(t, err)
			assert.Equal(t, c.code, exitcode.Code(err))
			assert.True(t, strings.Contains(err.Error(), c.want), err.Error())
		})
	}
}
