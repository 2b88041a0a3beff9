package results

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiveperf/hive/harness/stats"
)

// BenchmarkDecode reads a results file the size a full suite writes: five
// benchmarks of 10,000 samples each. Decode parses the JSON twice (once
// generically to find unknown fields, once typed); this says what that costs.
func BenchmarkDecode(b *testing.B) {
	f := validFile()
	samples := make([]float64, 10_000)
	for i := range samples {
		samples[i] = 1e6 + float64(i*37%1000)*1e3
	}
	f.Benchmarks = nil
	for _, name := range []string{"startup.serve", "memory.idle_rss", "parsing.per_file", "consensus.e2e", "database.insert_message"} {
		fam, _ := CheckName(name)
		f.Benchmarks = append(f.Benchmarks, Benchmark{Name: name, Metric: fam, Unit: "ns", Direction: LowerIsBetter,
			Samples: samples, Summary: stats.Summary{N: len(samples)}})
	}
	data, err := Encode(f)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode("bench.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFingerprintTree fingerprints the trees the suites read:
// GOROOT/src/net (quick) and all of GOROOT/src (full). The first iteration
// may read from disk; the rest from the page cache, as a run that follows
// a build or an earlier run does.
func BenchmarkFingerprintTree(b *testing.B) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("no Go tree to fingerprint: go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, sub := range []string{"src/net", "src"} {
		b.Run(strings.ReplaceAll(sub, "/", "_"), func(b *testing.B) {
			root := filepath.Join(goroot, filepath.FromSlash(sub))
			fp, err := FingerprintTree(root)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fp.Bytes)
			for b.Loop() {
				if _, err := FingerprintTree(root); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(fp.Files), "files")
		})
	}
}
