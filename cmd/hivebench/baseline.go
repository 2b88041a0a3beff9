package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/baselines"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "baseline",
		Summary: "save, list and show the baselines a gate compares against (save NAME | list | show NAME)",
		Usage:   baselineUsage,
		Subcommands: []cli.Command{
			{Name: "save", Summary: "record a complete run as NAME.json", Run: baselineSave},
			{Name: "list", Summary: "list the saved baselines", Run: func(ctx context.Context, env *cli.Env, args []string) error { return baselineList(env, args) }},
			{Name: "show", Summary: "render a baseline with its targets", Run: func(ctx context.Context, env *cli.Env, args []string) error { return baselineShow(env, args) }},
		},
	})
}

const baselineUsage = `Usage:
  hivebench baseline save NAME [--from FILE | measure flags] [--dir baselines]
  hivebench baseline list [--dir baselines]
  hivebench baseline show NAME [--dir baselines] [--format table|md|json|junit|html|benchfmt] [--tier TIER]

save records a complete run as NAME.json: the results file given by --from,
or a run made now (suite ci by default; see the measure flags). An
incomplete run is refused. See baselines/README.md for what a baseline
means and when to update one.
`

func baselineSave(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "baseline save")
	dir := fs.String("dir", "baselines", "baselines `directory`")
	from := fs.String("from", "", "results `file` to save (default: run the suite now)")
	mf := addMeasureFlags(fs, "ci")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return exitcode.UsageError("hivebench baseline save: want one NAME (e.g. main), got %d arguments", len(pos))
	}
	name := pos[0]
	if err := baselines.CheckName(name); err != nil {
		return err
	}
	var f *results.File
	if *from != "" {
		if f, err = results.Read(*from); err != nil {
			return err
		}
	} else {
		m, err := mf.prepare(ctx)
		if err != nil {
			return err
		}
		var runErr error
		if f, runErr = m.Measure(ctx, progressTo(env.Stderr, "hivebench run")); runErr != nil {
			return fmt.Errorf("%w; no baseline saved (a baseline must be a complete run)", runErr)
		}
	}
	if err := baselines.Save(*dir, name, f); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "saved baseline %s: %s\n", name, f)
	return nil
}

func baselineList(env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "baseline list")
	dir := fs.String("dir", "baselines", "baselines `directory`")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hivebench baseline list: unexpected argument %q", fs.Arg(0))
	}
	infos, err := baselines.List(*dir)
	if err != nil {
		return err
	}
	if len(infos) == 0 {
		fmt.Fprintf(env.Stdout, "no baselines in %s (make one with `hivebench baseline save NAME`)\n", *dir)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDATE\tCOMMIT\tSUITE\tSTATE\tBENCHMARKS\tWORKLOAD")
	for _, i := range infos {
		fmt.Fprintln(tw, i.String())
	}
	return tw.Flush()
}

func baselineShow(env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "baseline show")
	dir := fs.String("dir", "baselines", "baselines `directory`")
	format := fs.String("format", "table", formatUsage("`format`"))
	tier := fs.String("tier", targets.DefaultTier, "target `tier` to show beside the figures (\"\" for none)")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return exitcode.UsageError("hivebench baseline show: want one NAME, got %d arguments", len(pos))
	}
	f, err := reports.ParseFormat(*format)
	if err != nil {
		return err
	}
	ts, err := targets.LoadTiers("", *tier)
	if err != nil {
		return err
	}
	b, err := baselines.Load(*dir, pos[0])
	if err != nil {
		return err
	}
	if f == reports.Table {
		fmt.Fprintf(env.Stdout, "baseline %s: %s\n", pos[0], strings.TrimPrefix(b.String(), b.Label()+": "))
	}
	return reports.WriteRun(env.Stdout, f, reports.NewRun(b, ts, targets.FileMetrics(b)))
}
