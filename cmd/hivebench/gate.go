package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/hiveperf/hive/baselines"
	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "gate",
		Summary: "CI regression gate: two binaries interleaved (--base-bin/--head-bin), a run against --baseline, or two results files (--base-file/--head-file); exit 1 on a regression",
		Run:     runGate,
	})
}

const gateUsage = `Usage:
  hivebench gate --base-bin PATH --head-bin PATH [flags]   two binaries, measured interleaved in this job
  hivebench gate --baseline FILE|NAME [--hive-bin PATH] [flags]   a fresh run against a stored baseline
  hivebench gate --aa-runs N [--head-bin PATH] [flags]   N A/A gates: false alarms and detectable change
  hivebench gate --base-file A.json --head-file B.json [flags]   two results files, whatever made them

Exits 1 when a metric regressed significantly beyond its threshold (or, with
--tier, a target is missed), 0 otherwise, 2 on bad input and 3 when a
binary does not start. A/B mode sets up one probe session per binary per
family and alternates rounds A B B A …; each round gives one value per
metric (its median), and after each batch the sequential procedure of
harness/compare decides which metrics need more rounds (10, 20, 40, … up
to --max-rounds per binary), within --time-budget. A metric still
inconclusive at the end passes, with a warning: the gate fails on
regressions it can show, never on noise.

The gate fails closed. A metric it was asked for (--metrics, default all
of the suite's) and did not compare is no regression, but it fails the
gate too, with one line naming it, unless --allow-missing (then it is a
warning, listed in the reports under "Missing metrics"): exit 2 when the
input made it impossible (not in the baseline, units that do not convert,
a target that cannot be checked), 3 when the measurement fell short (a
probe gave no samples, the time budget ended before a family's first
round pair); 2 when both. A gate that compared nothing fails even with
--allow-missing, and so does --tier with no target for any gated metric
(2). An incomplete baseline is refused (2), as baseline save refuses it.
The rule: go doc github.com/hiveperf/hive/harness/gate.

Two-file mode judges two results files (hivebench run, or hivebench import
of go test -bench, benchfmt, hyperfine or k6 output) by the same rule: every
benchmark of the base file is asked for (--metrics narrows it), one the
head file lacks fails the gate (2). Incomplete files, files of different
workloads or import sources, and a pair that shares no metric are refused
(2). A side without raw samples (k6's summary) is judged on aggregates, by
the stricter rule of harness/compare, and the report says so.

Writes summary.md, junit.xml, report.html, base.json and head.json to --out.

Flags:
`

func runGate(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "gate")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), gateUsage)
		fs.PrintDefaults()
	}
	g := addGateFlags(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hivebench gate: unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}
	if err := g.check(fs); err != nil {
		return err
	}
	th, err := suite.ParseThresholds(*g.threshold)
	if err != nil {
		return err
	}
	ts, err := targets.LoadTiers(*g.targets, *g.tier)
	if err != nil {
		return err
	}
	switch {
	case *g.aaRuns > 0:
		return gateAA(ctx, env, g, th)
	case *g.baseline != "":
		return gateBaseline(ctx, env, g, th, ts)
	case *g.baseFile != "":
		return gateFiles(env, g, th, ts)
	}
	return gateAB(ctx, env, g, th, ts)
}

type gateFlags struct {
	baseBin, headBin, hiveBin, baseline, baselineDir *string
	baseFile, headFile                               *string
	suite, metrics, workload, threshold, tier        *string
	targets, out, md, junit, html, format            *string
	samples, maxRounds, initial, aaRuns              *int
	budget                                           *time.Duration
	allowMissing                                     *bool
	suiteGiven                                       *string // --suite, when on the command line
}

