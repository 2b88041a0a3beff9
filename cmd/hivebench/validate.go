package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "validate",
		Summary: "check measured figures against a target tier: one line per target, exit 1 on a miss",
		Run:     runValidate,
	})
}

// validateUsage is a format: %% is a per cent sign.
const validateUsage = `Usage: hivebench validate [startup|memory|parsing|consensus|database|all] [flags]

Measures the family (or every family) with the suite's probes, or reads a
results file with --results, and checks the figures against a target tier:
one line per target with the measured figure and the bound. Exits 1 when a
target is missed or has no measurement, 0 when every one is met.

A percentile target is marked ? (✅? or ❌?) when its samples do not
settle it: the bound lies within the percentile's one-sided 95%% confidence
bounds, so a rerun may give the other verdict. With --strict such a pass
does not count as met (certifying a release); take more --rounds.

Flags:
`

func runValidate(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "validate")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), validateUsage)
		fs.PrintDefaults()
	}
	mf := addMeasureFlags(fs, "quick")
	tier := fs.String("tier", targets.DefaultTier, "target `tier`: "+tierNames())
	targetsFile := fs.String("targets", "", "extra targets YAML `file` (adds or replaces tiers)")
	resultsFile := fs.String("results", "", "check this results `file` instead of measuring")
	out := fs.String("out", "", "also write the measured results JSON to this `file`")
	strict := fs.Bool("strict", false, "count a pass only when the samples settle it (no ? mark): a marginal pass is not met")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return exitcode.UsageError("hivebench validate: want at most one family (startup, memory, parsing, consensus, database or all), got %q", strings.Join(pos, " "))
	}
	family := "all"
	if len(pos) == 1 {
		family = pos[0]
	}
	if *tier == "" {
		return exitcode.UsageError("hivebench validate: --tier is empty; name the tier to check (%s)", tierNames())
	}
	ts, err := targets.LoadTiers(*targetsFile, *tier)
	if err != nil {
		return err
	}
	probes, err := probe.All(probe.Config{})
	if err != nil {
		return err
	}
	sel, err := suite.SelectFamilies(probes, family)
	if err != nil {
		return err
	}
	// Before measuring anything: does the tier say anything about it?
	if len(ts.Check(&results.File{}, sel)) == 0 {
		return exitcode.UsageError("hivebench validate: tier %s has no target for %s; its targets concern %s", ts.Tier.Name, family, targetMetrics(*ts.Tier))
	}
	if *out != "" {
		if err := checkOutDir("--out", *out); err != nil {
			return err
		}
	}
	if *mf.metrics != "" {
		return exitcode.UsageError("hivebench validate: --metrics is not used here; name a family as the argument (or all)")
	}

	var f *results.File
	var runErr error
	if *resultsFile != "" {
		if f, err = results.Read(*resultsFile); err != nil {
			return err
		}
	} else {
		spec := family
		if spec == "all" {
			spec = ""
		}
		m, err := suite.Prepare(ctx, *mf.suite, suite.Options{Workload: *mf.workload, Rounds: *mf.rounds, Samples: *mf.samples}, spec, *mf.hiveBin)
		if err != nil {
			return err
		}
		if f, runErr = m.Measure(ctx, progressTo(env.Stderr, "hivebench run")); f == nil {
			return runErr
		}
		if *out != "" {
			if err := f.Write(*out); err != nil {
				return err
			}
		}
	}
	outcomes := ts.Check(f, sel)
	printOutcomes(env, ts.Tier.Name, outcomes)
	if runErr != nil {
		return runErr
	}
	pass, fail, missing := targets.Tally(outcomes)
	unsettled := targets.Unsettled(outcomes)
	if fail+missing > 0 {
		return exitcode.RegressionError("hivebench validate: tier %s: %d of %d targets met, %d missed, %d without a measurement", ts.Tier.Name, pass, len(outcomes), fail, missing)
	}
	if *strict && unsettled > 0 {
		return exitcode.RegressionError("hivebench validate --strict: tier %s: %d of %d targets met, but the samples settle only %d; the other %d are marked ?: measure again with more --rounds",
			ts.Tier.Name, pass, len(outcomes), pass-unsettled, unsettled)
	}
	fmt.Fprintf(env.Stdout, "tier %s: all %d targets met (%s)\n", ts.Tier.Name, pass, f.Label())
	if unsettled > 0 {
		fmt.Fprintf(env.Stdout, "%d of them marked ?: the samples do not settle them (--strict would not count them)\n", unsettled)
	}
	return nil
}

// printOutcomes prints one line per target and benchmark: mark,
// benchmark, statistic, measured figure (in the target's unit), bound and
// tier.
func printOutcomes(env *cli.Env, tier string, outcomes []targets.Outcome) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, o := range outcomes {
		mark, measured := "✅", strconv.FormatFloat(o.Measured, 'g', 4, 64)+" "+o.Target.Unit
		switch o.Status {
		case targets.Fail:
			mark = "❌"
		case targets.Missing:
			mark, measured = "❌", "not measured ("+o.Detail+")"
		}
		if o.Marginal {
			mark += "?"
			if b := o.Bounds; b != nil {
				measured += " (95% bounds " + boundText(b.Lo, b.LoOK) + "–" + boundText(b.Hi, b.HiOK) + ")"
			}
		}
		name := o.Benchmark
		if name == "" {
			name = o.Target.Metric
		}
		d := o.Direction
		if d == "" {
			d = results.LowerIsBetter
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, name, o.Target.Statistic, measured, "target "+strings.TrimPrefix(o.Target.Condition(d), string(o.Target.Statistic)+" ")+" ("+tier+")")
	}
	tw.Flush()
}

func boundText(v float64, ok bool) string {
	if !ok {
		return "?"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func tierNames() string {
	set, err := targets.Builtin()
	if err != nil {
		return "see targets/targets.yaml"
	}
	return strings.Join(set.Names(), ", ")
}

func targetMetrics(t targets.Tier) string {
	var out []string
	for _, tg := range t.Targets {
		out = append(out, tg.Metric)
	}
	return strings.Join(out, ", ")
}
