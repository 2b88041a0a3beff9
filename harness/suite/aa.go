package suite

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hiveperf/hive/harness/compare"
)

// aaTrials is how many simulated gates AnalyzeAA runs per metric for the
// smallest change detected.
const aaTrials = 200

// RunAA runs n A/A gates with cfg, whose Base and Head are one binary: it
// writes a line per gate on w as it ends (pass or FALSE ALARM, how long it
// took and every metric's verdict), then what they add up to (WriteAA).
func RunAA(ctx context.Context, cfg GateConfig, n int, budget time.Duration, w io.Writer) error {
	var outs []*GateOutcome
	for i := 1; i <= n; i++ {
		out, err := Gate(ctx, cfg)
		if err != nil {
			return err
		}
		outs = append(outs, out)
		var verdicts []string
		for _, r := range out.Results {
			verdicts = append(verdicts, fmt.Sprintf("%s %s (%+.1f%%, n=%d)", r.Metric, r.Verdict, r.DeltaPct, min(r.Base.N, r.Head.N)))
		}
		pass := "pass"
		if !compare.Pass(out.Results) {
			pass = "FALSE ALARM"
		}
		fmt.Fprintf(w, "A/A run %d/%d: %s in %v: %s\n", i, n, pass, out.Elapsed.Round(time.Second), strings.Join(verdicts, "; "))
	}
	WriteAA(w, outs, cfg, budget)
	return nil
}

// WriteAA writes what the A/A gates outs of cfg say: how many failed (each
// a false alarm), then per metric (AnalyzeAA) the verdicts, the noise, the
// samples the budget affords (0: 10 minutes) and the smallest regression
// the gate would catch reliably within it.
func WriteAA(w io.Writer, outs []*GateOutcome, cfg GateConfig, budget time.Duration) {
	if budget == 0 {
		budget = 10 * time.Minute
	}
	aa := AnalyzeAA(outs, cfg, budget, aaTrials)
	fails := 0
	for _, o := range outs {
		if !compare.Pass(o.Results) {
			fails++
		}
	}
	fmt.Fprintf(w, "\nA/A gates: %d, failed (false alarms): %d (%.0f%%)\n", len(outs), fails, 100*float64(fails)/float64(len(outs)))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "metric\tthreshold\tregressed\timproved\tsame\tinconclusive\tnoise (robust CV)\tmean n\tcap n in %v\tdetects ≥%.0f%% of the time\n", budget, DetectRate*100)
	for _, a := range aa {
		detect := "none ≤ 100%"
		if !math.IsNaN(a.DetectPct) {
			detect = fmt.Sprintf("+%.0f%%", a.DetectPct)
		} else if a.Cap < cfg.Sequential.Initial {
			detect = "budget affords no look"
		}
		fmt.Fprintf(tw, "%s\t%g%%\t%d\t%d\t%d\t%d\t%.1f%%\t%.0f\t%d\t%s\n", a.Metric, cfg.Thresholds.For(a.Metric), a.Regressed, a.Improved, a.Same, a.Inconclusive, a.NoisePct, a.MeanSamples, a.Cap, detect)
	}
	tw.Flush()
	fmt.Fprintf(w, "detection is simulated (compare.SimulateSequential, %d trials, log-normal noise) at the noise measured here, for one metric alone, with the samples the budget affords at the measured round times\n", aaTrials)
}
