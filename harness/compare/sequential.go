package compare

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Defaults of Sequential. 10 samples per side decides a 10% change at 3% CV
// in one look; by 160 (four doublings) a 10% change at 10% CV is caught in
// every simulated trial and identical distributions at 10% CV are called
// same nine times in ten. See the package doc for the measured rates.
const (
	DefaultInitial = 10
	DefaultMax     = 160
)

// Sequential is Pinpoint-style adaptive sampling: measure Initial samples
// per side, compare, and while any metric is inconclusive double its
// samples, until every metric is decided or Max samples per side is reached.
// Metrics still inconclusive at the cap pass with a warning (see the package
// doc): the gate must not cry wolf, and "we could not tell" is not "worse".
// The zero value uses DefaultInitial and DefaultMax.
type Sequential struct {
	Initial int // samples per side in the first round
	Max     int // cap on samples per side; below Initial (or unset) it becomes the larger of DefaultMax and Initial
}

// Looks is how many comparisons the procedure makes at most: the first, and
// one per doubling until Max.
func (s Sequential) Looks() int {
	s = s.withDefaults()
	looks := 1
	for n := s.Initial; n < s.Max; n *= 2 {
		looks++
	}
	return looks
}

// spend divides each policy's alpha evenly over the looks (Bonferroni over
// time). Every look is a fresh chance for noise to pass the test, so without
// this the procedure's false-alarm rate grows with each doubling (measured:
// alpha 0.01 per look gave 1.1% over five looks at 10% CV; see the tests).
func (s Sequential) spend(inputs []Input) []Input {
	looks := float64(s.Looks())
	out := make([]Input, len(inputs))
	for i, in := range inputs {
		in.Policy = in.Policy.withDefaults()
		in.Policy.Alpha /= looks
		out[i] = in
	}
	return out
}

func (s Sequential) withDefaults() Sequential {
	if s.Initial < 1 {
		s.Initial = DefaultInitial
	}
	if s.Max < s.Initial {
		s.Max = max(DefaultMax, s.Initial)
	}
	return s
}

// samplesPerSide is the fewer of a result's base and head counts.
func samplesPerSide(r Result) int { return min(r.Base.N, r.Head.N) }

// Next says whether sampling is done and, if not, how many more samples per
// side to take for the inconclusive metrics: as many as the least-sampled of
// them already has (doubling it), but never past Max. Done is true when no
// metric is inconclusive or the least-sampled inconclusive metric has
// reached Max.
func (s Sequential) Next(results []Result) (done bool, more int) {
	s = s.withDefaults()
	n := -1
	for _, r := range results {
		if r.Verdict != Inconclusive {
			continue
		}
		if k := samplesPerSide(r); n < 0 || k < n {
			n = k
		}
	}
	if n < 0 || n >= s.Max {
		return true, 0
	}
	if n == 0 {
		return false, s.Initial
	}
	return false, min(n, s.Max-n)
}

// MeasureFunc takes more samples per side for each metric named in
// undecided (every metric, on the first call, where undecided is nil) and
// returns every metric's inputs with all its samples so far. A metric not in
// undecided keeps the samples it has.
type MeasureFunc func(ctx context.Context, more int, undecided []string) ([]Input, error)

// Run drives the sequential loop with measure and returns the final
// comparison. A result still inconclusive when sampling stops at the cap
// gets a warning saying it counts as a pass. Errors from measure are
// returned as they are; an invalid policy is a usage error and a non-finite
// sample an infrastructure error (a probe that returns NaN is broken), with
// exit codes from internal/exitcode.
func (s Sequential) Run(ctx context.Context, measure MeasureFunc) ([]Result, error) {
	return s.run(ctx, measure, true)
}

// run is Run; summaryCI false is for the simulator (see compareAll).
func (s Sequential) run(ctx context.Context, measure MeasureFunc, summaryCI bool) ([]Result, error) {
	s = s.withDefaults()
	var undecided []string
	had := map[string]int{} // samples per side of each undecided metric before this round
	more := s.Initial
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		inputs, err := measure(ctx, more, undecided)
		if err != nil {
			return nil, err
		}
		if err := validateInputs(inputs); err != nil {
			return nil, err
		}
		results := compareAll(s.spend(inputs), summaryCI)
		for _, r := range results {
			// Without this check a measure that ignores undecided would
			// make the loop ask for the same samples forever.
			if n, ok := had[r.Metric]; ok && samplesPerSide(r) <= n {
				return nil, exitcode.InfraError("sequential sampling: metric %q still has %d samples per side after asking for %d more",
					r.Metric, samplesPerSide(r), more)
			}
		}
		var done bool
		done, more = s.Next(results)
		if done {
			for i := range results {
				if results[i].Verdict == Inconclusive {
					results[i].Warnings = append(results[i].Warnings, fmt.Sprintf(
						"still inconclusive after %d samples per side (the cap is %d): counted as a pass",
						samplesPerSide(results[i]), s.Max))
				}
			}
			return results, nil
		}
		undecided = undecided[:0]
		clear(had)
		for _, r := range results {
			// A metric ahead of the least-sampled one (it was decided, then
			// undecided by a later Holm adjustment) waits rather than
			// overshoot the cap.
			if r.Verdict == Inconclusive && samplesPerSide(r)+more <= s.Max {
				undecided = append(undecided, r.Metric)
				had[r.Metric] = samplesPerSide(r)
			}
		}
	}
}

func validateInputs(inputs []Input) error {
	var errs []error
	seen := map[string]bool{}
	for _, in := range inputs {
		if seen[in.Metric] {
			return exitcode.UsageError("metric %q appears twice in one comparison; metric names must be unique", in.Metric)
		}
		seen[in.Metric] = true
		if err := in.Policy.Validate(); err != nil {
			return exitcode.With(exitcode.Usage, fmt.Errorf("metric %q: %w", in.Metric, err))
		}
		if err := in.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return exitcode.With(exitcode.Infra, errors.Join(errs...))
	}
	return nil
}

// Pass reports whether a comparison passes the gate: no metric regressed.
// Improved, same and inconclusive all pass.
func Pass(results []Result) bool {
	return !slices.ContainsFunc(results, func(r Result) bool { return r.Verdict == Regressed })
}
