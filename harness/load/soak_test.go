package load

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestStudentTQuantile(t *testing.T) {
	// Reference values from standard t tables (two-sided 95% and 99%).
	cases := []struct{ p, df, want float64 }{
		{0.975, 1, 12.7062},
		{0.975, 2, 4.3027},
		{0.975, 5, 2.5706},
		{0.975, 10, 2.2281},
		{0.975, 30, 2.0423},
		{0.975, 1000, 1.9623},
		{0.995, 5, 4.0321},
		{0.995, 20, 2.8453},
		{0.95, 12, 1.7823},
		{0.5, 7, 0},
	}
	for _, c := range cases {
		assert.InDelta(t, c.want, StudentTQuantile(c.p, c.df), 1e-4, "t(%v, %v)", c.p, c.df)
		assert.InDelta(t, -c.want, StudentTQuantile(1-c.p, c.df), 1e-4, "symmetry")
	}
	assert.True(t, math.IsNaN(StudentTQuantile(1, 5)))
	assert.True(t, math.IsNaN(StudentTQuantile(0.9, 0)))
}

func TestFitSlopeExactLine(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4}
	y := []float64{10, 12, 14, 16, 18}
	f, err := FitSlope(x, y, 0.95)
	require.NoError(t, err)
	assert.InDelta(t, 2, f.Slope, 1e-12)
	assert.InDelta(t, 10, f.Intercept, 1e-12)
	assert.InDelta(t, 0, f.SE, 1e-12)
	assert.InDelta(t, 2, f.Lo, 1e-9)
	assert.InDelta(t, 2, f.Hi, 1e-9)

	// A textbook case: SE and the interval by hand.
	// x = 1..5, y = 2, 4, 5, 4, 5 → slope 0.6, intercept 2.2, SSR 2.4,
	// SE = sqrt(2.4/3/10) = 0.28284, t(0.975, 3) = 3.18245.
	f, err = FitSlope([]float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}, 0.95)
	require.NoError(t, err)
	assert.InDelta(t, 0.6, f.Slope, 1e-12)
	assert.InDelta(t, 2.2, f.Intercept, 1e-12)
	assert.InDelta(t, 0.282843, f.SE, 1e-6)
	assert.InDelta(t, 0.6-3.182446*0.282843, f.Lo, 1e-5)
	assert.InDelta(t, 0.6+3.182446*0.282843, f.Hi, 1e-5)

	for _, bad := range [][2][]float64{{{1, 2}, {1, 2}}, {{1, 1, 1}, {1, 2, 3}}, {{1, 2, 3}, {1, 2}}} {
		_, err := FitSlope(bad[0], bad[1], 0.95)
		assert.Error(t, err)
	}
}

// series makes a soak's samples: every 5 s for span, with RSS and heap
// growing by growth bytes per minute plus deterministic noise of ±noise.
func series(span time.Duration, growth, noise float64, goroutines func(i int) int64) []MemSample {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []MemSample
	for i := 0; time.Duration(i)*5*time.Second <= span; i++ {
		tt := float64(i) * 5
		n := func() int64 { return int64(50e6 + growth*tt/60 + (rng.Float64()*2-1)*noise) }
		out = append(out, MemSample{T: tt, RSS: n(), HeapAlloc: n() / 5, Goroutines: goroutines(i)})
	}
	return out
}

func TestAnalyzeSoakVerdicts(t *testing.T) {
	cfg := SoakConfig{Warmup: time.Minute, ByteBound: 1e6, GoroutineBound: 1}
	flatG := func(int) int64 { return 40 }
	cases := []struct {
		name    string
		samples []MemSample
		want    [3]string // rss, heap_alloc, goroutines
	}{
		{"flat with noise: no leak", series(20*time.Minute, 0, 2e6, flatG),
			[3]string{VerdictNoLeak, VerdictNoLeak, VerdictNoLeak}},
		{"growing 10MB/min: leak", series(20*time.Minute, 10e6, 2e6, func(i int) int64 { return 40 + int64(i) }),
			[3]string{VerdictLeak, VerdictLeak, VerdictLeak}},
		{"growth at the bound: inconclusive", series(20*time.Minute, 1e6, 2e6, flatG),
			[3]string{VerdictInconclusive, VerdictNoLeak, VerdictNoLeak}},
		{"two samples after warm-up: inconclusive", series(65*time.Second, 0, 1e5, flatG),
			[3]string{VerdictInconclusive, VerdictInconclusive, VerdictInconclusive}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := AnalyzeSoak(c.samples, cfg)
			require.Len(t, rep.Verdicts, 3)
			assert.Equal(t, DefaultSoakLevel, rep.Level)
			for i, v := range rep.Verdicts {
				assert.Equal(t, c.want[i], v.Verdict, "%s: slope %v CI [%v, %v] bound %v n=%d %s", v.Series, v.Slope, v.Lo, v.Hi, v.Bound, v.N, v.Note)
			}
			all := c.want == [3]string{VerdictNoLeak, VerdictNoLeak, VerdictNoLeak}
			assert.Equal(t, all, rep.Passed())
		})
	}
	// The warm-up is left out: five minutes of ramp from 10 to 50 MB (the
	// server filling its caches), then flat, is no leak; fitted from the
	// start, the ramp makes it one (slope 1.26 MB/min, CI [1.09, 1.43]).
	s := series(20*time.Minute, 0, 1e5, flatG)
	for i := range s {
		if s[i].T < 300 {
			s[i].RSS = int64(10e6 + s[i].T/300*40e6)
		} else {
			s[i].RSS = 50e6
		}
	}
	warm := AnalyzeSoak(s, SoakConfig{Warmup: 5 * time.Minute, ByteBound: 1e6, GoroutineBound: 1}).Verdicts[0]
	assert.Equal(t, VerdictNoLeak, warm.Verdict)
	assert.Equal(t, 181, warm.N, "samples at 300 s … 1200 s")
	cold := AnalyzeSoak(s, SoakConfig{ByteBound: 1e6, GoroutineBound: 1}).Verdicts[0]
	assert.Equal(t, VerdictLeak, cold.Verdict, "slope %v CI [%v, %v]", cold.Slope, cold.Lo, cold.Hi)
	assert.InDelta(t, 1.259e6, cold.Slope, 1e3)
}

func TestNewSoakConfig(t *testing.T) {
	cases := []struct {
		name         string
		soak, warmup time.Duration
		bytes, count string
		want         SoakConfig
		wantErr      string
	}{
		{"default warm-up is a fifth", 10 * time.Minute, -1, "1MB/min", "1/min",
			SoakConfig{Level: DefaultSoakLevel, Warmup: 2 * time.Minute, ByteBound: 1e6, GoroutineBound: 1}, ""},
		{"warm-up given, even none", time.Minute, 0, "2KiB/s", "60/h",
			SoakConfig{Level: DefaultSoakLevel, ByteBound: 2048 * 60, GoroutineBound: 1}, ""},
		{"warm-up eats the soak", time.Minute, time.Minute, "1MB/min", "1/min", SoakConfig{}, "--soak-warmup 1m0s leaves nothing of --soak 1m0s to fit"},
		{"bad byte bound", time.Minute, -1, "1MB", "1/min", SoakConfig{}, "--leak-bound: "},
		{"bad goroutine bound", time.Minute, -1, "1MB/min", "1", SoakConfig{}, "--goroutine-bound: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := NewSoakConfig(c.soak, c.warmup, c.bytes, c.count)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, *got)
		})
	}
}
