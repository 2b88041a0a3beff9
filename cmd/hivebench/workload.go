package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/replay"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/workloads"
)

func init() {
	app.Register(cli.Command{Name: "workload", Summary: "list, fetch, verify and replay workloads (go-stdlib, linux-6.12, chromium-150, react, typescript, dir:PATH)",
		Usage: workloadUsage,
		Subcommands: []cli.Command{
			{Name: "list", Summary: "every workload manifest and the built-in load scenarios", Run: workloadList},
			{Name: "fetch", Summary: "download, check and unpack into the cache", Run: workloadFetch},
			{Name: "verify", Summary: "fingerprint the tree and compare with the manifest's pin", Run: workloadVerify},
			{Name: "replay", Summary: "run hive analyze cold and warm over the tree and check its targets", Run: workloadReplay},
		}})
}

const workloadUsage = `Usage: hivebench workload <list|fetch|verify|replay> [flags] [NAME...]

  list               every workload manifest (source, size, cache status, targets)
                     and the built-in load scenarios
  fetch NAME...      download, check and unpack into the cache (resumable)
  verify NAME...     fingerprint the tree and compare with the manifest's pin
  replay NAME        run ` + "`hive analyze`" + ` cold and warm over the tree, check the
                     manifest's targets, write a results file with --out

NAME is a manifest name, or dir:PATH for a local tree without a manifest.
Manifests are built in (workloads/*.yaml); add or override with --manifest FILE
or --manifests DIR. Run 'hivebench workload <sub> -h' for the flags of each.

Exit codes: 0 ok; 1 a replay missed a target; 2 bad flag or manifest; 3 a
tool, download, checksum or tree problem ("workload differs", "not fetched").
`

// wlStringList is a repeatable string flag.
type wlStringList []string

func (s *wlStringList) String() string     { return strings.Join(*s, ",") }
func (s *wlStringList) Set(v string) error { *s = append(*s, v); return nil }

// wlFlagSet are the flags every workload subcommand takes.
type wlFlagSet struct {
	manifests wlStringList
	dirs      wlStringList
	cacheDir  string
}

