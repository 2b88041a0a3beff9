package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "report",
		Summary: "render a results file (or a comparison of two) as table, md, json, junit, html or benchfmt",
		Run:     runReport,
	})
}

func runReport(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "report")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench report [flags] FILE [HEAD]

With one results file: the run table with its targets. With two (base,
head): their comparison, as hivebench compare computes it. The html format
is one self-contained page with a latency distribution plot per metric.
With one file and --vs OTHER (a run of another implementation, hivebench
run --subject): "FILE vs OTHER", the ratio of their medians per metric with
its 95%% CI (table, md or json).

Flags:
`)
		fs.PrintDefaults()
	}
	format := fs.String("format", "table", formatUsage("`format`"))
	out := fs.String("out", "", "write the report to this `file` instead of stdout")
	tier := fs.String("tier", targets.DefaultTier, "target `tier` to check a run against (\"\" for none)")
	targetsFile := fs.String("targets", "", "extra targets YAML `file` (adds or replaces tiers)")
	vs := fs.String("vs", "", "results `file` of another implementation (hivebench run --subject): print the ratios against it")
	threshold := fs.String("threshold", "", "per-metric thresholds of a comparison, e.g. startup=5 (default "+suite.DefaultThresholds().String()+")")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return exitcode.UsageError("hivebench report: want one results file (a run) or two (base and head); got %d arguments", len(pos))
	}
	f, err := reports.ParseFormat(*format)
	if err != nil {
		return err
	}
	ts, err := targets.LoadTiers(*targetsFile, *tier)
	if err != nil {
		return err
	}
	if *vs != "" {
		pos = append(pos, *vs)
		if len(pos) != 2 {
			return exitcode.UsageError("hivebench report --vs %s: want one results file beside it; got %d", *vs, len(pos)-1)
		}
	}
	files := make([]*results.File, len(pos))
	for i, p := range pos {
		if files[i], err = results.Read(p); err != nil {
			return err
		}
	}
	if *vs != "" {
		v, err := versusFiles(files[0], files[1], "")
		if err != nil {
			return err
		}
		return writeTo(env, *out, func(w writer) error { return reports.WriteVersus(w, f, v) })
	}
	if len(files) == 1 {
		r := reports.NewRun(files[0], ts, targets.FileMetrics(files[0]))
		return writeTo(env, *out, func(w writer) error { return reports.WriteRun(w, f, r) })
	}
	th, err := suite.ParseThresholds(*threshold)
	if err != nil {
		return err
	}
	c, err := compareFiles(files[0], files[1], th, "")
	if err != nil {
		return err
	}
	c.CheckTier(ts, targets.FileMetrics(files[1]))
	return writeTo(env, *out, func(w writer) error { return reports.WriteComparison(w, f, c) })
}

type writer = io.Writer

// formatUsage is the --format help of every command that renders a report:
// what, then every format reports.ParseFormat accepts.
func formatUsage(what string) string {
	names := make([]string, len(reports.Formats))
	for i, f := range reports.Formats {
		names[i] = string(f)
	}
	return what + ": " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// writeTo renders into path (reports.WriteFile), or onto stdout when path
// is empty.
func writeTo(env *cli.Env, path string, render func(w writer) error) error {
	if path == "" {
		return render(env.Stdout)
	}
	return reports.WriteFile(path, render)
}
