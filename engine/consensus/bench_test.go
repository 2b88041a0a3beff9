package consensus

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

// BenchmarkRunOverhead runs the four-stage pipeline against a zero-latency
// mock on loopback and reports the engine overhead (wall − upstream) per
// run: the p50 is the figure the target (≤ 0.5 ms) is about. "recorded"
// writes every run to a file store as hive serve does; "unrecorded" shows
// what the store write costs.
//
//	go test -tags sqlite_fts5 -run '^$' -bench RunOverhead -benchtime 2000x ./engine/consensus
func BenchmarkRunOverhead(b *testing.B) {
	for _, recorded := range []bool{true, false} {
		name := "recorded"
		if !recorded {
			name = "unrecorded"
		}
		b.Run(name, func(b *testing.B) {
			h := newHarness(b, zeroLatency(), "")
			eng := h.eng
			if !recorded {
				var err error
				eng, err = New(h.eng.cfg, h.up.client(), WithRegisterer(prometheus.NewRegistry()))
				require.NoError(b, err)
			}
			ctx := context.Background()
			req := Request{Question: "How do B-trees stay balanced?", NoCache: true}
			// Warm the connection pool and the store's statements.
			_, err := eng.Run(ctx, req, nil)
			require.NoError(b, err)

			overheads := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := eng.Run(ctx, req, nil)
				if err != nil {
					b.Fatal(err)
				}
				overheads = append(overheads, res.Overhead)
			}
			b.StopTimer()
			reportQuantiles(b, overheads, "overhead")
		})
	}
}

// reportQuantiles reports p50 and p90 of ds in microseconds.
func reportQuantiles(b *testing.B, ds []time.Duration, what string) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	q := func(p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(q(0.5), what+"-p50-µs")
	b.ReportMetric(q(0.9), what+"-p90-µs")
}

// BenchmarkCacheHit is a repeated question answered from the in-memory
// layer: the whole cost of a hit inside the engine.
func BenchmarkCacheHit(b *testing.B) {
	h := newHarness(b, zeroLatency(), "")
	ctx := context.Background()
	req := Request{Question: "How do B-trees stay balanced?"}
	_, err := h.eng.Run(ctx, req, nil)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		res, err := h.eng.Run(ctx, req, nil)
		if err != nil || !res.Cached {
			b.Fatal("not a hit", err)
		}
	}
}
