package suite

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func TestLookupAndWith(t *testing.T) {
	for _, name := range []string{"test", "quick", "ci", "full"} {
		s, err := Lookup(name)
		require.NoError(t, err, name)
		assert.Equal(t, name, s.Name)
		assert.Positive(t, s.Rounds)
		assert.NotEmpty(t, s.Workload)
		_, err = probe.All(s.Probe)
		assert.NoError(t, err, "suite %s must give the probes a valid config", name)
	}
	_, err := Lookup("nightly")
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "quick")

	s, _ := Lookup("quick")
	cases := []struct {
		name    string
		o       Options
		rounds  int
		samples int
		wantErr string
	}{
		{"defaults kept", Options{}, 3, 10, ""},
		{"rounds and samples", Options{Rounds: 7, Samples: 4}, 7, 4, ""},
		{"gate rounds are short", Options{Gate: true}, 3, 3, ""},
		{"gate rounds, samples given", Options{Gate: true, Samples: 5}, 3, 5, ""},
		{"negative rounds", Options{Rounds: -1}, 0, 0, "--rounds"},
		{"negative samples", Options{Samples: -2}, 0, 0, "--samples"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.With(c.o)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.rounds, got.Rounds)
			assert.Equal(t, c.samples, got.Probe.Samples)
		})
	}
}

func TestResolveWorkload(t *testing.T) {
	dir := t.TempDir()
	s, _ := Lookup("test")
	s, err := s.With(Options{Workload: dir})
	require.NoError(t, err)
	got, err := s.ResolveWorkload(context.Background(), []string{probe.Parsing})
	require.NoError(t, err)
	assert.Equal(t, dir, got.Probe.Workload, "an explicit workload is kept, made absolute")

	s, _ = Lookup("test")
	got, err = s.ResolveWorkload(context.Background(), []string{probe.Startup})
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(got.Probe.Workload), "GOROOT/src/encoding/json resolves when Go is installed: %q", got.Probe.Workload)
	assert.True(t, strings.HasSuffix(got.Probe.Workload, filepath.Join("src", "encoding", "json")))
}

func TestSelect(t *testing.T) {
	probes, err := probe.All(probe.Config{})
	require.NoError(t, err)
	cases := []struct {
		spec     string
		families []string
		has      []string
		hasNot   []string
		wantErr  string
	}{
		{"", []string{"startup", "memory", "parsing", "consensus", "database"}, []string{"startup.serve", "database.cache_get"}, nil, ""},
		{"startup", []string{"startup"}, []string{"startup.serve", "startup.version"}, []string{"memory.idle_rss"}, ""},
		{"database.cache_get, startup.serve", []string{"startup", "database"}, []string{"database.cache_get", "startup.serve"}, []string{"database.cache_put", "startup.version"}, ""},
		{"startup.boot", nil, nil, nil, `unknown family or metric "startup.boot"`},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			sel, err := Select(probes, c.spec)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				assert.Contains(t, err.Error(), "startup.serve", "the error lists the known metrics")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.families, sel.Families())
			for _, m := range c.has {
				assert.True(t, sel.Has(m), m)
			}
			for _, m := range c.hasNot {
				assert.False(t, sel.Has(m), m)
			}
		})
	}
	_, err = SelectFamilies(probes, "latency")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "or all")
	sel, err := SelectFamilies(probes, "all")
	require.NoError(t, err)
	assert.Len(t, sel.Families(), 5)
}

func TestParseThresholds(t *testing.T) {
	cases := []struct {
		spec    string
		metric  string
		want    float64
		wantErr string
	}{
		{"", "startup.serve", 5, ""},
		{"", "database.cache_get", 10, ""},
		{"startup=3", "startup.version", 3, ""},
		{"startup=3,startup.serve=8%", "startup.serve", 8, ""},
		{"database=20", "database.cache_get", 20, ""},
		{"startup", "", 0, "want KEY=PERCENT"},
		{"startup=0", "", 0, "not a percentage"},
		{"startup=120", "", 0, "not a percentage"},
		{"latency=5", "", 0, "neither a family"},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			th, err := ParseThresholds(c.spec)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, th.For(c.metric))
		})
	}
	assert.Equal(t, float64(fallbackThreshold), DefaultThresholds().For("newfamily.metric"))
}

