package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/engine/cli"
	"github.com/hiveperf/hive/engine/exitcode"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "validate",
		Summary: "check measured figures against a target tier: one line per target, exit 1 on a miss",
		Run:     runValidate,
	})
}

func runValidate(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "validate")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench validate [startup|memory|parsing|consensus|database|all] [flags]

Measures the family (or every family) with the suite's probes, or reads a
results file with --results, and checks the figures against a target tier:
one line per target with the measured figure and the bound. Exits 1 when a
target is missed or has no measurement, 0 when every one is met.

Flags:
`)
		fs.PrintDefaults()
	}
	mf := addMeasureFlags(fs, "quick")
	tier := fs.String("tier", targets.DefaultTier, "target `tier`: "+tierNames())
	targetsFile := fs.String("targets", "", "extra targets YAML `file` (adds or replaces tiers)")
	resultsFile := fs.String("results", "", "check this results `file` instead of measuring")
	out := fs.String("out", "", "also write the measured results JSON to this `file`")
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
	ts, err := loadTiers(*targetsFile, *tier)
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
	if len(filterOutcomes(targets.Check(*ts.tier, &results.File{}), sel)) == 0 {
		return exitcode.UsageError("hivebench validate: tier %s has no target for %s; its targets concern %s", ts.tier.Name, family, targetMetrics(*ts.tier))
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
		m, err := prepareSuite(ctx, *mf.suite, suite.Options{Workload: *mf.workload, Rounds: *mf.rounds, Samples: *mf.samples}, spec, *mf.hiveBin)
		if err != nil {
			return err
		}
		if f, runErr = m.measure(ctx, env); f == nil {
			return runErr
		}
		if *out != "" {
			if err := f.Write(*out); err != nil {
				return err
			}
		}
	}
	outcomes := filterOutcomes(targets.Check(*ts.tier, f), sel)
	printOutcomes(env, ts.tier.Name, outcomes)
	if runErr != nil {
		return runErr
	}
	pass, fail, missing := targets.Tally(outcomes)
	if fail+missing > 0 {
		return exitcode.RegressionError("hivebench validate: tier %s: %d of %d targets met, %d missed, %d without a measurement", ts.tier.Name, pass, len(outcomes), fail, missing)
	}
	fmt.Fprintf(env.Stdout, "tier %s: all %d targets met (%s)\n", ts.tier.Name, pass, f.Label())
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
