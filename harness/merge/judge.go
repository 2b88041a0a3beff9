package merge

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hiveperf/hive/harness/load"
	"github.com/hiveperf/hive/harness/replay"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/workloads"
)

// Verdict is a merged file held to what its whole run would have been
// held to: a replay to its workload manifest's targets, a load run to
// its scenario's thresholds, judged once on the union of the parts.
type Verdict struct {
	// Manifest and Outcomes are a replay's; Manifest is nil when the set
	// has no manifest of the replayed workload (Note says so).
	Manifest *workloads.Manifest
	Outcomes []replay.Outcome
	// Thresholds are a load run's.
	Thresholds []load.ThresholdResult
	Note       string
}

// Judge checks the merged file f: the targets of the workload manifest
// named by a replay's suite (found in set), or the thresholds a load run
// carries.
func Judge(f *results.File, set *workloads.Set) (*Verdict, error) {
	v := &Verdict{}
	if f.Merged != nil && f.Merged.Of == "segment" {
		ts, err := load.JudgeFile(f)
		if err != nil {
			return nil, exitcode.UsageError("merge: %v", err)
		}
		v.Thresholds = ts
		if len(ts) == 0 {
			v.Note = "thresholds: the scenario has none"
		}
		return v, nil
	}
	name, ok := strings.CutPrefix(f.Suite, replay.SuitePrefix)
	if !ok {
		v.Note = fmt.Sprintf("targets: suite %q is not a workload replay's; none checked", f.Suite)
		return v, nil
	}
	if set == nil {
		v.Note = "targets: no workload manifests given; none checked"
		return v, nil
	}
	m, err := set.Get(name)
	if err != nil {
		v.Note = fmt.Sprintf("targets: no manifest named %s (pass it with --manifest to check its targets): %v", name, err)
		return v, nil
	}
	v.Manifest, v.Outcomes = m, replay.CheckResults(f, m.Targets)
	return v, nil
}

// Err is the verdict's exit status: a regression (exit 1) naming every
// missed target or failed threshold, else nil.
func (v *Verdict) Err() error {
	var failed []string
	for _, o := range replay.Missed(v.Outcomes) {
		failed = append(failed, fmt.Sprintf("%s %s (measured %s)", o.Target, o.Bound, o.Measured))
	}
	for _, t := range v.Thresholds {
		if !t.OK {
			failed = append(failed, t.Expr)
		}
	}
	if len(failed) > 0 {
		return exitcode.RegressionError("merged run failed: %s", strings.Join(failed, "; "))
	}
	return nil
}

// WriteText writes the merge for people: what was joined, the whole
// run's figures, and the verdict.
func WriteText(w io.Writer, res *Result, v *Verdict) error {
	f := res.File
	m := f.Merged
	fmt.Fprintf(w, "merged %d %ss of %s", m.Count, m.Of, f.Suite)
	if !f.Workload.IsZero() {
		fmt.Fprintf(w, " (workload %s)", f.Workload)
	}
	fmt.Fprintf(w, "; hive %s\n", binary(f))
	for _, p := range m.Parts {
		fmt.Fprintf(w, "  %s %d/%d: %s (host %s, %s)\n", m.Of, p.Index, m.Count, p.Source, p.Env.HostHash, p.Env.Date.Format(time.RFC3339))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tunit\tn\tp50\tp99\tmax\tfigures\t")
	for _, b := range f.Benchmarks {
		var figs []string
		for _, x := range b.Extra {
			figs = append(figs, fmt.Sprintf("%s %.6g", x.Name, x.Value))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%s\t\n", b.Name, b.Unit, b.Summary.N, b.Summary.P50, b.Summary.P99, b.Summary.Max, strings.Join(figs, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if m.Of == "shard" {
		fmt.Fprintf(w, "wall time is the slowest shard's (the shards side by side), CPU time the shards' sum; per-file samples are every shard's\n")
	}
	if c := f.Load; c != nil {
		fmt.Fprintf(w, "arrivals %d, dropped %d, interrupted %d over the segments together\n", c.Arrivals, c.Dropped, c.Interrupted)
	}
	if v.Note != "" {
		fmt.Fprintln(w, v.Note)
	}
	if v.Manifest != nil {
		replay.WriteOutcomes(w, v.Manifest, v.Outcomes)
	}
	if len(v.Thresholds) > 0 {
		return load.WriteThresholds(w, v.Thresholds)
	}
	return nil
}
