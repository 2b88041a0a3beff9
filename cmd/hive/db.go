package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	sub := func(name, summary string) cli.Command {
		return cli.Command{Name: name, Summary: summary, Run: func(ctx context.Context, env *cli.Env, args []string) error {
			return runDB(ctx, env, name, args)
		}}
	}
	app.Register(cli.Command{Name: "db", Summary: "inspect and maintain the database: path | stats | migrate | check | vacuum | bench", Usage: dbUsage,
		Subcommands: []cli.Command{
			sub("path", "print the database path"),
			sub("stats", "rows and runs by status, file and WAL size"),
			sub("migrate", "apply pending schema migrations"),
			sub("check", "run SQLite's integrity check (exit 2 on findings)"),
			sub("vacuum", "rebuild the file to reclaim free pages"),
			sub("bench", "time each hot store operation in this binary (writes rows: use a scratch --db)"),
		}})
}

const dbUsage = `Usage: hive db <subcommand> [--db PATH] [flags]

  path      print the database path
  stats     rows and runs by status, file and WAL size (--json)
  migrate   apply pending schema migrations
  check     run SQLite's integrity check (exit 2 on findings)
  vacuum    rebuild the file to reclaim free pages
  bench     time each hot store operation in this binary (--ops N, --json);
            it writes rows: use a scratch --db

The database is --db, else $HIVE_DB, else ~/.local/share/hive/hive.db.
Run 'hive db <subcommand> -h' for its flags.
`

func runDB(ctx context.Context, env *cli.Env, sub string, args []string) error {
	fs := cli.FlagSet(env, "hive", "db "+sub)
	dbPath := fs.String("db", "", "database `path` (default $HIVE_DB, else ~/.local/share/hive/hive.db)")
	asJSON, ops := new(bool), new(int)
	if sub == "stats" || sub == "bench" {
		asJSON = fs.Bool("json", false, "print JSON")
	}
	if sub == "bench" {
		ops = fs.Int("ops", 200, "operations timed per kind")
	}
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hive db %s: unexpected argument %q; it takes only flags (see hive db %s -h)", sub, fs.Arg(0), sub)
	}
	path := *dbPath
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	if sub == "path" {
		_, err := fmt.Fprintln(env.Stdout, path)
		return err
	}

	s, err := store.Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	out := env.Stdout
	switch sub {
	case "stats":
		st, err := s.Stats(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(out).Encode(st)
		}
		fmt.Fprintf(out, "database  %s\nschema    %d\nsize      %d bytes (+ %d bytes WAL)\n", st.Path, st.Schema, st.FileBytes, st.WALBytes)
		printCounts(out, "rows", st.Rows)
		printCounts(out, "runs", st.Runs)
	case "migrate":
		before, after, err := s.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: schema %d -> %d (latest %d)\n", path, before, after, store.LatestSchema())
	case "check":
		findings, err := s.Check(ctx)
		if err != nil {
			return err
		}
		if len(findings) == 1 && findings[0] == "ok" {
			fmt.Fprintf(out, "%s: integrity ok\n", path)
			return nil
		}
		for _, f := range findings {
			fmt.Fprintln(out, f)
		}
		return exitcode.UsageError("hive db check: %s failed the integrity check (%d findings above)", path, len(findings))
	case "bench":
		return dbBench(ctx, out, s, *ops, *asJSON)
	case "vacuum":
		before, after, err := s.Vacuum(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %d -> %d bytes\n", path, before, after)
	}
	return nil
}

// printCounts prints one "label  name  count" line per name, sorted.
func printCounts(out io.Writer, label string, counts map[string]int64) {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(out, "%-9s %-15s %d\n", label, n, counts[n])
	}
}

// dbBench times each hot store operation inside this binary, so the harness
// can compare the store of two hive builds. It writes rows: use a scratch --db.
func dbBench(ctx context.Context, out io.Writer, s *store.Store, ops int, asJSON bool) error {
	if ops <= 0 || ops > 1_000_000 {
		return exitcode.UsageError("hive db bench: --ops must be between 1 and 1000000, got %d", ops)
	}
	samples, err := store.MeasureOps(ctx, s, ops)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(out).Encode(map[string]any{"unit": "ns", "ops": samples})
	}
	for _, name := range store.OpNames {
		v := append([]float64(nil), samples[name]...)
		sort.Float64s(v)
		fmt.Fprintf(out, "%-24s n=%d  p50 %8.1f µs  p99 %8.1f µs\n", name, len(v), v[len(v)/2]/1e3, v[len(v)*99/100]/1e3)
	}
	return nil
}
