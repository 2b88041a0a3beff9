package results

import (
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/stats"
)

// validFile is a small, complete, valid results file with fixed values, so
// tests do not depend on the machine they run on.
func validFile() *File {
	return &File{
		Schema: Schema,
		Tool:   Tool{Name: "hivebench", Version: "v0.1.0", Commit: "0123abcd"},
		Env: Env{
			CPUModel: "Test CPU @ 3.00GHz", Cores: 2, GOMAXPROCS: 2, OS: "linux", Arch: "amd64",
			Distro: "Debian GNU/Linux 12 (bookworm)", Kernel: "6.1.0-test", GoVersion: "go1.26.8",
			Commit: "0123abcd", Date: time.Date(2025, 11, 26, 6, 0, 0, 0, time.UTC), HostHash: "0123456789ab",
		},
		Workload: Fingerprint{Name: "tiny", Files: 2, Bytes: 8, Hash: "sha256:" + strings.Repeat("ab", 32)},
		Suite:    "quick",
		Complete: true,
		Benchmarks: []Benchmark{
			{
				Name: "startup.serve", Metric: Startup, Unit: "ns", Direction: LowerIsBetter,
				Samples: []float64{9e6, 10e6, 11e6},
				Summary: stats.Summary{N: 3, Min: 9e6, P50: 10e6, P90: 10.8e6, P95: 10.9e6, P99: 10.98e6, Max: 11e6, Mean: 10e6, Stddev: 1e6, MAD: 1e6,
					MedianCI: stats.Interval{Lo: 9e6, Hi: 11e6, Level: 0.95}},
			},
			{
				Name: "parsing.per_file", Metric: Parsing, Unit: "ns", Direction: LowerIsBetter,
				Samples: []float64{200e3, 300e3},
				Summary: stats.Summary{N: 2, Min: 200e3, P50: 250e3, P90: 290e3, P95: 295e3, P99: 299e3, Max: 300e3, Mean: 250e3, Stddev: 70710.678, MAD: 50e3,
					MedianCI: stats.Interval{Lo: 200e3, Hi: 300e3, Level: 0.95}},
				Extra: []Figure{{Name: "throughput", Value: 4000, Unit: "files/s"}, {Name: "bandwidth", Value: 12.5, Unit: "MB/s"}},
			},
		},
	}
}
