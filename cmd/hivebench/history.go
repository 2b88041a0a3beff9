package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/harness/history"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
)

func init() {
	app.Register(cli.Command{
		Name:    "history",
		Summary: "record runs and show each metric's trend with change points (record FILE... | list | show METRIC)",
		Usage:   historyUsage,
		// Without a subcommand: every metric's trend.
		Run: historyTrends,
		Subcommands: []cli.Command{
			{Name: "record", Summary: "record results files in the history", Run: historyRecord},
			{Name: "list", Summary: "list the recorded runs", Run: historyList},
			{Name: "show", Summary: "one metric's series and change points", Run: historyShow},
		},
	})
}

const historyUsage = `Usage:
  hivebench history [--limit N] [--db PATH | --history-dsn DSN]
  hivebench history record FILE... [--db PATH | --history-dsn DSN]
  hivebench history list [--limit N] [--db PATH | --history-dsn DSN]
  hivebench history show METRIC [--limit N] [--db PATH | --history-dsn DSN]

history alone prints one line per metric: a sparkline of the per-run
median (p50), the last value, the change from the first run shown, and
the change points found in that series, each as the commits either side
and the size of the step.

Change points: E-Divisive with means (Matteson & James 2014, as in
MongoDB's CI): energy statistic, minimum segment 3 runs, permutation test
with 199 permutations at alpha 0.05, seed 1. A step needs 3 runs on each
side; on flat noise expect about one false step per 20 metrics.

History lives in the hive database (--db, else $HIVE_DB, else
~/.local/share/hive/hive.db), or in PostgreSQL with --history-dsn
postgres://USER:PASSWORD@HOST:PORT/DB (else $HIVE_HISTORY_DSN), so CI runners
share one history. Prefer the variable in CI: a flag shows in ps. Recording
the same results file twice is a no-op.
`

// historyFlags are the flags every history subcommand takes.
type historyFlags struct {
	db, dsn *string
	limit   *int
}

func addHistoryFlags(fs *flag.FlagSet, withLimit bool, limit int) historyFlags {
	h := historyFlags{
		db:  fs.String("db", "", "hive database `path` (default $HIVE_DB or ~/.local/share/hive/hive.db)"),
		dsn: fs.String("history-dsn", "", "PostgreSQL `DSN` to keep history in instead (default $HIVE_HISTORY_DSN)"),
	}
	if withLimit {
		h.limit = fs.Int("limit", limit, "newest `N` runs to show (0: all)")
	}
	return h
}

func (h historyFlags) open(ctx context.Context, env *cli.Env) (history.Backend, error) {
	if h.limit != nil && *h.limit < 0 {
		return nil, exitcode.UsageError("hivebench history: --limit %d must be 0 (all) or more", *h.limit)
	}
	dsn := *h.dsn
	if dsn == "" && *h.db == "" {
		dsn = env.Getenv("HIVE_HISTORY_DSN")
	}
	if dsn != "" {
		if *h.db != "" {
			return nil, exitcode.UsageError("hivebench history: give --db or --history-dsn, not both")
		}
		return history.OpenPostgres(ctx, dsn)
	}
	path := *h.db
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	return history.OpenSQLite(path)
}

func historyRecord(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "history record")
	hf := addHistoryFlags(fs, false, 0)
	files, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return exitcode.UsageError("hivebench history record: no results file given; want FILE... (written by hivebench run --out)")
	}
	// Read and check every file before touching the store, so one bad file
	// records nothing rather than half a batch.
	type input struct {
		f   *results.File
		doc []byte
	}
	var in []input
	for _, path := range files {
		f, err := results.Read(path)
		if err != nil {
			return err
		}
		doc, err := os.ReadFile(path)
		if err != nil {
			return exitcode.InfraError("hivebench history record: read %s: %v", path, err)
		}
		in = append(in, input{f, doc})
	}
	b, err := hf.open(ctx, env)
	if err != nil {
		return err
	}
	defer b.Close()
	for i, x := range in {
		id, added, err := b.Record(ctx, x.f, x.doc)
		if err != nil {
			return err
		}
		what := "recorded as run"
		if !added {
			what = "already recorded as run"
		}
		fmt.Fprintf(env.Stdout, "%s: %s %d (suite %s, commit %s, %d benchmarks) in %s\n",
			files[i], what, id, x.f.Suite, reports.CommitLabel(x.f.Env.Commit, x.f.Env.Dirty), len(x.f.Benchmarks), b.Where())
	}
	return nil
}

func historyList(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "history list")
	hf := addHistoryFlags(fs, true, 20)
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError("hivebench history list: unexpected argument %q; it takes only flags", pos[0])
	}
	b, err := hf.open(ctx, env)
	if err != nil {
		return err
	}
	defer b.Close()
	runs, err := b.Runs(ctx, *hf.limit)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintf(env.Stdout, "no runs recorded in %s; add some with hivebench history record FILE...\n", b.Where())
		return nil
	}
	return reports.WriteHistoryRuns(env.Stdout, runs)
}

func historyShow(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "history show")
	hf := addHistoryFlags(fs, true, 50)
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return exitcode.UsageError("hivebench history show: want exactly one METRIC (e.g. startup.serve), got %d arguments", len(pos))
	}
	metric := pos[0]
	b, err := hf.open(ctx, env)
	if err != nil {
		return err
	}
	defer b.Close()
	pts, err := b.Series(ctx, metric, *hf.limit)
	if err != nil {
		return err
	}
	if len(pts) == 0 {
		names, err := b.Metrics(ctx)
		if err != nil {
			return err
		}
		return exitcode.UsageError("hivebench history show: no runs of metric %q in %s; recorded metrics: %s",
			metric, b.Where(), histList(names))
	}
	tr, err := history.Analyze(history.DefaultDetector, metric, pts)
	if err != nil {
		return fmt.Errorf("hivebench history show %s: %w", metric, err)
	}
	if err := reports.WriteHistorySeries(env.Stdout, tr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "change points: %s\n", history.DefaultDetector)
	return err
}

func historyTrends(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "history")
	hf := addHistoryFlags(fs, true, 50)
	fs.Usage = func() { fmt.Fprint(fs.Output(), historyUsage) }
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError("hivebench history: unexpected argument %q; want record, list or show", pos[0])
	}
	b, err := hf.open(ctx, env)
	if err != nil {
		return err
	}
	defer b.Close()
	names, err := b.Metrics(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(env.Stdout, "no runs recorded in %s; add some with hivebench history record FILE...\n", b.Where())
		return nil
	}
	var trends []history.Trend
	for _, name := range names {
		pts, err := b.Series(ctx, name, *hf.limit)
		if err != nil {
			return err
		}
		tr, err := history.Analyze(history.DefaultDetector, name, pts)
		if err != nil {
			return fmt.Errorf("hivebench history %s: %w", name, err)
		}
		trends = append(trends, tr)
	}
	if err := reports.WriteHistoryTrends(env.Stdout, trends); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "history: %s\nchange points: %s\n", b.Where(), history.DefaultDetector)
	return err
}

func histList(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
