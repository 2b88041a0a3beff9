package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiveperf/hive/harness/export"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
	"github.com/hiveperf/hive/targets"
)

func init() {
	app.Register(cli.Command{
		Name:    "run",
		Summary: "run a benchmark suite against a hive binary, print the run table, write the results JSON",
		Run:     runRun,
	})
}

// defaultHiveBin is where `make build` puts the engine.
const defaultHiveBin = "bin/hive"

func runRun(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "run")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench run [flags]

Runs the suite's probes against one hive binary, family after family, prints
the run table (metric | p50 | p95 | p99 | target (tier) | vs TypeScript |
verdict) and writes the results JSON. Suites: %s (go doc
github.com/hiveperf/hive/harness/suite). A missed target shows in the table;
use hivebench validate for an exit code that says so. An interrupted run
(SIGINT, SIGTERM, SIGHUP) writes the rounds it finished, marked incomplete,
and exits 3; the workload is fingerprinted before measuring, so that holds
whatever becomes of the tree. --subject FILE measures another
implementation instead of hive, with the same probes and samples (go doc
github.com/hiveperf/hive/harness/subject); --vs FILE fills the vs column
with a measured run of one instead of the stated TypeScript figures.

Flags:
`, strings.Join(suite.Names(), ", "))
		fs.PrintDefaults()
	}
	mf := addMeasureFlags(fs, "quick")
	out := fs.String("out", "bench-results.json", "results JSON `file` to write")
	tier := fs.String("tier", targets.DefaultTier, "target `tier` of the verdict column")
	targetsFile := fs.String("targets", "", "extra targets YAML `file` (adds or replaces tiers)")
	format := fs.String("format", "table", formatUsage("run table `format`"))
	push := fs.String("push", "", "also push the results to this Prometheus Pushgateway `URL` (a failure warns; results stay local)")
	textfile := fs.String("textfile", "", "also write the results as DIR/hivebench.prom for node-exporter's textfile collector (`DIR`)")
	subjectFile := fs.String("subject", "", "measure the implementation this subject `file` describes instead of --hive-bin")
	vsFile := fs.String("vs", "", "results `file` of another implementation (run --subject) for the vs column, instead of the stated TypeScript figures")
	record := fs.Bool("record", false, "also record the run in the history (--db or --history-dsn; see hivebench history)")
	hf := addHistoryFlags(fs, false, 0)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hivebench run: unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}
	f, err := reports.ParseFormat(*format)
	if err != nil {
		return err
	}
	tiers, err := targets.LoadTiers(*targetsFile, *tier)
	if err != nil {
		return err
	}
	if err := checkOutDir("--out", *out); err != nil {
		return err
	}
	var vs *results.File
	if *vsFile != "" {
		if vs, err = results.Read(*vsFile); err != nil {
			return err
		}
	}
	if *subjectFile != "" {
		if mf.subject, err = subject.Load(*subjectFile); err != nil {
			return err
		}
	}
	m, err := mf.prepare(ctx)
	if err != nil {
		return err
	}
	file, runErr := m.Measure(ctx, progressTo(env.Stderr, "hivebench run"))
	if file == nil {
		return runErr
	}
	if err := file.Write(*out); err != nil {
		return errors.Join(runErr, err)
	}
	run := reports.NewRun(file, tiers, m.Selection)
	run.Versus = vs
	if err := reports.WriteRun(env.Stdout, f, run); err != nil {
		return errors.Join(runErr, exitcode.InfraError("hivebench run: writing the table: %v", err))
	}
	shareResults(ctx, env, file, *out, *push, *textfile, *record, hf)
	if runErr != nil {
		return fmt.Errorf("%w; the rounds that finished are in %s, marked incomplete", runErr, *out)
	}
	fmt.Fprintf(env.Stderr, "hivebench run: wrote %s\n", *out)
	return nil
}

// measureFlags are the flags of every command that measures a binary.
type measureFlags struct {
	suite    *string
	hiveBin  *string
	metrics  *string
	workload *string
	rounds   *int
	samples  *int
	// subject is measured instead of hiveBin when set (run --subject).
	subject *subject.Subject
}

func addMeasureFlags(fs *flag.FlagSet, defaultSuite string) *measureFlags {
	return &measureFlags{
		suite:    fs.String("suite", defaultSuite, "`suite`: "+strings.Join(suite.Names(), ", ")),
		hiveBin:  fs.String("hive-bin", defaultHiveBin, "hive `binary` to measure"),
		metrics:  fs.String("metrics", "", "comma-separated families or metric ids to measure (default all)"),
		workload: fs.String("workload", "", "source `dir` for the parsing and memory probes (default: the suite's, under GOROOT)"),
		rounds:   fs.Int("rounds", 0, "measured rounds per family (default: the suite's)"),
		samples:  fs.Int("samples", 0, "samples per round of many-sample metrics (default: the suite's)"),
	}
}

// prepare resolves the flags into a suite and a selection; every mistake
// is a usage error naming its flag.
func (mf *measureFlags) prepare(ctx context.Context) (*suite.Measurement, error) {
	return suite.Prepare(ctx, *mf.suite, suite.Options{Workload: *mf.workload, Rounds: *mf.rounds, Samples: *mf.samples, Subject: mf.subject},
		*mf.metrics, *mf.hiveBin)
}

// progressTo prints progress lines on w, prefixed and timestamped relative
// to the start, safely from several goroutines: the steps of
// cli.Progress, which hive analyze and the workload fetch share.
func progressTo(w io.Writer, prefix string) suite.Progress {
	return cli.NewProgress(&cli.Env{Stderr: w}, prefix).Stepf
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// checkOutDir refuses, before anything is measured, an output file whose
// directory does not exist: a run must not end by failing to save itself.
func checkOutDir(flagName, path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return exitcode.UsageError("%s %s: directory %s does not exist", flagName, path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return exitcode.UsageError("%s %s is a directory; want a file name", flagName, path)
	}
	return nil
}

// checkOutDirs is checkOutDir of every flag (name → path) given.
func checkOutDirs(paths map[string]string) error {
	for name, path := range paths {
		if path != "" {
			if err := checkOutDir(name, path); err != nil {
				return err
			}
		}
	}
	return nil
}

// shareResults sends a written run to the places the user asked for. Each
// is a convenience on top of the results file already on disk, so a failure
// is a warning and never changes the exit code.
func shareResults(ctx context.Context, env *cli.Env, file *results.File, out, push, textfile string, record bool, hf historyFlags) {
	warn := func(what string, err error) {
		if err != nil {
			fmt.Fprintf(env.Stderr, "hivebench run: warning: %s: %v (the results are still in %s)\n", what, err, out)
		}
	}
	if push != "" {
		warn("push", export.Push(ctx, push, "hivebench", file))
	}
	if textfile != "" {
		warn("textfile", export.WriteTextfile(textfile, file))
	}
	if record {
		warn("history", recordRun(ctx, env, file, out, hf))
	}
}

func recordRun(ctx context.Context, env *cli.Env, file *results.File, out string, hf historyFlags) error {
	doc, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	b, err := hf.open(ctx, env)
	if err != nil {
		return err
	}
	defer b.Close()
	id, added, err := b.Record(ctx, file, doc)
	if err == nil {
		note := ""
		if !added {
			note = " (already recorded)"
		}
		fmt.Fprintf(env.Stderr, "hivebench run: recorded as run %d in %s%s\n", id, b.Where(), note)
	}
	return err
}
