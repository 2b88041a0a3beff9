package replay

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/workloads"
)

func TestWriteText(t *testing.T) {
	tree := &workloads.Tree{Manifest: &workloads.Manifest{Name: "tiny", File: "tiny.yaml"}, Root: "/src/tiny",
		Fingerprint: results.Fingerprint{Files: 8, Bytes: 2_500_000, Hash: "sha256:abc"}}
	cold := Run{Wall: 2 * time.Second, Files: 6, Bytes: 2_000_000, PeakRSS: 42_400_000, PerFileMS: []float64{1, 2, 3}}
	warm := Run{Warm: true, Wall: 500 * time.Millisecond, Files: 6, Bytes: 2_000_000, Cached: 6, PeakRSSAtMost: 25e6, PerFileMS: []float64{0.5}}
	base := Run{ParseOnly: true, Wall: time.Second, Files: 6, Bytes: 2_000_000, PeakRSS: 30e6}
	cases := []struct {
		name string
		rep  *Report
		want string
	}{
		{"cold and warm", &Report{Tree: tree, Hive: HiveVersion{Version: "v1", Commit: "c0ffee"}, Runs: []Run{cold, warm}},
			"workload tiny: /src/tiny (8 files, 2.5 MB, sha256:abc)\nhive v1 (commit c0ffee)\n" +
				"  run  kind     wall  files  cached  files/s  MB/s  per-file p50       p99   peak RSS\n" +
				"    1  cold  2.000 s      6       0        3   1.0      2.000 ms  2.980 ms    42.4 MB\n" +
				"    1  warm  0.500 s      6       6       12   4.0      0.500 ms  0.500 ms  ≤ 25.0 MB\n"},
		{"with a parse-only baseline, dirty", &Report{Tree: tree, Hive: HiveVersion{Version: "v1", Commit: "c0ffee", Dirty: true}, Runs: []Run{cold, base}},
			"workload tiny: /src/tiny (8 files, 2.5 MB, sha256:abc)\nhive v1 (commit c0ffee, dirty)\n" +
				"  run        kind     wall  files  cached  files/s  MB/s  per-file p50       p99  peak RSS\n" +
				"    1        cold  2.000 s      6       0        3   1.0      2.000 ms  2.980 ms   42.4 MB\n" +
				"    1  parse-only  1.000 s      6       -        6   2.0             -         -   30.0 MB\n" +
				"cold / parse-only wall time: 2.000×\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteText(&b, c.rep)
			assert.Equal(t, c.want, b.String())
		})
	}
}

func TestWriteOutcomes(t *testing.T) {
	m := &workloads.Manifest{Name: "tiny", File: "tiny.yaml"}
	cases := []struct {
		name     string
		outcomes []Outcome
		want     string
	}{
		{"no targets", nil, "targets: none in tiny.yaml\n"},
		{"met, missed and not measured", []Outcome{
			{Target: "cold_wall_max", Bound: "≤ 1m0s", Measured: "2s (median of 1 cold run(s))", OK: true},
			{Target: "per_file_p99_max", Bound: "≤ 1ms", Measured: "3ms (p99 of 3 files)"},
			{Target: "warm_wall_max", Bound: "≤ 1s", Measured: "not measured", Missing: true},
		}, "targets (tiny.yaml):\n" +
			"  ok      cold_wall_max ≤ 1m0s    measured 2s (median of 1 cold run(s))\n" +
			"  MISSED  per_file_p99_max ≤ 1ms  measured 3ms (p99 of 3 files)\n" +
			"  n/a     warm_wall_max ≤ 1s      measured not measured\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteOutcomes(&b, m, c.outcomes)
			assert.Equal(t, c.want, b.String())
		})
	}
}