func TestRecordKeepsRoundsOfCorrelatedMetrics(t *testing.T) {
	p := &fakeProbe{family: "database", perRnd: 3}
	ms := p.Metrics()
	rec := NewRecord()
	rec.Add("database", ms, map[string][]float64{"database.each": {1, 2, 3}, "database.pooled": {10, 20, 30, 40}})
	rec.Add("database", ms, map[string][]float64{"database.each": {4, 5, 6}, "database.pooled": {1, 2, 3}})
	assert.Equal(t, 2, rec.Rounds("database"))

	each, pooled := rec.Series("database.each"), rec.Series("database.pooled")
	assert.Equal(t, []float64{2, 5}, each.GateSamples(), "samples of a round are compared by their median")
	assert.Equal(t, []float64{25, 2}, pooled.GateSamples())
	assert.Len(t, pooled.Samples, 7, "the raw samples are all kept")

	bs, err := rec.Benchmarks()
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Len(t, bs[0].Extra, 2)
	assert.Equal(t, []float64{2, 5}, GateSamples(bs[0]), "round figures survive a results file")
	assert.Equal(t, []float64{25, 2}, GateSamples(bs[1]))
	assert.Equal(t, 7, bs[1].Summary.N)
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, bs[0].Samples)

	// One sample per round: the samples are the round values, no figures.
	one := NewRecord()
	one.Add("database", ms[:1], map[string][]float64{"database.each": {7}})
	one.Add("database", ms[:1], map[string][]float64{"database.each": {9}})
	bs, err = one.Benchmarks()
	require.NoError(t, err)
	assert.Empty(t, bs[0].Extra)
	assert.Equal(t, []float64{7, 9}, GateSamples(bs[0]))
}

// writeFile writes a results file of one benchmark over a workload.
func writeFile(t *testing.T, dir, name string, workload string, samples []float64) *results.File {
	t.Helper()
	rec := NewRecord()
	m := probe.Metric{Name: "startup.serve", Family: "startup", Unit: "ms", Independent: true}
	for i := 0; i+1 < len(samples); i += 2 { // rounds of two samples
		rec.Add("startup", []probe.Metric{m}, map[string][]float64{"startup.serve": samples[i : i+2]})
	}
	if workload != "" {
		_, err := FingerprintWorkload(workload)
		require.NoError(t, err)
	}
	f, err := NewFile(rec, FileOptions{Suite: "test", Workload: workload, Hive: &HiveInfo{Version: "v1", Commit: "abc123"}})
	require.NoError(t, err)
	f.MarkComplete()
	require.NoError(t, f.Write(filepath.Join(dir, name)))
	assert.Equal(t, "abc123", f.Env.Commit, "the measured binary's commit, not the harness's")
	return f
}

