package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hiveperf/hive/harness/merge"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{
		Name:    "merge",
		Summary: "join the shards of a replay or the segments of a load run into the whole run's results; check its targets or thresholds",
		Run:     runMerge,
	})
}

const mergeUsage = `Usage: hivebench merge FILE... --out MERGED.json

Joins the results files of the N shards of one workload replay
(hivebench workload replay --shard I/N) or the N segments of one load run
(hivebench load --segment I/N) into the results file of the whole run, which
compare, gate, validate and baseline take like any other. Per-file and
per-request samples are pooled (so percentiles are exact), counts add up,
wall time is the slowest part's, CPU time the parts' sum, peak RSS the
largest part's. Then it holds the whole run to what it would have been held
to: a replay to its workload manifest's targets, a load run to its
scenario's thresholds, judged once on the union.

Exit codes: 0 ok; 1 a target missed or a threshold failed (the merged file
is still written); 2 the files are not the N parts of one run (a part
missing or given twice, another workload, binary, suite or N: the error
names it); 3 a part stopped early (the merged file is written, incomplete).

Flags:
`

func runMerge(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "merge")
	wf := &wlFlagSet{}
	fs.Var(&wf.manifests, "manifest", "add a workload manifest `file` (repeatable), whose targets a merged replay of it is held to")
	fs.Var(&wf.dirs, "manifests", "add every *.yaml manifest in `dir` (repeatable)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), mergeUsage)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "write the merged results `file` (required)")
	paths, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *out == "":
		fs.Usage()
		return exitcode.UsageError("hivebench merge: --out is required: the merged results file is what the merge is for")
	case len(paths) == 0:
		fs.Usage()
		return exitcode.UsageError("hivebench merge: want the N results files of one run's shards or segments")
	}
	if err := checkOutDir("--out", *out); err != nil {
		return err
	}
	parts := make([]*results.File, len(paths))
	for i, p := range paths {
		if parts[i], err = results.Read(p); err != nil {
			return err
		}
	}
	res, err := merge.Merge(parts)
	if err != nil {
		return err
	}
	set, err := wf.load()
	if err != nil {
		return err
	}
	v, err := merge.Judge(res.File, set)
	if err != nil {
		return err
	}
	if err := res.File.Write(*out); err != nil {
		return err
	}
	werr := merge.WriteText(env.Stdout, res, v)
	fmt.Fprintf(env.Stdout, "merged results: %s\n", *out)
	// A missed target keeps exit 1 whatever else went wrong.
	if err := v.Err(); err != nil {
		return err
	}
	if !res.File.Complete {
		return errors.Join(werr, exitcode.InfraError("hivebench merge: %s", res.File.IncompleteReason))
	}
	return werr
}
