package main

import (
	"context"
	"fmt"

	"github.com/hiveperf/hive/harness/profile"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/reports"
)

func init() {
	app.Register(cli.Command{
		Name:    "profile",
		Summary: "capture pprof/fgprof profiles of hive while a metric's workload runs; print the top functions",
		Run:     runProfile,
	})
}

const profileUsage = `Usage: hivebench profile METRIC [flags]

Captures profiles of a hive binary while the workload of METRIC (a family or
a metric id: startup, memory, parsing, consensus, database) runs, writes
them to --out and prints the top functions of each (flat and cumulative),
aggregated by function with github.com/google/pprof/profile.

  parsing    hive analyze WORKLOAD --no-cache, profiled through HIVE_* env vars
  database   hive db bench, profiled through HIVE_* env vars
  startup    --runs execs of hive serve to its first /healthz 200, each
             profiled through HIVE_* env vars, merged into one profile
  consensus  hive serve against the in-process mock LLM, driven by
  memory     --concurrency clients for --seconds while /debug/pprof/profile
             and /debug/fgprof are fetched concurrently; heap and allocs from
             /debug/pprof after the load, mutex and block written at exit

With no profile flag, --cpu and --fgprof. With --diff-base, each captured
profile of the same sample type is also diffed against that profile (the
top changes in each function's share of the total).

Flags:
`

func runProfile(ctx context.Context, env *cli.Env, args []string) error {
	opts, err := profileOptions(env, args)
	if err != nil {
		return err
	}
	opts.Progress = progressTo(env.Stderr, "hivebench profile")
	res, err := profile.Run(ctx, opts)
	// The profiles read before a failure are printed first.
	if werr := reports.WriteProfiles(env.Stdout, res); werr != nil {
		return werr
	}
	return err
}

// profileOptions parses the flags and the METRIC argument.
func profileOptions(env *cli.Env, args []string) (profile.Options, error) {
	fs := cli.FlagSet(env, "hivebench", "profile")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), profileUsage)
		fs.PrintDefaults()
	}
	kinds := map[string]*bool{}
	for _, k := range profile.Kinds {
		kinds[k.Name] = fs.Bool(k.Name, false, "capture the "+k.Name+" profile")
	}
	out := fs.String("out", "profile-out", "`directory` for the profiles")
	diffBase := fs.String("diff-base", "", "baseline `profile` to diff each captured profile of the same sample type against")
	top := fs.Int("top", 15, "functions to print per profile")
	hiveBin := fs.String("hive-bin", defaultHiveBin, "hive `binary` to profile")
	workload := fs.String("workload", "", "source `dir` for parsing (default: the suite's, under GOROOT)")
	suiteName := fs.String("suite", "quick", "`suite` whose workload parsing uses")
	seconds := fs.Int("seconds", 10, "consensus, memory: seconds of load and of the CPU and fgprof capture")
	runs := fs.Int("runs", 20, "startup: execs to profile and merge")
	concurrency := fs.Int("concurrency", 8, "consensus, memory: clients sending requests at once")
	dbOps := fs.Int("ops", 2000, "database: hive db bench --ops")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return profile.Options{}, err
	}
	if len(pos) != 1 {
		return profile.Options{}, exitcode.UsageError("hivebench profile: want one METRIC (startup, memory, parsing, consensus, database or a metric id such as parsing.per_file); got %d arguments", len(pos))
	}
	family, err := profile.Family(pos[0])
	if err != nil {
		return profile.Options{}, err
	}
	opts := profile.Options{Family: family, Out: *out, DiffBase: *diffBase, Top: *top, HiveBin: *hiveBin, Workload: *workload,
		Suite: *suiteName, Seconds: *seconds, Runs: *runs, Concurrency: *concurrency, DBOps: *dbOps}
	for _, k := range profile.Kinds {
		if *kinds[k.Name] {
			opts.Kinds = append(opts.Kinds, k)
		}
	}
	return opts, nil
}
