package consensus

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

// BenchmarkRunOverhead runs the four-stage pipeline against a zero-latency
// mock on loopback and reports the engine overhead (wall − upstream) per
// run: the p50 is the figure the target (≤ 0.5 ms) is about. "recorded"
// writes every run to a file store and waits for its commit (hive ask and
// hive serve alike); "unrecorded" has no store at all.
//
//	go test -tags sqlite_fts5 -run '^$' -bench RunOverhead -benchtime 2000x ./engine/consensus
func BenchmarkRunOverhead(b *testing.B) {
	for _, mode := range recordModes {
		b.Run(mode, func(b *testing.B) {
			eng, req := benchEngine(b, mode)
			ctx := context.Background()
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

var recordModes = []string{"recorded", "unrecorded"}

// benchEngine returns an engine against a zero-latency mock and a request
// for one of recordModes.
func benchEngine(b *testing.B, mode string) (*Engine, Request) {
	h := newHarness(b, zeroLatency(), "")
	req := Request{Question: "How do B-trees stay balanced?", NoCache: true}
	if mode != "unrecorded" {
		return h.eng, req
	}
	eng, err := New(h.eng.cfg, h.up.client(), WithRegisterer(prometheus.NewRegistry()))
	require.NoError(b, err)
	return eng, req
}

// reportQuantiles reports p50, p90 and p99 of ds in microseconds.
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
	b.ReportMetric(q(0.99), what+"-p99-µs")
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

// BenchmarkRunOverheadC100 releases 100 runs at once, as the harness's
// consensus.overhead_c100 does, and reports the quantiles of their
// overheads. The modes are BenchmarkRunOverhead's.
//
//	go test -tags sqlite_fts5 -run '^$' -bench RunOverheadC100 -benchtime 20x ./engine/consensus
func BenchmarkRunOverheadC100(b *testing.B) {
	const n = 100
	for _, mode := range recordModes {
		b.Run(mode, func(b *testing.B) {
			eng, req := benchEngine(b, mode)
			ctx := context.Background()
			_, err := eng.Run(ctx, req, nil)
			require.NoError(b, err)

			overheads := make([]time.Duration, 0, b.N*n)
			var mu sync.Mutex
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				release := make(chan struct{})
				for range n {
					wg.Go(func() {
						<-release
						res, err := eng.Run(ctx, req, nil)
						if err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						overheads = append(overheads, res.Overhead)
						mu.Unlock()
					})
				}
				close(release)
				wg.Wait()
			}
			b.StopTimer()
			reportQuantiles(b, overheads, "overhead")
		})
	}
}