func TestCompareFiles(t *testing.T) {
	dir := t.TempDir()
	w1 := filepath.Join(dir, "w1")
	w2 := filepath.Join(dir, "w2")
	require.NoError(t, os.MkdirAll(w1, 0o755))
	require.NoError(t, os.MkdirAll(w2, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(w1, "a.go"), []byte("package a\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(w2, "b.go"), []byte("package b\n\n"), 0o644))

	base := make([]float64, 24)
	head := make([]float64, 24)
	for i := range base {
		base[i] = 100 + float64(i%5)
		head[i] = 130 + float64(i%5)
	}
	fb := writeFile(t, dir, "base.json", w1, base)
	fh := writeFile(t, dir, "head.json", w1, head)
	other := writeFile(t, dir, "other.json", w2, head)

	rs, warns, err := CompareFiles(fb, fh, DefaultThresholds(), nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, compare.Regressed, rs[0].Verdict)
	assert.InDelta(t, 30, rs[0].DeltaPct, 2)
	assert.Empty(t, warns, "same machine, both complete: nothing to warn about")

	_, _, err = CompareFiles(fb, other, DefaultThresholds(), nil)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "different workloads")

	rs, _, err = CompareFiles(fb, fh, DefaultThresholds(), func(string) bool { return false })
	require.NoError(t, err)
	assert.Empty(t, rs, "the filter drops every metric")
}

func TestGateInterleavesAndDetects(t *testing.T) {
	cases := []struct {
		name       string
		headFactor float64
		want       compare.Verdict
	}{
		{"A/A passes", 1, compare.Same},
		{"+30% regresses", 1.3, compare.Regressed},
		{"-30% improves", 0.7, compare.Improved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &fakeProbe{family: "startup", perRnd: 4, cv: 0.02, factor: map[string]float64{"head": c.headFactor}}
			sel, err := Select([]probe.Probe{p}, "")
			require.NoError(t, err)
			out, err := Gate(context.Background(), GateConfig{
				Selection: sel, Thresholds: DefaultThresholds(),
				Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"},
			})
			require.NoError(t, err)
			require.Len(t, out.Results, 2)
			for _, r := range out.Results {
				assert.Equal(t, c.want, r.Verdict, "%s: %s", r.Metric, r.Note)
			}
			ev := p.events()
			require.GreaterOrEqual(t, len(ev), 4)
			assert.Equal(t, []string{"setup base", "setup head"}, ev[:2], "one session per binary, base first")
			var rounds []string
			for _, e := range ev {
				if name, ok := strings.CutPrefix(e, "round "); ok {
					rounds = append(rounds, name)
				}
			}
			for i := 0; i+1 < len(rounds); i += 2 {
				want := []string{"base", "head"}
				if (i/2)%2 == 1 {
					want = []string{"head", "base"}
				}
				assert.Equal(t, want, rounds[i:i+2], "pair %d: rounds alternate A B, B A", i/2+1)
			}
			assert.Equal(t, []string{"close base", "close head"}, sortedTail(ev, 2), "both sessions closed at the end")
			assert.Equal(t, len(rounds)/2, out.Pairs["startup"])
			assert.Equal(t, out.Base.Rounds("startup"), out.Head.Rounds("startup"), "both binaries ran as many rounds")
			// The pooled metric is compared by round: one gate sample per
			// round, so ten looks need ten rounds per side.
			for _, r := range out.Results {
				if r.Metric == "startup.pooled" {
					assert.GreaterOrEqual(t, r.Base.N, 10)
					assert.Equal(t, r.Base.N, r.Head.N)
				}
			}
		})
	}
}

func sortedTail(ev []string, n int) []string {
	tail := append([]string(nil), ev[len(ev)-n:]...)
	if tail[0] > tail[1] {
		tail[0], tail[1] = tail[1], tail[0]
	}
	return tail
}

func TestGateComparesOneValuePerRound(t *testing.T) {
	// 7 samples per round, but the comparison sees one median per round:
	// its sample counts are round counts, at the looks Initial·2^k.
	p := &fakeProbe{family: "startup", perRnd: 7, cv: 0.01}
	sel, err := Select([]probe.Probe{p}, "startup.each")
	require.NoError(t, err)
	out, err := Gate(context.Background(), GateConfig{
		Selection: sel, Thresholds: DefaultThresholds(),
		Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"},
		Sequential: compare.Sequential{Initial: 10, Max: 40},
	})
	require.NoError(t, err)
	require.Len(t, out.Results, 1)
	r := out.Results[0]
	assert.Contains(t, []int{10, 20, 40}, r.Base.N)
	assert.Equal(t, r.Base.N, r.Head.N)
	assert.Equal(t, out.Pairs["startup"], r.Base.N, "one gate sample per round")
	assert.Len(t, out.Base.Series("startup.each").Samples, 7*r.Base.N, "the record keeps every raw sample")
}

func TestGateStopsAtTheRoundCap(t *testing.T) {
	// Noise far above the threshold: every look is inconclusive, so only
	// the cap ends sampling, and the gate decides on what it has.
	p := &fakeProbe{family: "startup", perRnd: 2, cv: 0.8}
	sel, err := Select([]probe.Probe{p}, "")
	require.NoError(t, err)
	out, err := Gate(context.Background(), GateConfig{
		Selection: sel, Thresholds: DefaultThresholds(), MaxRounds: 3,
		Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"},
	})
	require.NoError(t, err)
	assert.Contains(t, out.Stopped, "--max-rounds 3")
	assert.Equal(t, 3, out.Pairs["startup"])
	require.Len(t, out.Results, 2)
	assert.True(t, compare.Pass(out.Results), "stopping early never fails the gate on noise")
	for _, r := range out.Results {
		assert.Equal(t, compare.Inconclusive, r.Verdict)
		assert.Contains(t, strings.Join(r.Warnings, "; "), "sampling stopped early")
	}
}

func TestGateThatComparedNothingFails(t *testing.T) {
	p := &fakeProbe{family: "startup", perRnd: 2}
	sel, _ := Select([]probe.Probe{p}, "")
	out, err := Gate(context.Background(), GateConfig{
		Selection: sel, Budget: time.Nanosecond,
		Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"},
	})
	require.Error(t, err, "a gate that compared nothing must not pass")
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "time budget")
	assert.Contains(t, err.Error(), "nothing was compared")
	assert.Empty(t, out.Results)
}

