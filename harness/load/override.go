package load

import (
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Overrides are a command line's changes to a scenario (built-in, from a
// file, or NewScenario for one given by flags alone). A nil field keeps
// the scenario's value.
type Overrides struct {
	// Rate switches the scenario to the open model at this rate; a think
	// time the scenario had goes with it, unless Think is given too.
	Rate *Rate
	// Users is the closed model's virtual users, or the open model's
	// default MaxInFlight: with the open model and no MaxInFlight given,
	// it sets MaxInFlight too.
	Users       *int
	MaxInFlight *int
	Duration    *time.Duration
	// Think also sets ThinkJitter to Think/2; ThinkJitter, given too, wins.
	Think       *time.Duration
	ThinkJitter *time.Duration
	Timeout     *time.Duration
	MaxRequests *int64
	Profile     *string
	Seed        *uint64
	// MockTTFT, MockITL and MockTokens replace the mock's latency model
	// field by field.
	MockTTFT   *time.Duration
	MockITL    *time.Duration
	MockTokens *int
	// Mix replaces the request mix (ParseMix); nil keeps it.
	Mix map[string]float64
	// Thresholds are added to the scenario's.
	Thresholds []string
}

// AdHocScenario is the scenario of a run given by flags alone: 30 s of
// consensus requests, open when a rate is given (with 100 users unless
// users or max in flight are given), else closed when users are. With
// neither it is a usage error naming the flags that give a load.
func AdHocScenario(rate, users, maxInFlight bool) (Scenario, error) {
	sc := NewScenario()
	sc.Name = "adhoc"
	sc.Duration = 30 * time.Second
	sc.Mix = map[string]float64{string(KindConsensus): 1}
	switch {
	case rate:
		sc.Model = Open
		if !users && !maxInFlight {
			sc.Users = 100
		}
	case users:
		sc.Model = Closed
	default:
		return sc, exitcode.UsageError("say what load to offer: --scenario NAME (see --list), --scenario-file FILE, --users N (closed model) or --rate R/min (open model)")
	}
	return sc, nil
}

// Apply changes sc as o says. It does not validate: call Validate after.
func (sc *Scenario) Apply(o Overrides) {
	if o.Rate != nil {
		sc.Model, sc.Rate = Open, *o.Rate
		if sc.Think != 0 && o.Think == nil {
			sc.Think, sc.ThinkJitter = 0, 0
		}
	}
	set(&sc.Users, o.Users)
	set(&sc.MaxInFlight, o.MaxInFlight)
	set(&sc.Duration, o.Duration)
	if o.Think != nil {
		sc.Think, sc.ThinkJitter = *o.Think, *o.Think/2
	}
	set(&sc.ThinkJitter, o.ThinkJitter)
	set(&sc.Timeout, o.Timeout)
	set(&sc.MaxRequests, o.MaxRequests)
	set(&sc.Profile, o.Profile)
	set(&sc.Seed, o.Seed)
	set(&sc.Mock.TTFT, o.MockTTFT)
	set(&sc.Mock.ITL, o.MockITL)
	set(&sc.Mock.Tokens, o.MockTokens)
	if o.Mix != nil {
		sc.Mix = o.Mix
	}
	if sc.Model == Open && o.Users != nil && o.MaxInFlight == nil {
		sc.MaxInFlight = *o.Users
	}
	sc.Thresholds = append(sc.Thresholds, o.Thresholds...)
}

func set[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}

// UsesDeclared reports whether a threshold is stated against the declared
// latency ("p(99)<declared+5ms"), which only a run whose harness started
// the mock has.
func (sc *Scenario) UsesDeclared() bool {
	for _, e := range sc.Thresholds {
		if t, _ := ParseThreshold(e); t.Declared {
			return true
		}
	}
	return false
}

// ParseMix parses the command line's request mix, "consensus=8,cache_hit=1"
// (kinds: ParseKind), into Scenario.Mix. Errors are usage errors naming
// --mix.
func ParseMix(s string) (map[string]float64, error) {
	m := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, exitcode.UsageError("--mix %q: %q is not kind=weight", s, part)
		}
		if _, err := ParseKind(strings.TrimSpace(k)); err != nil {
			return nil, exitcode.UsageError("--mix: %v", err)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, exitcode.UsageError("--mix %q: weight %q is not a number", s, v)
		}
		m[strings.TrimSpace(k)] = w
	}
	return m, nil
}
