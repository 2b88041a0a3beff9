package probe

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestStartupRound(t *testing.T) {
	p, err := ByFamily(Startup, Config{Samples: 2})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()

	got, err := s.Round(t.Context())
	require.NoError(t, err)
	for _, m := range p.Metrics() {
		require.Len(t, got[m.Name], 2, "Samples execs, the warm-up exec discarded: %s", m.Name)
		for _, v := range got[m.Name] {
			assert.Positive(t, v, m.Name)
			assert.Less(t, v, 60_000.0, "%s is in ms: a minute would be a unit error", m.Name)
		}
	}
	assertNoneRunning(t, hiveBin)

	again, err := s.Round(t.Context())
	require.NoError(t, err, "a session runs any number of rounds")
	assert.Len(t, again["startup.serve"], 2)
}

func TestStartupBrokenBinaries(t *testing.T) {
	notExec := script(t, "exit 0")
	require.NoError(t, os.Chmod(notExec, 0o644))
	garbage := filepath.Join(t.TempDir(), "hive")
	require.NoError(t, os.WriteFile(garbage, []byte("\x00\x01 not a program"), 0o755))
	cases := []struct {
		name     string
		bin      string
		setupErr bool     // the error comes from Setup (before any exec)
		want     []string // substrings of the error
	}{
		{"not executable", notExec, true, []string{"not executable", notExec}},
		{"missing", t.TempDir() + "/hive", true, []string{"no such file", "make build"}},
		{"not a program", garbage, false, []string{"exec format error", garbage}},
		{"exits immediately", script(t, `echo "hive: cannot open database: disk on fire" >&2; exit 3`), false,
			[]string{"exited", "before it listened", "disk on fire"}},
		{"never listens", script(t, `echo "hive: still thinking" >&2; while :; do sleep 0.1; done`), false,
			[]string{"no \"hive: listening on http://ADDR\" line", "ReadyTimeout", "still thinking"}},
		{"listens off loopback", script(t, `echo "hive: listening on http://10.9.8.7:8765" >&2; while :; do sleep 0.1; done`), false,
			[]string{"not a loopback"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ByFamily(Startup, Config{Samples: 1, ReadyTimeout: 2 * time.Second, StopGrace: 2 * time.Second})
			require.NoError(t, err)
			tg := Target{Name: "broken", HiveBin: c.bin, WorkDir: t.TempDir()}
			s, err := p.Setup(t.Context(), tg)
			if !c.setupErr {
				require.NoError(t, err)
				defer s.Close()
				_, err = s.Round(t.Context())
			}
			require.Error(t, err)
			t.Log(err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err), "%v", err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assertNoneRunning(t, c.bin)
		})
	}
}

func TestStartupRoundStopsOnCancel(t *testing.T) {
	p, err := ByFamily(Startup, Config{Samples: 1000})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		// Cancel once a serve is up: the round is then mid-way.
		for ctx.Err() == nil && len(running(hiveBin)) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = s.Round(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assertNoneRunning(t, hiveBin)
}
