package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/targets"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from the current output")

var extensions = map[Format]string{Table: "txt", Markdown: "md", JSON: "json", JUnit: "xml", HTML: "html", Benchfmt: "bench"}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing; run go test -tags sqlite_fts5 ./reports -update")
	assert.Equal(t, string(want), string(got), "output differs from %s; if the change is intended, run with -update and review the diff", path)
}

// tier is a tier of testdata/tiers.yaml: the goldens hold the reports'
// rendering to fixed bounds, not to the built-in ones of the day.
func tier(t *testing.T, name string) targets.Tier {
	t.Helper()
	data, err := os.ReadFile("testdata/tiers.yaml")
	require.NoError(t, err)
	tiers, err := targets.Parse("testdata/tiers.yaml", data)
	require.NoError(t, err)
	for _, tr := range tiers {
		if tr.Name == name {
			return tr
		}
	}
	require.Failf(t, "no such tier", "%s is not in testdata/tiers.yaml", name)
	return targets.Tier{}
}

func fixtureRun(t *testing.T) Run {
	head := fixtureHead()
	return Run{
		File:      head,
		Tier:      "hive",
		Outcomes:  targets.Check(tier(t, "hive"), head),
		Reference: targets.Check(tier(t, "typescript"), head),
	}
}

func fixtureComparison(t *testing.T) Comparison {
	base, head := fixtureBase(), fixtureHead()
	return Comparison{
		Base: base, Head: head, BaseLabel: "baseline main", HeadLabel: "run.json",
		Results:  fixtureResults(base, head),
		Tier:     "hive",
		Outcomes: targets.Check(tier(t, "hive"), head),
		Warnings: append(results.EnvDiff(base, head), "base was recorded 6 days before head"),
	}
}

func TestGoldenRun(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteRun(&buf, f, fixtureRun(t)))
			golden(t, "run."+extensions[f], buf.Bytes())
		})
	}
}

func TestGoldenComparison(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteComparison(&buf, f, fixtureComparison(t)))
			golden(t, "comparison."+extensions[f], buf.Bytes())
		})
	}
}

// fixtureMissing is a gate that compared two metrics and was allowed
// (--allow-missing) to pass over a metric the baseline lacks and a family
// the time budget never reached.
func fixtureMissing() Comparison {
	base, head := fixtureBase(), fixtureHead()
	rs := fixtureResults(base, head)[:2]
	var kept []results.Benchmark
	for _, b := range base.Benchmarks {
		if b.Name != "parsing.per_file" {
			kept = append(kept, b)
		}
	}
	base.Benchmarks = kept
	return Comparison{
		Base: base, Head: head, BaseLabel: "baseline main", HeadLabel: "head bin/hive",
		Results: rs,
		Missing: []gate.Missing{
			{Name: "parsing.per_file", Why: "not in the base run 1111111aaaaaaa.json", Code: exitcode.Usage},
			{Name: "database", Why: "no samples on either side: sampling stopped before its first round pair (time budget of 10m0s reached after 10m3s)", Code: exitcode.Infra},
		},
		MissingAllowed: true,
	}
}

func TestGoldenComparisonMissing(t *testing.T) {
	for _, f := range Formats {
		if f == Benchfmt {
			continue // samples only: it has no place for what was not measured
		}
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteComparison(&buf, f, fixtureMissing()))
			golden(t, "comparison-missing."+extensions[f], buf.Bytes())
		})
	}
}

// The built-in hive tier bounds startup.serve's p50 over startup.version's:
// the row shows both targets, and the margin is checked against the floor
// of the same run.
func TestRunRowsShowAMarginOverAFloor(t *testing.T) {
	head := fixtureHead()
	serve, ok := head.Benchmark("startup.serve")
	require.True(t, ok)
	version := *serve
	version.Name = "startup.version"
	version.Samples = nil
	version.Summary.P50 = serve.Summary.P50 - 2e6 // 2 ms under serve: within 3 ms
	head.Benchmarks = append(head.Benchmarks, version)
	set, err := targets.Builtin()
	require.NoError(t, err)
	hive, err := set.Tier("hive")
	require.NoError(t, err)
	rows := Run{File: head, Tier: "hive", Outcomes: targets.Check(hive, head)}.rows()
	require.NotEmpty(t, rows)
	assert.Equal(t, "startup.serve", rows[0].Metric)
	assert.Equal(t, "p95 ≤ 20 ms, p50 ≤ startup.version p50 + 3 ms", rows[0].Target)
	assert.Contains(t, []string{"PASS", "PASS?"}, rows[0].Verdict)

	version.Summary.P50 = serve.Summary.P50 - 4e6 // 4 ms under: beyond the margin
	head.Benchmarks[len(head.Benchmarks)-1] = version
	rows = Run{File: head, Tier: "hive", Outcomes: targets.Check(hive, head)}.rows()
	assert.Contains(t, []string{"FAIL", "FAIL?"}, rows[0].Verdict)
}