func addGateFlags(fs *flag.FlagSet) *gateFlags {
	return &gateFlags{
		baseBin:      fs.String("base-bin", "", "A/B mode: the base hive `binary` (e.g. built from main)"),
		headBin:      fs.String("head-bin", "", "A/B mode: the head hive `binary` (the change under test)"),
		baseline:     fs.String("baseline", "", "baseline mode: a results `file`, or the name of a baseline in --baselines-dir"),
		baselineDir:  fs.String("baselines-dir", "baselines", "`directory` of named baselines"),
		baseFile:     fs.String("base-file", "", "two-file mode: the base results `file` (hivebench run or import)"),
		headFile:     fs.String("head-file", "", "two-file mode: the head results `file`"),
		hiveBin:      fs.String("hive-bin", defaultHiveBin, "baseline mode: the hive `binary` to measure"),
		suite:        fs.String("suite", "ci", "`suite` whose probe configuration every round uses (baseline mode: default the baseline's)"),
		metrics:      fs.String("metrics", "", "comma-separated families or metric ids to gate (default all)"),
		workload:     fs.String("workload", "", "source `dir` for the parsing and memory probes (default: the suite's)"),
		samples:      fs.Int("samples", 0, "samples per round of many-sample metrics (default: the suite's gate rounds, e.g. 3 for ci)"),
		threshold:    fs.String("threshold", "", "per-metric thresholds in percent, e.g. startup=5,database.cache_get=15 (default "+suite.DefaultThresholds().String()+")"),
		tier:         fs.String("tier", "", "also fail when head misses a target of this `tier` (default: none)"),
		targets:      fs.String("targets", "", "extra targets YAML `file` (adds or replaces tiers)"),
		out:          fs.String("out", "gate-out", "`directory` for summary.md, junit.xml, report.html, base.json and head.json"),
		md:           fs.String("md", "", "Markdown summary `file` (default OUT/summary.md)"),
		junit:        fs.String("junit", "", "JUnit XML `file` (default OUT/junit.xml)"),
		html:         fs.String("html", "", "HTML report `file` (default OUT/report.html)"),
		format:       fs.String("format", "table", "`format` of the summary on stdout: table, md or json"),
		initial:      fs.Int("initial", compare.DefaultInitial, "A/B mode: rounds per binary before the first look (each round is one gate sample per metric)"),
		maxRounds:    fs.Int("max-rounds", compare.DefaultMax, "A/B mode: cap on rounds per binary per family; looks happen at initial·2^k rounds up to it"),
		budget:       fs.Duration("time-budget", 10*time.Minute, "A/B mode: start no new round after this `duration`; decide on what was measured"),
		aaRuns:       fs.Int("aa-runs", 0, "measure the gate itself: run `N` A/A gates of one binary (--head-bin, else --hive-bin) and report false alarms and the smallest change detected"),
		allowMissing: fs.Bool("allow-missing", false, "pass over metrics that were asked for but not compared, as warnings listed in the reports (default: they fail the gate)"),
	}
}

// check refuses flag combinations that do not make one mode.
func (g *gateFlags) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["suite"] {
		g.suiteGiven = g.suite
	}
	ab := *g.baseBin != "" || *g.headBin != ""
	files := *g.baseFile != "" || *g.headFile != ""
	switch {
	case files && (ab || *g.baseline != "" || *g.aaRuns > 0 || set["hive-bin"]):
		return exitcode.UsageError("hivebench gate: --base-file and --head-file gate two results files; drop --base-bin, --head-bin, --baseline, --hive-bin and --aa-runs")
	case files && (*g.baseFile == "" || *g.headFile == ""):
		return exitcode.UsageError("hivebench gate: two-file mode needs both --base-file and --head-file")
	case files:
	case *g.aaRuns < 0:
		return exitcode.UsageError("--aa-runs %d: want a positive number of A/A gates", *g.aaRuns)
	case *g.aaRuns > 0 && (*g.baseBin != "" || *g.baseline != ""):
		return exitcode.UsageError("--aa-runs measures one binary against itself; drop --base-bin and --baseline (give the binary with --head-bin or --hive-bin)")
	case *g.aaRuns > 0:
	case ab && *g.baseline != "":
		return exitcode.UsageError("hivebench gate: give either --base-bin and --head-bin (A/B mode) or --baseline (baseline mode), not both")
	case ab && (*g.baseBin == "" || *g.headBin == ""):
		return exitcode.UsageError("hivebench gate: A/B mode needs both --base-bin and --head-bin")
	case !ab && *g.baseline == "":
		return exitcode.UsageError("hivebench gate: want --base-bin and --head-bin (A/B mode), --baseline FILE (baseline mode) or --base-file and --head-file (two-file mode); see -h")
	case ab && set["hive-bin"]:
		return exitcode.UsageError("hivebench gate: --hive-bin is for baseline mode; A/B mode takes --base-bin and --head-bin")
	}
	if *g.initial < 2 {
		return exitcode.UsageError("--initial %d: want at least 2 rounds per binary (compare needs %d for a verdict by default)", *g.initial, compare.DefaultPolicy().MinSamples)
	}
	if *g.maxRounds < *g.initial {
		return exitcode.UsageError("--max-rounds %d: want at least --initial (%d)", *g.maxRounds, *g.initial)
	}
	if *g.budget < 0 {
		return exitcode.UsageError("--time-budget %v: want a positive duration such as 10m, or 0 for none", *g.budget)
	}
	if err := checkOutDirs(map[string]string{"--md": *g.md, "--junit": *g.junit, "--html": *g.html}); err != nil {
		return err
	}
	switch *g.format {
	case "table", "md", "json":
	default:
		return exitcode.UsageError("--format %q: the gate prints table, md or json on stdout (junit and html go to files: --junit, --html)", *g.format)
	}
	return nil
}

// outputs are the files the gate writes (--out, --md, --junit, --html).
func (g *gateFlags) outputs() reports.GateOutputs {
	return reports.GateOutputs{Dir: *g.out, Markdown: *g.md, JUnit: *g.junit, HTML: *g.html}
}

// gateConfig is the A/B configuration of base and head but for the
// selection, which suite.PrepareGate makes.
func (g *gateFlags) gateConfig(base, head probe.Target, th suite.Thresholds, progress suite.Progress) suite.GateConfig {
	return suite.GateConfig{
		Base: base, Head: head, Thresholds: th,
		Sequential: compare.Sequential{Initial: *g.initial, Max: *g.maxRounds},
		MaxRounds:  *g.maxRounds, Budget: *g.budget, Progress: progress,
	}
}

