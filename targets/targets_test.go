package targets

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func boundNS(t *testing.T, tg Target) float64 {
	t.Helper()
	unit := "ns"
	if u, err := results.ParseUnit(tg.Unit); err == nil && u.Dim == "bytes" {
		unit = "B"
	}
	v, err := results.Convert(tg.Bound, tg.Unit, unit)
	require.NoError(t, err)
	return v
}

func TestBuiltinTiers(t *testing.T) {
	set, err := Builtin()
	require.NoError(t, err)
	assert.Equal(t, []string{"typescript", "original", "wave6", "hive"}, set.Names())

	type want struct {
		metric string
		stat   Statistic
		base   float64 // in ns or bytes
	}
	seed := func(startup, memory, parsing, consensus, database float64) []want {
		return []want{
			{"startup.serve", P50, startup},
			{"memory.idle_rss", Peak, memory},
			{"parsing.per_file", P50, parsing},
			{"consensus.e2e", P50, consensus},
			{"database.insert_message", P50, database},
			{"database.cache_get", P50, database},
			{"database.cache_put", P50, database},
		}
	}
	cases := []struct {
		tier       string
		provenance string
		targets    []want
	}{
		{"typescript", "stated in the seed report, never measured", seed(2.1e9, 180e6, 50e6, 3.2e9, 35e6)},
		{"original", "stated in the seed report as a target, never measured", seed(50e6, 25e6, 5e6, 500e6, 3e6)},
		{"wave6", "stated in the seed report as a target, never measured", seed(25e6, 20e6, 2e6, 300e6, 1e6)},
		{"hive", "set by the hive team before measurement; revise with evidence", []want{
			{"startup.serve", P95, 20e6},
			{"startup.serve", P50, 3e6},
			{"startup.first_read", P50, 1e6},
			{"memory.idle_rss", Peak, 20e6},
			{"parsing.per_file", P50, 1e6},
			{"consensus.overhead", P50, 0.5e6},
			{"consensus.overhead", P99, 2e6},
			{"consensus.serve_cpu_per_run", P50, 350e3},
			{"consensus.cache_hit", P99, 50e3},
			{"database.insert_message", P50, 100e3},
			{"database.cache_get", P50, 100e3},
			{"database.cache_put", P50, 100e3},
		}},
	}
	for _, c := range cases {
		t.Run(c.tier, func(t *testing.T) {
			tier, err := set.Tier(c.tier)
			require.NoError(t, err)
			require.Len(t, tier.Targets, len(c.targets))
			for i, w := range c.targets {
				tg := tier.Targets[i]
				assert.Equal(t, w.metric, tg.Metric)
				assert.Equal(t, w.stat, tg.Statistic)
				assert.InDelta(t, w.base, boundNS(t, tg), w.base*1e-9, "%s %s", tg.Metric, tg.Statistic)
				assert.Equal(t, c.provenance, tg.Provenance, "every target carries its provenance")
			}
		})
	}
}

func TestParseAcceptsBoundWithUnit(t *testing.T) {
	tiers, err := Parse("user.yaml", []byte(`
version: 1
tiers:
  - name: ci
    provenance: measured on the CI runner, 2025-11
    targets:
      - {metric: startup.serve, statistic: p99, bound: 30 ms}
      - {metric: database.*, statistic: p50, bound: 250, unit: us, provenance: own note}
`))
	require.NoError(t, err)
	require.Len(t, tiers, 1)
	tg := tiers[0].Targets
	assert.Equal(t, Target{Metric: "startup.serve", Statistic: P99, Bound: 30, Unit: "ms", Provenance: "measured on the CI runner, 2025-11"}, tg[0])
	assert.Equal(t, "own note", tg[1].Provenance)
	assert.True(t, tg[1].IsPattern())
	assert.True(t, tg[1].Matches("database.cache_get"))
	assert.False(t, tg[1].Matches("startup.serve"))
	assert.Equal(t, "startup.serve p99 ≤ 30 ms", tg[0].String())
	assert.Equal(t, "user.yaml", tiers[0].Source)
}