func wlFlags(env *cli.Env, sub, usage string) (*flag.FlagSet, *wlFlagSet) {
	fs := cli.FlagSet(env, "hivebench", "workload "+sub)
	wf := &wlFlagSet{}
	fs.Var(&wf.manifests, "manifest", "add a workload manifest `file` (repeatable); one named like a built-in replaces it")
	fs.Var(&wf.dirs, "manifests", "add every *.yaml manifest in `dir` (repeatable)")
	fs.StringVar(&wf.cacheDir, "cache-dir", "", "workload cache `dir` (default $XDG_CACHE_HOME/hive/workloads or ~/.cache/hive/workloads)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hivebench workload %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs, wf
}

func (wf *wlFlagSet) load() (*workloads.Set, error) {
	return workloads.Load(wf.manifests, wf.dirs)
}

func (wf *wlFlagSet) cache(env *cli.Env) *workloads.Cache {
	dir := wf.cacheDir
	if dir == "" {
		dir = workloads.DefaultDir(env.Getenv)
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return &workloads.Cache{Dir: dir, Getenv: getenv, Log: env.Stderr, Progress: cli.NewProgress(env, "hivebench workload")}
}

func workloadList(ctx context.Context, env *cli.Env, args []string) error {
	fs, wf := wlFlags(env, "list", "list [flags]")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitcode.UsageError("hivebench workload list: takes no arguments, got %s", strings.Join(pos, " "))
	}
	set, err := wf.load()
	if err != nil {
		return err
	}
	c := wf.cache(env)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKLOAD\tSOURCE\tSIZE\tSTATUS\tTARGETS")
	for _, m := range set.All() {
		st := c.State(ctx, m)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Name, m.Source, workloads.SizeOf(m, st), st, m.Targets)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nCache: %s. Descriptions and sources: workloads/*.yaml; NAME may also be dir:PATH.\n", c.Dir)

	fmt.Fprintln(env.Stdout, "\nLoad scenarios (built into harness/load; run with `hivebench load`):")
	tw = tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tDESCRIPTION\tTHRESHOLDS")
	for _, name := range load.BuiltinNames() {
		sc, err := load.Builtin(name)
		if err != nil {
			// A broken embedded scenario is the load package's bug; list
			// the name and why rather than hide the workloads.
			fmt.Fprintf(tw, "%s\t(does not load: %v)\t\n", name, err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, sc.Description, strings.Join(sc.Thresholds, ", "))
	}
	return tw.Flush()
}

func workloadFetch(ctx context.Context, env *cli.Env, args []string) error {
	fs, wf := wlFlags(env, "fetch", "fetch [flags] NAME...")
	force := fs.Bool("force", false, "fetch and unpack again even if the tree is cached")
	keep := fs.Bool("keep-downloads", false, "keep the downloaded artefacts (NAME.partial/) after unpacking")
	names, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fs.Usage()
		return exitcode.UsageError("hivebench workload fetch: want at least one NAME (see `hivebench workload list`)")
	}
	set, err := wf.load()
	if err != nil {
		return err
	}
	ms, err := wlManifests(set, names)
	if err != nil {
		return err
	}
	c := wf.cache(env)
	for _, m := range ms {
		rep, err := c.Fetch(ctx, m, workloads.FetchOptions{Force: *force, KeepDownloads: *keep})
		if err != nil {
			return err
		}
		rep.WriteText(env.Stdout, m)
	}
	return nil
}

func workloadVerify(ctx context.Context, env *cli.Env, args []string) error {
	fs, wf := wlFlags(env, "verify", "verify [flags] NAME...")
	names, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fs.Usage()
		return exitcode.UsageError("hivebench workload verify: want at least one NAME (see `hivebench workload list`)")
	}
	set, err := wf.load()
	if err != nil {
		return err
	}
	ms, err := wlManifests(set, names)
	if err != nil {
		return err
	}
	c := wf.cache(env)
	var failed []error
	for _, m := range ms {
		v, err := c.Verify(ctx, m)
		if err != nil {
			return err
		}
		v.WriteText(env.Stdout)
		if err := v.Err(); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

func workloadReplay(ctx context.Context, env *cli.Env, args []string) error {
	fs, wf := wlFlags(env, "replay", "replay [flags] NAME")
	hiveBin := fs.String("hive-bin", "bin/hive", "the hive `binary` to measure")
	out := fs.String("out", "", "write the results `file` (JSON, harness results format) for baselines and gates")
	runs := fs.Int("runs", 1, "cold+warm pairs to run (wall times are checked at their median)")
	jobs := fs.Int("jobs", 0, "pass --jobs to hive analyze (0: its default, GOMAXPROCS)")
	workDir := fs.String("work-dir", "", "`dir` for the scratch databases (default the system temp dir)")
	baseline := fs.Bool("baseline", false, "also run the parse-only baseline (hive analyze --parse-only) after each pair and report cold/parse-only (on by default when the manifest sets parse_only_ratio_max)")
	names, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(names) != 1:
		fs.Usage()
		return exitcode.UsageError("hivebench workload replay: want exactly one NAME, got %d (see `hivebench workload list`)", len(names))
	case *runs < 1:
		return exitcode.UsageError("hivebench workload replay: --runs %d: want 1 or more", *runs)
	case *jobs < 0:
		return exitcode.UsageError("hivebench workload replay: --jobs %d: want 0 (default) or more", *jobs)
	}
	set, err := wf.load()
	if err != nil {
		return err
	}
	m, err := set.Get(names[0])
	if err != nil {
		return err
	}
	c := wf.cache(env)
	v, err := c.Verify(ctx, m)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	tree := &workloads.Tree{Manifest: m, Root: v.Root, Fingerprint: v.Measured, Content: v.MeasuredContent}
	rep, runErr := replay.Measure(ctx, tree, replay.Options{HiveBin: *hiveBin, Jobs: *jobs, Runs: *runs, WorkDir: *workDir, Log: env.Stderr,
		Baseline: *baseline || m.Targets.ParseOnlyRatioMax > 0})
	if rep == nil {
		return runErr
	}
	replay.WriteText(env.Stdout, rep)
	outcomes := rep.Check(m.Targets)
	replay.WriteOutcomes(env.Stdout, m, outcomes)
	if *out != "" && len(rep.Runs) > 0 {
		f := rep.Results()
		if err := f.Write(*out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "results: %s\n", *out)
	}
	if runErr != nil {
		return runErr
	}
	if missed := replay.Missed(outcomes); len(missed) > 0 {
		names := make([]string, len(missed))
		for i, o := range missed {
			names[i] = fmt.Sprintf("%s %s (measured %s)", o.Target, o.Bound, o.Measured)
		}
		return exitcode.RegressionError("workload %s missed %d target(s): %s", m.Name, len(missed), strings.Join(names, "; "))
	}
	return nil
}

func wlManifests(set *workloads.Set, names []string) ([]*workloads.Manifest, error) {
	out := make([]*workloads.Manifest, 0, len(names))
	for _, n := range names {
		m, err := set.Get(n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