func TestGateHeadThatDoesNotStart(t *testing.T) {
	p := &fakeProbe{family: "startup", perRnd: 2, failOn: "head"}
	sel, _ := Select([]probe.Probe{p}, "")
	out, err := Gate(context.Background(), GateConfig{Selection: sel, Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set-up of head")
	assert.NotNil(t, out)
	assert.Contains(t, p.events(), "close base", "the base session is closed when head fails")
}

func TestRunInterruptedKeepsFinishedRounds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &fakeProbe{family: "startup", perRnd: 3, onRound: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	sel, _ := Select([]probe.Probe{p}, "")
	s := Suite{Name: "test", Rounds: 5}
	rec, err := Run(ctx, s, sel, probe.Target{Name: "hive"}, nil)
	require.Error(t, err)
	assert.True(t, IsInterrupted(err))
	assert.Equal(t, exitcode.Infra, exitcode.Code(err), "an interrupted run exits 3")
	assert.Equal(t, 2, rec.Rounds("startup"), "the rounds that finished are kept")
	assert.Len(t, rec.Series("startup.each").Samples, 6)
	assert.Contains(t, p.events(), "close hive")

	f, err := NewFile(rec, FileOptions{Suite: "test"})
	require.NoError(t, err)
	f.MarkIncomplete("interrupted by a signal")
	data, err := results.Encode(f)
	require.NoError(t, err, "a partial run is a valid results file")
	assert.Contains(t, string(data), `"complete": false`)
}

func TestRunAllFamilies(t *testing.T) {
	a := &fakeProbe{family: "startup", perRnd: 2}
	b := &fakeProbe{family: "database", perRnd: 2}
	sel, _ := Select([]probe.Probe{a, b}, "")
	var lines []string
	rec, err := Run(context.Background(), Suite{Rounds: 2}, sel, probe.Target{Name: "hive"}, func(f string, args ...any) {
		lines = append(lines, f)
	})
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Rounds("startup"))
	assert.Equal(t, 2, rec.Rounds("database"))
	assert.Equal(t, []string{"setup hive", "round hive", "round hive", "close hive"}, a.events(), "one session per family, closed before the next")
	assert.NotEmpty(t, lines)
}

func TestAnalyzeAA(t *testing.T) {
	p := &fakeProbe{family: "startup", perRnd: 10, cv: 0.03}
	sel, _ := Select([]probe.Probe{p}, "startup.each")
	cfg := GateConfig{Selection: sel, Thresholds: DefaultThresholds(), Base: probe.Target{Name: "A"}, Head: probe.Target{Name: "A'"}}
	var outs []*GateOutcome
	for range 3 {
		out, err := Gate(context.Background(), cfg)
		require.NoError(t, err)
		outs = append(outs, out)
	}
	aa := AnalyzeAA(outs, cfg, 10*time.Minute, 100)
	require.Len(t, aa, 1)
	a := aa[0]
	assert.Equal(t, 3, a.Runs)
	assert.Equal(t, 0, a.Regressed, "identical distributions: no false alarm")
	assert.InDelta(t, 3, a.NoisePct, 2, "the noise the fake was given")
	assert.Equal(t, compare.DefaultMax, a.Cap, "fake rounds take no time: the sample cap binds")
	require.False(t, math.IsNaN(a.DetectPct))
	assert.GreaterOrEqual(t, a.DetectPct, 5.0, "nothing under the threshold counts as a regression")
	assert.LessOrEqual(t, a.DetectPct, 10.0, "at 3%% noise and 160 samples a 10%% change is caught")
}

func TestHiveVersionRefusesBrokenBinaries(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "hive-noexec")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\nexit 0\n"), 0o644))
	dies := filepath.Join(dir, "hive-dies")
	require.NoError(t, os.WriteFile(dies, []byte("#!/bin/sh\necho 'fatal: cannot map the grammar tables' >&2\nexit 1\n"), 0o755))
	notHive := filepath.Join(dir, "not-hive")
	require.NoError(t, os.WriteFile(notHive, []byte("#!/bin/sh\necho hello\n"), 0o755))
	ok := filepath.Join(dir, "hive-ok")
	require.NoError(t, os.WriteFile(ok, []byte("#!/bin/sh\necho '{\"version\":\"v9\",\"commit\":\"c0ffee\",\"dirty\":true}'\n"), 0o755))

	cases := []struct {
		name, bin string
		code      int
		want      string
	}{
		{"missing", filepath.Join(dir, "nope"), exitcode.Infra, "no such file"},
		{"directory", dir, exitcode.Infra, "is a directory"},
		{"not executable", notExec, exitcode.Infra, "is not executable"},
		{"dies with a message", dies, exitcode.Infra, "cannot map the grammar tables"},
		{"not a hive binary", notHive, exitcode.Infra, "not hive's version JSON"},
		{"no binary", "", exitcode.Usage, "no hive binary given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := HiveVersion(context.Background(), "--head-bin", c.bin)
			require.Error(t, err)
			assert.Equal(t, c.code, exitcode.Code(err), err.Error())
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "--head-bin", "the error names the flag")
		})
	}
	info, err := HiveVersion(context.Background(), "--hive-bin", ok)
	require.NoError(t, err)
	assert.Equal(t, "c0ffee", info.Commit)
	assert.Equal(t, "hive v9 (commit c0ffee-dirty)", info.Label())
}

