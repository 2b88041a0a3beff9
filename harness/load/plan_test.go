package load

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// TestPlanRefuses: every combination that makes no run is a usage error
// naming the flag to change.
func TestPlanRefuses(t *testing.T) {
	users := Overrides{Users: ptr(4)}
	for _, tc := range []struct {
		name string
		plan Plan
		want string
	}{
		{"both scenarios", Plan{Scenario: "seed-100-users", ScenarioFile: "x.yaml"}, "--scenario and --scenario-file are exclusive"},
		{"no load", Plan{}, "hivebench load: say what load to offer"},
		{"soak and duration", Plan{Overrides: Overrides{Users: ptr(4), Duration: ptr(time.Minute)}, Soak: ptr(time.Hour)}, "--soak sets the duration; drop --duration"},
		{"bad rate", Plan{Rate: ptr("fast")}, "hivebench load: --rate:"},
		{"bad mix", Plan{Overrides: users, Mix: ptr("consensus")}, "hivebench load: --mix"},
		{"negative warmup", Plan{Overrides: users, Soak: ptr(time.Hour), SoakWarmup: ptr(-time.Second)}, "--soak-warmup -1s"},
		{"zero sampling", Plan{Overrides: users, SampleEvery: ptr(time.Duration(0))}, "--sample-every 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := tc.plan.Build()
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestPlanBuild: an ad-hoc run against a local server takes the whole
// mock latency, a soak renames the scenario and samples every 5 s, and a
// segment is checked against the scenario.
func TestPlanBuild(t *testing.T) {
	mock := MockLatency{TTFT: 7 * time.Millisecond, ITL: time.Millisecond, Tokens: 3}
	p := Plan{Overrides: Overrides{Users: ptr(4)}, Mock: mock, Soak: ptr(time.Hour), LeakBound: "1MB/min", GoroutineBound: "1/min"}
	sc, opts, err := p.Build()
	require.NoError(t, err)
	assert.Equal(t, mock, sc.Mock)
	assert.Equal(t, "adhoc-soak", sc.Name)
	assert.Equal(t, time.Hour, sc.Duration)
	require.NotNil(t, opts.Soak)
	assert.Equal(t, 5*time.Second, opts.SampleEvery)

	p.Target = "http://127.0.0.1:1"
	sc, _, err = p.Build()
	require.NoError(t, err)
	assert.NotEqual(t, mock, sc.Mock, "against a target only the mock flags given apply")

	_, err = Plan{Segment: "1/2"}.SegmentOf(sc)
	assert.ErrorContains(t, err, "--segment needs --out")
	part, err := Plan{Segment: "1/2", Out: "x.json"}.SegmentOf(sc)
	require.NoError(t, err)
	assert.Equal(t, 1, part.Index)
	_, err = Plan{Segment: "1/5", Out: "x.json"}.SegmentOf(sc)
	assert.ErrorContains(t, err, "fewer than the 5 segments")
}
