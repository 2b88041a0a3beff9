package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hiveperf/hive/engine/store"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{Name: "db", Summary: "inspect and maintain the database: path | stats | migrate | check | vacuum | bench", Run: runDB})
}

const dbUsage = "usage: hive db path|stats|migrate|check|vacuum|bench [--db PATH] [--json] [--ops N]"

func runDB(ctx context.Context, env *cli.Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return exitcode.UsageError("hive db: missing subcommand; %s", dbUsage)
	}
	sub, rest := args[0], args[1:]
	fs := cli.FlagSet(env, "hive", "db "+sub)
	dbPath := fs.String("db", "", "database file (default $HIVE_DB or ~/.local/share/hive/hive.db)")
	asJSON := fs.Bool("json", false, "print JSON")
	ops := fs.Int("ops", 200, "bench: operations timed per kind")
	if err := cli.ParseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitcode.UsageError("hive db %s: unexpected argument %q; %s", sub, fs.Arg(0), dbUsage)
	}
	path := *dbPath
	if path == "" {
		path = store.DefaultPath(env.Getenv)
	}
	if sub == "path" {
		_, err := fmt.Fprintln(env.Stdout, path)
		return err
	}
	switch sub {
	case "stats", "migrate", "check", "vacuum", "bench":
	default:
		return exitcode.UsageError("hive db: unknown subcommand %q; %s", sub, dbUsage)
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
