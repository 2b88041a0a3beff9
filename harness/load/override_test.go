package load

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func ptr[T any](v T) *T { return &v }

func TestApply(t *testing.T) {
	closed := func() Scenario {
		sc := NewScenario()
		sc.Name, sc.Model, sc.Users, sc.Duration = "c", Closed, 10, time.Minute
		sc.Think, sc.ThinkJitter = time.Second, 200*time.Millisecond
		sc.Mix = map[string]float64{"consensus": 1}
		sc.Mock = MockLatency{TTFT: 50 * time.Millisecond, ITL: 5 * time.Millisecond, Tokens: 20}
		sc.Thresholds = []string{"rate(errors)<0.01"}
		return sc
	}
	cases := []struct {
		name  string
		o     Overrides
		check func(t *testing.T, sc Scenario)
	}{
		{"nothing given keeps everything", Overrides{}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, closed(), sc)
		}},
		{"a rate makes it open and drops the think time", Overrides{Rate: ptr(Rate(5))}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, Open, sc.Model)
			assert.Equal(t, Rate(5), sc.Rate)
			assert.Zero(t, sc.Think)
			assert.Zero(t, sc.ThinkJitter)
		}},
		{"a rate with think keeps the think given", Overrides{Rate: ptr(Rate(5)), Think: ptr(2 * time.Second)}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, Open, sc.Model)
			assert.Equal(t, 2*time.Second, sc.Think)
			assert.Equal(t, time.Second, sc.ThinkJitter, "think sets its jitter to half")
		}},
		{"think jitter given wins over think's", Overrides{Think: ptr(2 * time.Second), ThinkJitter: ptr(100 * time.Millisecond)}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, 100*time.Millisecond, sc.ThinkJitter)
		}},
		{"users of an open run set its in-flight cap", Overrides{Rate: ptr(Rate(5)), Users: ptr(7)}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, 7, sc.Users)
			assert.Equal(t, 7, sc.MaxInFlight)
		}},
		{"an in-flight cap given wins", Overrides{Rate: ptr(Rate(5)), Users: ptr(7), MaxInFlight: ptr(3)}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, 3, sc.MaxInFlight)
		}},
		{"users of a closed run leave the cap alone", Overrides{Users: ptr(7)}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, 7, sc.Users)
			assert.Zero(t, sc.MaxInFlight)
		}},
		{"scalars", Overrides{Duration: ptr(time.Second), Timeout: ptr(3 * time.Second), MaxRequests: ptr(int64(9)), Profile: ptr("direct"), Seed: ptr(uint64(4))},
			func(t *testing.T, sc Scenario) {
				assert.Equal(t, time.Second, sc.Duration)
				assert.Equal(t, 3*time.Second, sc.Timeout)
				assert.Equal(t, int64(9), sc.MaxRequests)
				assert.Equal(t, "direct", sc.Profile)
				assert.Equal(t, uint64(4), sc.Seed)
			}},
		{"mock fields one by one", Overrides{MockITL: ptr(time.Duration(0))}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, MockLatency{TTFT: 50 * time.Millisecond, Tokens: 20}, sc.Mock)
		}},
		{"mix replaced, thresholds added", Overrides{Mix: map[string]float64{"cache_hit": 1}, Thresholds: []string{"p(99)<1s"}}, func(t *testing.T, sc Scenario) {
			assert.Equal(t, map[string]float64{"cache_hit": 1}, sc.Mix)
			assert.Equal(t, []string{"rate(errors)<0.01", "p(99)<1s"}, sc.Thresholds)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := closed()
			sc.Apply(c.o)
			c.check(t, sc)
		})
	}
}

func TestAdHocScenario(t *testing.T) {
	cases := []struct {
		name                     string
		rate, users, maxInFlight bool
		model                    Model
		wantUsers                int
		wantErr                  string
	}{
		{"rate alone: 100 users", true, false, false, Open, 100, ""},
		{"rate and users", true, true, false, Open, 0, ""},
		{"rate and in-flight cap", true, false, true, Open, 0, ""},
		{"users: closed", false, true, false, Closed, 0, ""},
		{"no load", false, false, false, "", 0, "say what load to offer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := AdHocScenario(c.rate, c.users, c.maxInFlight)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, exitcode.Usage, exitcode.Code(err))
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "adhoc", sc.Name)
			assert.Equal(t, c.model, sc.Model)
			assert.Equal(t, c.wantUsers, sc.Users)
			assert.Equal(t, 30*time.Second, sc.Duration)
			assert.Equal(t, map[string]float64{"consensus": 1}, sc.Mix)
		})
	}
}

func TestParseMix(t *testing.T) {
	cases := []struct {
		in      string
		want    map[string]float64
		wantErr string
	}{
		{"consensus=8,cache_hit=1", map[string]float64{"consensus": 8, "cache_hit": 1}, ""},
		{" consensus = 2 , , conversation_read=0.5 ", map[string]float64{"consensus": 2, "conversation_read": 0.5}, ""},
		{"consensus", nil, `--mix "consensus": "consensus" is not kind=weight`},
		{"analyze_small=1", nil, "--mix: "},
		{"consensus=x", nil, `--mix "consensus=x": weight "x" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseMix(c.in)
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

func TestUsesDeclared(t *testing.T) {
	cases := []struct {
		thresholds []string
		want       bool
	}{
		{nil, false},
		{[]string{"p(99)<300ms", "rate(errors)<0.01"}, false},
		{[]string{"rate(errors)<0.01", "p(99)<declared+5ms"}, true},
	}
	for _, c := range cases {
		sc := Scenario{Thresholds: c.thresholds}
		assert.Equal(t, c.want, sc.UsesDeclared(), "%v", c.thresholds)
	}
}
