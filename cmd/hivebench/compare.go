package main

import (
	"context"
	"fmt"

	"github.com/hiveperf/hive/baselines"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
)

func init() {
	app.Register(cli.Command{
		Name:    "compare",
		Summary: "compare two results files metric by metric: delta, CI of the ratio, p-value, verdict",
		Run:     runCompare,
	})
}

func runCompare(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "compare")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench compare [flags] BASE.json HEAD.json

Per metric both files share: base and head medians, delta %%, the 95%%
bootstrap CI of median(head)/median(base), the Mann–Whitney p-value after
Holm–Bonferroni, and the verdict (improved, same, regressed, inconclusive;
the rule is in go doc github.com/hiveperf/hive/harness/compare). Metrics
whose samples within a round are correlated are compared round by round.
Files of different schema versions or workloads are refused (exit 2), and
so is an incomplete BASE (a baseline must be a complete run, as hivebench
gate and baseline save require) and a --metrics item the two files do
not both have. compare informs and exits 0 whatever the verdicts;
hivebench gate decides. Two files of different subjects (hive and
hivebench run --subject FILE) are two implementations, not a change:
compare then prints, as report --vs does, the ratio of their medians per
metric with its CI and no verdict (table, md or json).

Flags:
`)
		fs.PrintDefaults()
	}
	format := fs.String("format", "table", formatUsage("`format`"))
	out := fs.String("out", "", "write the report to this `file` instead of stdout")
	threshold := fs.String("threshold", "", "per-metric thresholds in percent, e.g. startup=5,database.cache_get=15 (default "+suite.DefaultThresholds().String()+")")
	metrics := fs.String("metrics", "", "comma-separated families or metric ids to compare (default all)")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return exitcode.UsageError("hivebench compare: want two results files, BASE.json HEAD.json; got %d arguments", len(pos))
	}
	f, err := reports.ParseFormat(*format)
	if err != nil {
		return err
	}
	th, err := suite.ParseThresholds(*threshold)
	if err != nil {
		return err
	}
	base, err := results.Read(pos[0])
	if err != nil {
		return err
	}
	head, err := results.Read(pos[1])
	if err != nil {
		return err
	}
	if base.SubjectName() != head.SubjectName() {
		v, err := versusFiles(base, head, *metrics)
		if err != nil {
			return err
		}
		return writeTo(env, *out, func(w writer) error { return reports.WriteVersus(w, f, v) })
	}
	c, err := compareFiles(base, head, th, *metrics)
	if err != nil {
		return err
	}
	return writeTo(env, *out, func(w writer) error { return reports.WriteComparison(w, f, c) })
}

// versusFiles is a against b as two implementations: the ratio of their
// medians per shared metric, with its CI (the comparison's, thresholds
// aside: no verdict is drawn).
func versusFiles(a, b *results.File, metrics string) (reports.Versus, error) {
	c, err := compareFiles(a, b, suite.DefaultThresholds(), metrics)
	if err != nil {
		return reports.Versus{}, err
	}
	return reports.Versus{A: a, B: b, Results: c.Results, Warnings: c.Warnings}, nil
}

// compareFiles is the comparison of two results files, ready to render.
func compareFiles(base, head *results.File, th suite.Thresholds, metrics string) (reports.Comparison, error) {
	if err := baselines.CheckComplete(base); err != nil {
		return reports.Comparison{}, err
	}
	keep, err := suite.MetricFilter(metrics, base, head)
	if err != nil {
		return reports.Comparison{}, err
	}
	rs, warnings, err := suite.CompareFiles(base, head, th, keep)
	if err != nil {
		return reports.Comparison{}, err
	}
	if len(rs) == 0 {
		return reports.Comparison{}, exitcode.UsageError("%s and %s share no benchmark to compare%s", base.Label(), head.Label(), filterNote(metrics))
	}
	return reports.Comparison{Base: base, Head: head, Results: rs, Warnings: warnings}, nil
}

func filterNote(metrics string) string {
	if metrics == "" {
		return ""
	}
	return " among --metrics " + metrics
}
