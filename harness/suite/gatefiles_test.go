package suite

import (
	"bytes"
	"context"
	"errors"
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

// A gate's sides become results files: complete after a decided gate,
// incomplete with the gate's error otherwise, none for a side that
// measured nothing; a metric asked for and not compared marks both
// incomplete.
func TestGateFilesAndMissing(t *testing.T) {
	p := &fakeProbe{family: "startup", perRnd: 2, cv: 0.02}
	sel, err := Select([]probe.Probe{p}, "")
	require.NoError(t, err)
	out, err := Gate(context.Background(), GateConfig{Selection: sel, Thresholds: DefaultThresholds(),
		Base: probe.Target{Name: "base"}, Head: probe.Target{Name: "head"}})
	require.NoError(t, err)
	fo := FileOptions{Suite: "test"}

	cases := []struct {
		name     string
		rec      *Record
		gateErr  error
		complete bool
		reason   string
	}{
		{"decided", out.Base, nil, true, ""},
		{"failed gate", out.Head, errors.New("set-up of head failed\nmore detail"), false, "set-up of head failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := GateFile(c.rec, fo, c.gateErr)
			require.NoError(t, err)
			require.NotNil(t, f)
			assert.Equal(t, c.complete, f.Complete)
			assert.Equal(t, c.reason, f.IncompleteReason)
			_, ok := f.Benchmark("startup.each")
			assert.True(t, ok)
		})
	}
	f, err := GateFile(NewRecord(), fo, nil)
	require.NoError(t, err)
	assert.Nil(t, f, "a side that measured nothing has no file")

	base, head, err := out.Files(fo, &HiveInfo{Version: "v1", Commit: "base0"}, &HiveInfo{Version: "v2", Commit: "head0"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "base0", base.Env.Commit, "each side carries its binary's build")
	assert.Equal(t, "head0", head.Env.Commit)
	assert.Empty(t, out.Missing(sel.Names(), base, head), "every metric asked for was compared")
	assert.True(t, base.Complete)
	missing := out.Missing(append(sel.Names(), "startup.absent"), base, head, nil)
	require.Len(t, missing, 1)
	assert.Equal(t, "startup.absent", missing[0].Name)
	for _, f := range []*results.File{base, head} {
		assert.False(t, f.Complete)
		assert.Contains(t, f.IncompleteReason, "not measured: startup.absent")
	}
}

func TestGateNotes(t *testing.T) {
	cases := []struct {
		name string
		out  GateOutcome
		want []string
	}{
		{"ended on its own", GateOutcome{Looks: 3, Pairs: map[string]int{"startup": 40, "database": 10}, Elapsed: 91500 * time.Millisecond},
			[]string{"gate: 3 looks, round pairs per family: database 10, startup 40; 1m32s in all"}},
		{"stopped early", GateOutcome{Looks: 1, Pairs: map[string]int{"memory": 10}, Elapsed: time.Second, Stopped: "time budget 1s spent"},
			[]string{"gate: 1 looks, round pairs per family: memory 10; 1s in all", "gate: sampling stopped early: time budget 1s spent"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.out.Notes())
		})
	}
}

func TestGateRound(t *testing.T) {
	s, err := Lookup("ci")
	require.NoError(t, err)
	s = s.ForGate()
	s.Probe.Workload = "/src/net"
	assert.Equal(t, "rounds as in suite ci: 3 samples per round, 1 warm-up rounds per session, workload /src/net", s.GateRound())
	assert.Equal(t, "rounds as in suite x: 10 samples per round, 0 warm-up rounds per session, workload none", Suite{Name: "x"}.GateRound())
}

func TestSelectionNames(t *testing.T) {
	p := &fakeProbe{family: "startup"}
	sel, err := Select([]probe.Probe{p}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"startup.each", "startup.pooled"}, sel.Names())
	sel, err = Select([]probe.Probe{p}, "startup.pooled")
	require.NoError(t, err)
	assert.Equal(t, []string{"startup.pooled"}, sel.Names())
}

// RunAA reports each A/A gate as it ends, then what they add up to.
func TestRunAA(t *testing.T) {
	p := &fakeProbe{family: "startup", perRnd: 10, cv: 0.03}
	sel, _ := Select([]probe.Probe{p}, "startup.each")
	cfg := GateConfig{Selection: sel, Thresholds: DefaultThresholds(), Base: probe.Target{Name: "A"}, Head: probe.Target{Name: "A'"},
		Sequential: compare.Sequential{Initial: 10, Max: 40}}
	var b bytes.Buffer
	require.NoError(t, RunAA(context.Background(), cfg, 2, 0, &b))
	runs, sum, ok := strings.Cut(b.String(), "\n\n")
	require.True(t, ok, "a blank line before the summary: %q", b.String())
	lines := strings.Split(runs, "\n")
	require.Len(t, lines, 2)
	for i, l := range lines {
		assert.True(t, strings.HasPrefix(l, []string{"A/A run 1/2: pass in ", "A/A run 2/2: pass in "}[i]), l)
		assert.Contains(t, l, "startup.each same (")
	}
	assert.True(t, strings.HasPrefix(sum, "A/A gates: 2, failed (false alarms): 0 (0%)\n"), sum)
	assert.Contains(t, sum, "cap n in 10m0s", "no budget is 10 minutes")
	assert.Regexp(t, `startup\.each\s+5%\s+0\s+0\s+2\s+0\s+`, sum)
	assert.True(t, strings.HasSuffix(sum, "detection is simulated (compare.SimulateSequential, 200 trials, log-normal noise) at the noise measured here, for one metric alone, with the samples the budget affords at the measured round times\n"), sum)

	p.failOn = "A'"
	b.Reset()
	require.Error(t, RunAA(context.Background(), cfg, 2, 0, &b), "a gate that fails ends the A/A runs")
	assert.Empty(t, b.String(), "no summary of gates that did not run")
}

func TestLookupBaseline(t *testing.T) {
	quick, unknown, empty := "quick", "nightly", ""
	cases := []struct {
		name     string
		recorded string
		override *string
		want     string
		wantErr  string
	}{
		{"the baseline's suite", "ci", nil, "ci", ""},
		{"--suite wins", "ci", &quick, "quick", ""},
		{"a suite this hivebench does not know", "nightly", nil, "", `recorded with suite "nightly", which this hivebench does not know; pass --suite`},
		{"--suite unknown", "ci", &unknown, "", "pass --suite with one of test, quick, ci, full"},
		{"--suite given empty", "ci", &empty, "", "which this hivebench does not know"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := &results.File{Suite: c.recorded}
			got, err := LookupBaseline(base, c.override)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}