// NewFile never reads the workload: the fingerprint is the one taken
// before measuring, so a run interrupted after its tree vanished (or
// changed) still records what it measured, on the tree it measured.
func TestNewFileUsesTheFingerprintTakenBeforeMeasuring(t *testing.T) {
	rec := NewRecord()
	m := probe.Metric{Name: "parsing.wall", Family: "parsing", Unit: "s"}
	rec.Add("parsing", []probe.Metric{m}, map[string][]float64{"parsing.wall": {1.5}})
	explicit := results.Fingerprint{Name: "given", Files: 7, Bytes: 70, Hash: "sha256:given"}
	cases := []struct {
		name    string
		opts    func(dir string) FileOptions
		taken   bool   // FingerprintWorkload ran before measuring
		want    string // "taken", "given" or "none"
		wantErr string
	}{
		{"taken before, tree gone since", func(dir string) FileOptions { return FileOptions{Suite: "test", Workload: dir} }, true, "taken", ""},
		{"given explicitly", func(dir string) FileOptions {
			return FileOptions{Suite: "test", Workload: dir, Fingerprint: &explicit}
		}, false, "given", ""},
		{"no workload", func(string) FileOptions { return FileOptions{Suite: "test"} }, false, "none", ""},
		{"never fingerprinted", func(dir string) FileOptions { return FileOptions{Suite: "test", Workload: dir} }, false, "", "was not fingerprinted before measuring"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "tree")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644))
			var before results.Fingerprint
			if c.taken {
				var err error
				before, err = FingerprintWorkload(dir)
				require.NoError(t, err)
				require.Equal(t, 1, before.Files)
			}
			require.NoError(t, os.RemoveAll(dir), "the tree is gone when the interrupted run saves itself")
			f, err := NewFile(rec, c.opts(dir))
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			switch c.want {
			case "taken":
				assert.Equal(t, before, f.Workload)
			case "given":
				assert.Equal(t, explicit, f.Workload)
			case "none":
				assert.True(t, f.Workload.IsZero())
			}
			_, ok := f.Benchmark("parsing.wall")
			assert.True(t, ok, "the measurements are in the file")
		})
	}
}
