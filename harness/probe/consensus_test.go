package probe

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/mockllm"
)

// stages is the number of upstream calls of the default profile
// (balanced: generator, refiner, validator, curator).
const stages = 4

func TestConsensusRound(t *testing.T) {
	e2e := mockllm.Latency{TTFT: 20 * time.Millisecond, ITL: time.Millisecond, Tokens: 5}
	p, err := ByFamily(Consensus, Config{Samples: 2, Concurrent: 5, E2ELatency: e2e})
	require.NoError(t, err)
	s, err := p.Setup(t.Context(), target(t))
	require.NoError(t, err)
	defer func() { assert.NoError(t, s.Close()) }()

	got, err := s.Round(t.Context())
	require.NoError(t, err, "a round asserts that the second request of a question says cached")
	want := map[string]int{"consensus.e2e": 2, "consensus.e2e_overhead": 2, "consensus.overhead": 2 * overheadPerSample, "consensus.cache_hit": 2 * hitsPerFill,
		"consensus.http_floor": 2 * hitsPerFill, "consensus.overhead_c100": 5, "consensus.c100_serve_cpu": 1, "consensus.serve_cpu_per_run": 2}
	for name, n := range want {
		require.Len(t, got[name], n, name)
		for _, v := range got[name] {
			assert.Positive(t, v, name)
			assert.Less(t, v, 120_000.0, "%s is in ms", name)
		}
	}
	// Not a speed check: a run cannot finish before its upstream calls
	// have, so e2e below the declared latency would mean the e2e server
	// is not talking to the paced mock.
	floor := float64(stages) * ms(e2e.TTFT+time.Duration(e2e.Tokens-1)*e2e.ITL)
	for _, v := range got["consensus.e2e"] {
		assert.GreaterOrEqual(t, v, floor, "e2e of a %d-stage run against TTFT %v, ITL %v, %d tokens", stages, e2e.TTFT, e2e.ITL, e2e.Tokens)
	}
}

// The processes a session starts are stopped by Close, and by the end of
// Setup's context, with no orphans either way.
func TestConsensusSessionStopsItsServers(t *testing.T) {
	cases := []struct {
		name string
		stop func(cancel context.CancelFunc, s Session)
	}{
		{"Close", func(_ context.CancelFunc, s Session) { assert.NoError(t, s.Close()) }},
		{"Setup's context canceled", func(cancel context.CancelFunc, _ Session) { cancel() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ByFamily(Consensus, Config{Samples: 1, Concurrent: 1})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := p.Setup(ctx, target(t))
			require.NoError(t, err)
			cs := s.(*consensusSession)
			require.Len(t, running(hiveBin), 2, "one hive serve per latency model")
			c.stop(cancel, s)
			for _, srv := range []*server{cs.overhead, cs.e2e} {
				select {
				case <-srv.p.Done():
				case <-time.After(time.Minute):
					t.Fatalf("hive serve pid %d still running", srv.p.Pid())
				}
			}
			assertNoneRunning(t, hiveBin)
			_, err = s.Round(t.Context())
			assert.Error(t, err, "a stopped session refuses rounds")
			_ = s.Close()
		})
	}
}
