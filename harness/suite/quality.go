package suite

import (
	"math"
	"time"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/stats"
)

// AAMetric is what repeated A/A gates (the same binary on both sides) say
// about one metric: how often the gate cried wolf, how noisy the metric was,
// and the smallest regression the gate would catch reliably at that noise
// within a time budget.
type AAMetric struct {
	Metric string
	Runs   int
	// Regressed counts false alarms: A/A gates that would have failed CI
	// on this metric. Improved counts the mirror-image error, which does not
	// fail CI but is just as wrong.
	Regressed, Improved, Same, Inconclusive int
	// NoisePct is the median over runs of the robust CV (1.4826·MAD/median)
	// of the gate samples, in percent.
	NoisePct float64
	// MeanSamples is the mean of the final gate samples per side.
	MeanSamples float64
	// Cap is the most gate samples (round pairs) per side the budget
	// affords, from the measured time of a round pair of every selected
	// family.
	Cap int
	// DetectPct is the smallest worsening, in percent, that the sequential
	// gate detects in at least 95% of simulated trials at NoisePct with at
	// most Cap samples per side; NaN when none up to 100% is, or when the
	// budget does not afford one look.
	DetectPct float64
}

// DetectRate is the detection probability DetectPct is defined by.
const DetectRate = 0.95

// AnalyzeAA summarizes A/A gate outcomes per metric. budget is the wall
// time of the gate whose reach is estimated (e.g. 10 minutes). Detection is simulated with compare.SimulateSequential at
// the measured noise, which assumes log-normal noise and one metric (Holm
// across several metrics makes the real gate slightly more conservative).
func AnalyzeAA(outcomes []*GateOutcome, cfg GateConfig, budget time.Duration, trials int) []AAMetric {
	if len(outcomes) == 0 {
		return nil
	}
	seq := cfg.Sequential
	initial, maxN := seq.Initial, seq.Max
	if initial < 1 {
		initial = compare.DefaultInitial
	}
	if maxN < initial {
		maxN = max(compare.DefaultMax, initial)
	}
	// Time of one round pair of every family, averaged over runs.
	famTime := map[string]time.Duration{}
	famRuns := map[string]int{}
	for _, o := range outcomes {
		for f, d := range o.PairTime {
			famTime[f] += d
			famRuns[f]++
		}
	}
	var pairAll time.Duration
	for f, d := range famTime {
		pairAll += d / time.Duration(famRuns[f])
	}
	pairs := 0.0
	if pairAll > 0 {
		pairs = float64(budget) / float64(pairAll)
	}

	var out []AAMetric
	for _, m := range cfg.Selection.All() {
		a := AAMetric{Metric: m.Name, DetectPct: math.NaN()}
		var noise []float64
		var samples float64
		for _, o := range outcomes {
			for _, r := range o.Results {
				if r.Metric != m.Name {
					continue
				}
				a.Runs++
				switch r.Verdict {
				case compare.Regressed:
					a.Regressed++
				case compare.Improved:
					a.Improved++
				case compare.Same:
					a.Same++
				default:
					a.Inconclusive++
				}
				noise = append(noise, (robustCV(r.Base.P50, r.Base.MAD)+robustCV(r.Head.P50, r.Head.MAD))/2)
				samples += float64(min(r.Base.N, r.Head.N))
			}
		}
		if a.Runs == 0 {
			out = append(out, a)
			continue
		}
		a.MeanSamples = samples / float64(a.Runs)
		a.NoisePct = stats.Median(noise) * 100
		a.Cap = min(maxN, int(pairs))
		if a.Cap >= initial && a.NoisePct > 0 {
			// The sequential procedure only looks at Initial·2^k samples.
			capN := initial
			for capN*2 <= a.Cap {
				capN *= 2
			}
			a.DetectPct = smallestDetected(a.NoisePct/100, compare.Sequential{Initial: initial, Max: capN},
				cfg.Thresholds.Policy(m.Name, m.Direction), trials)
		}
		out = append(out, a)
	}
	return out
}

// smallestDetected bisects, in whole percent, for the smallest worsening the
// sequential procedure detects at DetectRate (detection grows with the
// shift, so bisection is sound up to simulation noise).
func smallestDetected(cv float64, seq compare.Sequential, p compare.Policy, trials int) float64 {
	detects := func(pct int) bool {
		r := compare.SimulateSequential(cv, float64(pct)/100, seq, trials, 1, p)
		return r.Regressed >= DetectRate
	}
	lo, hi := int(math.Floor(p.Threshold)), 100
	if !detects(hi) {
		return math.NaN()
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if detects(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return float64(hi)
}

func robustCV(p50, mad float64) float64 {
	if p50 <= 0 {
		return 0
	}
	return 1.4826 * mad / p50
}