func TestParseRejects(t *testing.T) {
	const head = "version: 1\ntiers:\n  - name: ci\n    provenance: p\n    targets:\n"
	cases := []struct {
		name string
		yaml string
		want []string
	}{
		{"empty", "", []string{"is empty"}},
		{"not yaml", "version: [1\n", []string{"user.yaml"}},
		{"missing version", "tiers: []\n", []string{"missing `version: 1`"}},
		{"future version", "version: 2\ntiers: []\n", []string{"has version 2; this hivebench reads version 1"}},
		{"no tiers", "version: 1\n", []string{"has no tiers"}},
		{"unknown top-level field", "version: 1\ntier: []\n", []string{`line 2: unknown field "tier" in a targets file (known fields: version, tiers)`}},
		{"unknown tier field", "version: 1\ntiers:\n  - name: ci\n    bounds: []\n", []string{`line 4: unknown field "bounds" in a tier (known fields: name, description, provenance, targets)`}},
		{"unknown target field", head + "      - {metric: startup.serve, statistic: p50, bound: 1, unit: ms, percentile: 50}\n",
			[]string{`line 6: unknown field "percentile" in a target (known fields: metric, statistic, bound, unit, over, provenance, note)`}},
		{"over a family", head + "      - {metric: consensus.cache_hit, statistic: p99, bound: 50 µs, over: consensus.*}\n", []string{`over: "consensus.*" is a family`}},
		{"over an unknown metric", head + "      - {metric: consensus.cache_hit, statistic: p99, bound: 50 µs, over: consensus.http_flor}\n", []string{`over: unknown metric "consensus.http_flor" (did you mean consensus.http_floor?)`}},
		{"over itself", head + "      - {metric: consensus.cache_hit, statistic: p99, bound: 50 µs, over: consensus.cache_hit}\n", []string{"over: consensus.cache_hit is the bounded metric itself"}},
		{"over another dimension", head + "      - {metric: consensus.cache_hit, statistic: p99, bound: 50 µs, over: memory.idle_rss}\n", []string{"over: memory.idle_rss is measured in bytes and consensus.cache_hit in ms; a margin needs the same dimension"}},
		{"over for a rate", head + "      - {metric: parsing.files_per_sec, statistic: p50, bound: 5 MB/s, over: parsing.mb_per_sec}\n", []string{"higher-is-better"}},
		{"unknown metric", head + "      - {metric: startup.srve, statistic: p50, bound: 1, unit: ms}\n",
			[]string{`line 6: tier ci, target 1 (startup.srve): unknown metric "startup.srve" (did you mean startup.serve?)`, "known: consensus.c100_serve_cpu, consensus.cache_hit"}},
		{"unknown family", head + "      - {metric: disk.*, statistic: p50, bound: 1, unit: ms}\n", []string{`unknown metric family "disk"`}},
		{"unknown statistic", head + "      - {metric: startup.serve, statistic: median, bound: 1, unit: ms}\n",
			[]string{`unknown statistic "median"; use one of p50, p90, p95, p99, mean, min, max, peak`}},
		{"unknown unit", head + "      - {metric: startup.serve, statistic: p50, bound: 1, unit: sec}\n", []string{`unknown unit "sec"`}},
		{"unit of another dimension", head + "      - {metric: startup.serve, statistic: p50, bound: 1, unit: MB}\n",
			[]string{"unit MB does not fit startup.serve, which is measured in ms (a time)"}},
		{"missing unit", head + "      - {metric: startup.serve, statistic: p50, bound: 1}\n", []string{"missing required field unit"}},
		{"conflicting units", head + "      - {metric: startup.serve, statistic: p50, bound: 1 ms, unit: s}\n", []string{`says unit ms but unit: says s`}},
		{"bound not a number", head + "      - {metric: startup.serve, statistic: p50, bound: fast, unit: ms}\n", []string{`bound "fast" is not a number`}},
		{"negative bound", head + "      - {metric: startup.serve, statistic: p50, bound: -1, unit: ms}\n", []string{"must be positive"}},
		{"missing bound", head + "      - {metric: startup.serve, statistic: p50, unit: ms}\n", []string{"missing required field bound"}},
		{"missing metric", head + "      - {statistic: p50, bound: 1, unit: ms}\n", []string{"missing required field metric"}},
		{"duplicate target", head + "      - {metric: startup.serve, statistic: p50, bound: 1, unit: ms}\n      - {metric: startup.serve, statistic: p50, bound: 2, unit: ms}\n",
			[]string{"startup.serve p50 is bounded twice"}},
		{"duplicate tier", "version: 1\ntiers:\n  - name: a\n    provenance: p\n    targets: [{metric: startup.serve, statistic: p50, bound: 1, unit: ms}]\n  - name: a\n    provenance: p\n    targets: [{metric: startup.serve, statistic: p50, bound: 1, unit: ms}]\n",
			[]string{`tier "a" is defined twice`}},
		{"bad tier name", "version: 1\ntiers:\n  - name: My Tier\n    provenance: p\n    targets: [{metric: startup.serve, statistic: p50, bound: 1, unit: ms}]\n", []string{`tier name "My Tier"`}},
		{"no provenance", "version: 1\ntiers:\n  - name: a\n    targets: [{metric: startup.serve, statistic: p50, bound: 1, unit: ms}]\n", []string{"missing provenance"}},
		{"tier without targets", "version: 1\ntiers:\n  - name: a\n    provenance: p\n", []string{"tier a: has no targets"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("user.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), "targets file user.yaml")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	user := filepath.Join(dir, "targets.yaml")
	require.NoError(t, os.WriteFile(user, []byte(`version: 1
tiers:
  - name: hive
    provenance: tightened after measuring on the CI runner
    targets:
      - {metric: startup.serve, statistic: p95, bound: 10, unit: ms}
  - name: ci
    provenance: ci runner
    targets:
      - {metric: memory.idle_rss, statistic: peak, bound: 30, unit: MiB}
`), 0o644))
	set, err := LoadFile(user)
	require.NoError(t, err)
	assert.Equal(t, []string{"typescript", "original", "wave6", "hive", "ci"}, set.Names(), "override keeps the place, a new tier is appended")
	hive, err := set.Tier("hive")
	require.NoError(t, err)
	require.Len(t, hive.Targets, 1, "an overriding tier replaces the built-in one whole")
	assert.Equal(t, 10.0, hive.Targets[0].Bound)
	assert.Equal(t, user, hive.Source)

	_, err = set.Tier("wave7")
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), `unknown tier "wave7"; known tiers: typescript, original, wave6, hive, ci`)

	builtin, err := LoadFile("")
	require.NoError(t, err)
	assert.Equal(t, []string{"typescript", "original", "wave6", "hive"}, builtin.Names())

	_, err = LoadFile(filepath.Join(dir, "missing.yaml"))
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "missing.yaml does not exist")
}

// FuzzParse: any bytes give tiers or a usage error, never a panic.
func FuzzParse(f *testing.F) {
	// Small seeds: the fuzzer minimizes every interesting input, and
	// minimizing mutations of the whole built-in file takes minutes.
	f.Add([]byte("version: 1\ntiers:\n  - name: hive\n    provenance: p\n    targets:\n      - metric: startup.serve\n        statistic: p95\n        bound: 20\n        unit: ms\n        note: n\n"))
	f.Add([]byte("version: 1\ntiers:\n  - name: a\n    provenance: p\n    targets: [{metric: database.*, statistic: p50, bound: 1 ms}]\n"))
	f.Add([]byte("version: 1\ntiers: [{name: x, targets: [{bound: [1]}]}]\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tiers, err := Parse("fuzz.yaml", data)
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("bad input must be a usage error: %v", err)
			}
			return
		}
		for _, tier := range tiers {
			for _, tg := range tier.Targets {
				if tg.Bound <= 0 || tg.Provenance == "" || !validStatistic(tg.Statistic) {
					t.Fatalf("accepted an invalid target: %+v", tg)
				}
			}
		}
	})
}
