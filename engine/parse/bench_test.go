package parse

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkAnalyze measures the per-file analyzer on each language's
// checked-in sample (parse + one query pass + line scan), reporting MB/s
// through SetBytes.
func BenchmarkAnalyze(b *testing.B) {
	samples, err := filepath.Glob("testdata/*/sample.*")
	require.NoError(b, err)
	a := NewAnalyzer()
	defer a.Close()
	for _, path := range samples {
		lang := ByExtension(path)
		if lang == nil {
			continue // golden files
		}
		src, err := os.ReadFile(path)
		require.NoError(b, err)
		b.Run(lang.Name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Analyze(lang, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGOROOT walks $(go env GOROOT)/src with no store (parse only,
// nothing cached) and reports files/s and MB/s. Keep -benchtime=1x: one
// iteration is a few thousand files.
func BenchmarkGOROOT(b *testing.B) {
	root := filepath.Join(runtime.GOROOT(), "src")
	var files int
	var bytes int64
	var secs float64
	for b.Loop() {
		sum, err := Run(context.Background(), root, Options{})
		if err != nil {
			b.Fatal(err)
		}
		files += sum.Files
		bytes += sum.Bytes
		secs += sum.Seconds
	}
	b.ReportMetric(float64(files)/secs, "files/s")
	b.ReportMetric(float64(bytes)/1e6/secs, "MB/s")
	b.ReportMetric(float64(PeakRSS())/(1<<20), "peak-RSS-MiB")
}