func (g *gateFlags) options() suite.Options {
	return suite.Options{Workload: *g.workload, Samples: *g.samples}
}

func gateAB(ctx context.Context, env *cli.Env, g *gateFlags, th suite.Thresholds, ts targets.Tiers) error {
	cfg := g.gateConfig(probe.Target{Name: "base", HiveBin: *g.baseBin}, probe.Target{Name: "head", HiveBin: *g.headBin}, th, progressTo(env.Stderr, "hivebench gate"))
	sides, err := suite.GateAB(ctx, *g.suite, g.options(), *g.metrics, cfg)
	if err != nil {
		// Nothing was decided; keep what was measured for the post-mortem.
		if sides != nil && sides.Base != nil && sides.Head != nil {
			_ = g.outputs().WriteSides(sides.Base, sides.Head)
		}
		return err
	}
	c := reports.Comparison{Base: sides.Base, Head: sides.Head, BaseLabel: "base " + *g.baseBin, HeadLabel: "head " + *g.headBin, Results: sides.Results, Warnings: sides.Warnings}
	return finishGate(env, g, ts, c, sides.Selection, sides.Missing)
}

func gateBaseline(ctx context.Context, env *cli.Env, g *gateFlags, th suite.Thresholds, ts targets.Tiers) error {
	base, err := baselines.Open(*g.baseline, *g.baselineDir)
	if err != nil {
		return err
	}
	sides, err := suite.GateBaseline(ctx, base, suite.BaselineGate{
		Suite: g.suiteGiven, Options: g.options(), Metrics: *g.metrics, Bin: *g.hiveBin,
		Thresholds: th, AllowMissing: *g.allowMissing, Progress: progressTo(env.Stderr, "hivebench run"),
	})
	if err != nil {
		if sides != nil && sides.Head != nil {
			_ = g.outputs().WriteSides(nil, sides.Head)
		}
		return err
	}
	c := reports.Comparison{Base: base, Head: sides.Head, BaseLabel: "baseline " + base.Label(), HeadLabel: "head " + *g.hiveBin, Results: sides.Results, Warnings: sides.Warnings}
	return finishGate(env, g, ts, c, sides.Selection, sides.Missing)
}

// finishGate checks targets, decides (harness/gate), writes the reports
// and returns the verdict.
func finishGate(env *cli.Env, g *gateFlags, ts targets.Tiers, c reports.Comparison, sel targets.Metrics, missing []gate.Missing) error {
	c.CheckTier(ts, sel)
	f, _ := reports.ParseFormat(*g.format)
	v, err := g.outputs().Judge(env.Stdout, f, &c, missing, *g.allowMissing)
	if err != nil {
		return err
	}
	if err := annotate(env, c); err != nil {
		return err
	}
	if v.Err != nil {
		return fmt.Errorf("hivebench gate: %w", v.Err)
	}
	fmt.Fprintf(env.Stderr, "hivebench gate: %s\n", v.PassLine(len(c.Results), "reports in "+*g.out))
	return nil
}

// annotate writes the gate's problems as GitHub Actions annotations when
// it runs there (the runner sets GITHUB_ACTIONS=true): they reach a pull
// request's reader with no token permission, forks included.
func annotate(env *cli.Env, c reports.Comparison) error {
	if env.Getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	if err := reports.WriteGitHubAnnotations(env.Stderr, c); err != nil {
		return exitcode.InfraError("hivebench gate: writing the GitHub annotations: %v", err)
	}
	return nil
}

// gateFiles is the two-file gate: two results files, whatever made them.
func gateFiles(env *cli.Env, g *gateFlags, th suite.Thresholds, ts targets.Tiers) error {
	base, head, p, err := suite.GateFiles(*g.baseFile, *g.headFile, *g.metrics, th)
	if err != nil {
		return err
	}
	c := reports.Comparison{Base: base, Head: head, BaseLabel: "base " + *g.baseFile, HeadLabel: "head " + *g.headFile, Results: p.Results, Warnings: p.Warnings}
	return finishGate(env, g, ts, c, targets.FileMetrics(head), p.Missing)
}

// gateAA runs N A/A gates of one binary and reports how often the gate
// said anything but "no change", the noise it saw, and the smallest
// regression it would catch reliably within the time budget.
func gateAA(ctx context.Context, env *cli.Env, g *gateFlags, th suite.Thresholds) error {
	bin := *g.headBin
	if bin == "" {
		bin = *g.hiveBin
	}
	cfg := g.gateConfig(probe.Target{Name: "A", HiveBin: bin}, probe.Target{Name: "A'", HiveBin: bin}, th, progressTo(env.Stderr, "hivebench gate"))
	return suite.GateAA(ctx, *g.suite, g.options(), *g.metrics, cfg, *g.aaRuns, env.Stdout)
}
