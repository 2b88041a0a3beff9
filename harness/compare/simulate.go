package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// The simulator answers "how often does the gate say regressed?" for noise
// shaped like real benchmark noise: log-normal (positive, right-skewed),
// with a given coefficient of variation. The figures the README quotes come
// from here, and the tests hold the decision rule to them.

// trialRand is the RNG of one trial: seeded by the caller's seed and the
// trial's index, so a trial draws the same data whichever worker runs it
// and in whatever order.
func trialRand(seed int64, trial int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x51a7e5eed^uint64(trial)<<20))
}

// forTrials runs trial(i) for i in [0, trials) on GOMAXPROCS goroutines and
// returns the results indexed by i. Trials are independent and seeded by
// index, so the result does not depend on scheduling.
func forTrials[T any](trials int, trial func(i int) T) []T {
	out := make([]T, trials)
	workers := min(runtime.GOMAXPROCS(0), trials)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < trials; i += workers {
				out[i] = trial(i)
			}
		})
	}
	wg.Wait()
	return out
}

// lognormalSampler draws log-normal samples with median 1 and coefficient of
// variation cv (σ² = ln(1+cv²) on the log scale), scaled by factor.
type lognormalSampler struct {
	r     *rand.Rand
	sigma float64
}

func newLognormal(r *rand.Rand, cv float64) lognormalSampler {
	return lognormalSampler{r: r, sigma: math.Sqrt(math.Log1p(cv * cv))}
}

func (l lognormalSampler) appendN(dst []float64, n int, factor float64) []float64 {
	for range n {
		dst = append(dst, factor*math.Exp(l.sigma*l.r.NormFloat64()))
	}
	return dst
}

// headFactor turns "shift worse" into a multiplier for p's direction: 1+shift
// when lower is better, 1/(1+shift) when higher is better (the same distance
// on the log scale, so both directions are equally hard to detect).
func headFactor(shift float64, d Direction) float64 {
	if d == HigherIsBetter {
		return 1 / (1 + shift)
	}
	return 1 + shift
}

// Simulate runs trials comparisons of n base against n head samples drawn
// log-normally at coefficient of variation cv, the head worse than the base
// by shift (0.10: 10% worse in p's direction; 0: identical distributions),
// and returns the fraction judged Regressed. With shift 0 that is the
// false-alarm rate; with a real shift, the detection rate. seed drives the
// simulated data; the bootstrap uses p.Seed as the gate would. Deterministic
// for a seed. p should pass Policy.Validate: under an invalid policy every
// comparison is inconclusive and the rate is 0.
func Simulate(cv, shift float64, n, trials int, seed int64, p Policy) (alarmRate float64) {
	if trials < 1 {
		return 0
	}
	f := headFactor(shift, p.Direction)
	verdicts := forTrials(trials, func(i int) Verdict {
		ln := newLognormal(trialRand(seed, i), cv)
		base := ln.appendN(make([]float64, 0, n), n, 1)
		head := ln.appendN(make([]float64, 0, n), n, f)
		return compareAll([]Input{{Metric: "sim", Base: base, Head: head, Policy: p}}, false)[0].Verdict
	})
	alarms := 0
	for _, v := range verdicts {
		if v == Regressed {
			alarms++
		}
	}
	return float64(alarms) / float64(trials)
}

// SimResult is the outcome of simulating the whole sequential procedure.
type SimResult struct {
	Regressed, Improved, Same, Inconclusive float64 // fractions of trials
	MeanSamples                             float64 // mean final samples per side
}

// SimulateSequential is Simulate for the sequential procedure: each trial
// starts at s.Initial samples per side and doubles while inconclusive, up to
// s.Max, exactly as Sequential.Run does in the gate, including its split of
// p.Alpha over the looks. MeanSamples is the cost: samples per side taken.
func SimulateSequential(cv, shift float64, s Sequential, trials int, seed int64, p Policy) SimResult {
	var out SimResult
	if trials < 1 {
		return out
	}
	s = s.withDefaults()
	f := headFactor(shift, p.Direction)
	type outcome struct {
		verdict Verdict
		n       int
	}
	outcomes := forTrials(trials, func(i int) outcome {
		ln := newLognormal(trialRand(seed, i), cv)
		base := make([]float64, 0, s.Max)
		head := make([]float64, 0, s.Max)
		measure := func(_ context.Context, more int, _ []string) ([]Input, error) {
			base = ln.appendN(base, more, 1)
			head = ln.appendN(head, more, f)
			return []Input{{Metric: "sim", Base: base, Head: head, Policy: p}}, nil
		}
		results, err := s.run(context.Background(), measure, false)
		if err != nil {
			// Only an invalid policy gets here: no verdict is possible.
			return outcome{Inconclusive, len(base)}
		}
		return outcome{results[0].Verdict, len(base)}
	})
	var samples int
	for _, o := range outcomes {
		samples += o.n
		switch o.verdict {
		case Regressed:
			out.Regressed++
		case Improved:
			out.Improved++
		case Same:
			out.Same++
		default:
			out.Inconclusive++
		}
	}
	t := float64(trials)
	out.Regressed /= t
	out.Improved /= t
	out.Same /= t
	out.Inconclusive /= t
	out.MeanSamples = float64(samples) / t
	return out
}
