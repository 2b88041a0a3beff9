package load

import (
	"fmt"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Plan is a load run as `hivebench load` states it, before anything is
// checked: which scenario, the changes to it, the soak, the segment and
// the target. A nil pointer is a flag not given. Its methods turn it into
// a scenario, the run's options, the segment and the target, refusing
// every combination that makes no run with a usage error (exit 2) that
// names the flag to change.
type Plan struct {
	// Scenario names a built-in scenario, ScenarioFile a YAML file; with
	// neither, the scenario is AdHocScenario's, from the flags given.
	Scenario, ScenarioFile string
	// Overrides are the scenario flags given, but for Rate, Mix and the
	// soak's duration, which Build parses and sets.
	Overrides Overrides
	// Rate (ParseRate) and Mix (ParseMix) as given.
	Rate, Mix *string
	// Mock is the --mock-* latency, defaults included: an ad-hoc run
	// against a server the harness starts takes it whole, any other only
	// the Overrides' Mock fields given.
	Mock MockLatency
	// Soak replaces the duration and judges memory growth (NewSoakConfig,
	// with SoakWarmup and the bounds); SampleEvery is the memory sampling
	// interval.
	Soak, SoakWarmup, SampleEvery *time.Duration
	LeakBound, GoroutineBound     string
	// Target are the URLs of a running server (ParseTargets); "" starts
	// one (StartLocal).
	Target string
	// Segment is "I/N" (results.ParsePart), "" for the whole scenario; a
	// segment needs Out, the results file hivebench merge reads.
	Segment, Out string
}

// soak is the soak's duration, 0 when none was given.
func (p Plan) soak() time.Duration {
	if p.Soak == nil {
		return 0
	}
	return *p.Soak
}

// Build makes the scenario (built-in, file, or flags alone), applies the
// overrides, validates it, and makes the run's options (soak, sampling).
func (p Plan) Build() (Scenario, Options, error) {
	var sc Scenario
	var err error
	o := p.Overrides
	adHoc := false // the mock of an ad-hoc run is what the --mock-* flags say, defaults included
	switch {
	case p.Scenario != "" && p.ScenarioFile != "":
		return sc, Options{}, exitcode.UsageError("hivebench load: --scenario and --scenario-file are exclusive; give one")
	case p.Scenario != "":
		sc, err = Builtin(p.Scenario)
	case p.ScenarioFile != "":
		sc, err = LoadScenarioFile(p.ScenarioFile)
	default:
		if sc, err = AdHocScenario(p.Rate != nil, o.Users != nil, o.MaxInFlight != nil); err != nil {
			err = fmt.Errorf("hivebench load: %w", err)
		}
		adHoc = true
	}
	if err != nil {
		return sc, Options{}, err
	}
	if p.Soak != nil && o.Duration != nil {
		return sc, Options{}, exitcode.UsageError("hivebench load: --soak sets the duration; drop --duration")
	}
	if o, err = p.overrides(adHoc && p.Target == ""); err != nil {
		return sc, Options{}, err
	}
	sc.Apply(o)
	if err := sc.Validate(); err != nil {
		return sc, Options{}, exitcode.UsageError("hivebench load: scenario %s: %v", sc.Name, err)
	}
	opts, err := p.options(&sc)
	return sc, opts, err
}

// overrides completes p.Overrides: the soak's duration, the rate and the
// mix; allMock takes the whole of p.Mock.
func (p Plan) overrides(allMock bool) (Overrides, error) {
	o := p.Overrides
	if allMock {
		o.MockTTFT, o.MockITL, o.MockTokens = &p.Mock.TTFT, &p.Mock.ITL, &p.Mock.Tokens
	}
	if p.Soak != nil {
		o.Duration = p.Soak
	}
	if p.Rate != nil {
		r, err := ParseRate(*p.Rate)
		if err != nil {
			return o, exitcode.UsageError("hivebench load: --rate: %v", err)
		}
		o.Rate = &r
	}
	if p.Mix != nil {
		m, err := ParseMix(*p.Mix)
		if err != nil {
			return o, fmt.Errorf("hivebench load: %w", err)
		}
		o.Mix = m
	}
	return o, nil
}

// options are the run's soak and sampling; a soak renames sc.
func (p Plan) options(sc *Scenario) (Options, error) {
	var opts Options
	if p.SampleEvery != nil {
		opts.SampleEvery = *p.SampleEvery
	}
	if p.soak() > 0 {
		sc.Name += "-soak"
		warmup := time.Duration(-1) // NewSoakConfig's "default"
		if p.SoakWarmup != nil {
			if *p.SoakWarmup < 0 {
				return opts, exitcode.UsageError("hivebench load: --soak-warmup %v; want 0 or a positive duration such as 5m", *p.SoakWarmup)
			}
			warmup = *p.SoakWarmup
		}
		var err error
		if opts.Soak, err = NewSoakConfig(p.soak(), warmup, p.LeakBound, p.GoroutineBound); err != nil {
			return opts, fmt.Errorf("hivebench load: %w", err)
		}
		if opts.SampleEvery == 0 {
			opts.SampleEvery = 5 * time.Second
		}
	} else if p.Soak != nil {
		return opts, exitcode.UsageError("hivebench load: --soak %v; want a positive duration such as 30m", *p.Soak)
	}
	if p.SampleEvery != nil && *p.SampleEvery <= 0 {
		return opts, exitcode.UsageError("hivebench load: --sample-every %v; want a positive duration such as 5s", *p.SampleEvery)
	}
	return opts, nil
}

// SegmentOf is p.Segment, checked against the scenario: nil for the whole
// of it.
func (p Plan) SegmentOf(sc Scenario) (*results.Part, error) {
	if p.Segment == "" {
		return nil, nil
	}
	part, err := results.ParsePart("--segment", p.Segment)
	if err != nil {
		return nil, exitcode.UsageError("hivebench load: %v", err)
	}
	if p.soak() > 0 {
		return nil, exitcode.UsageError("hivebench load: --soak judges one server's memory over the whole run; it does not split into --segment")
	}
	if p.Out == "" {
		return nil, exitcode.UsageError("hivebench load: --segment needs --out: a segment's samples are only useful to hivebench merge")
	}
	if err := sc.CheckSegment(part); err != nil {
		return nil, exitcode.UsageError("hivebench load: --segment %s: scenario %s: %v", part, sc.Name, err)
	}
	return &part, nil
}

// Remote is p.Target, a running server loaded as it is: no latency is
// declared there, and a soak judges one server. The caller sets the
// Target's Token.
func (p Plan) Remote(sc Scenario) (Target, error) {
	if sc.UsesDeclared() {
		return Target{}, exitcode.UsageError("hivebench load: a threshold uses \"declared\", but with --target the harness starts no mock, so no latency is declared; give the bound as a duration")
	}
	t, err := ParseTargets(p.Target)
	if err != nil {
		return Target{}, err
	}
	if len(t.Replicas) > 0 && p.soak() > 0 {
		return Target{}, exitcode.UsageError("hivebench load: --soak judges one server's memory over time; give one --target URL")
	}
	return t, nil
}
