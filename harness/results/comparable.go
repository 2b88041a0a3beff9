package results

import (
	"fmt"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// CheckComparable refuses to compare two results files that did not
// measure the same thing: another schema version, or another workload tree
// (Fingerprint.SameTree: names, sizes and, when both files carry it, the
// content fingerprint). The error is a usage error (exit 2) that names both
// files and what differs, because the fix is on the user's side (pick
// another baseline, or re-run on the same workload).
//
// The warnings say what could not be checked: a file written before
// workload contents were fingerprinted has only names and sizes, so two
// trees that differ in their bytes alone pass as the same. That is allowed
// (old baselines stay usable) but never silent.
//
// Differences in the environment (CPU, kernel, Go version) do not refuse:
// comparing across machines is sometimes the point. EnvDiff lists them so a
// report can warn.
func CheckComparable(a, b *File) ([]string, error) {
	if a == nil || b == nil {
		return nil, exitcode.UsageError("cannot compare: a results file is missing")
	}
	if a.Schema != b.Schema {
		return nil, exitcode.UsageError("cannot compare %s (schema %d) with %s (schema %d): results of different schema versions are not comparable; re-run one side with this hivebench (schema %d)",
			a.Label(), a.Schema, b.Label(), b.Schema, Schema)
	}
	for _, f := range []*File{a, b} {
		if err := f.WholeRun(); err != nil {
			return nil, exitcode.UsageError("cannot compare %s with %s: %v", a.Label(), b.Label(), err)
		}
	}
	if !a.Workload.SameTree(b.Workload) {
		what := "different workloads"
		if a.Workload.Hash == b.Workload.Hash && a.Workload.Files == b.Workload.Files && a.Workload.Bytes == b.Workload.Bytes {
			what = "workloads with the same file names and sizes but different contents"
		}
		return nil, exitcode.UsageError("cannot compare %s with %s: they measured %s (%s vs %s); re-run both on the same workload tree",
			a.Label(), b.Label(), what, a.Workload, b.Workload)
	}
	if a.Workload.IsZero() || a.Workload.ContentCompared(b.Workload) {
		return nil, nil
	}
	var without []string
	for _, f := range []*File{a, b} {
		if f.Workload.Content == "" {
			without = append(without, f.Label())
		}
	}
	return []string{fmt.Sprintf("workload contents not compared: %s %s no content fingerprint (written by an older hivebench), so the trees were matched on file names and sizes only; a tree with the same names and sizes but other bytes would pass as the same. Re-run %s to compare contents too",
		strings.Join(without, " and "), hasHave(len(without)), itThem(len(without)))}, nil
}

// WholeRun refuses a file that holds one part of a split run: a shard
// measured a share of the tree's files and a segment a share of the load,
// so none of their figures stands for the whole run (the files and bytes,
// the wall time, the throughput), although the workload fingerprint is the
// whole tree's.
func (f *File) WholeRun() error {
	switch {
	case f.Shard != nil:
		return fmt.Errorf("%s is shard %s of a sharded replay, which measured only its share of the tree; merge the shards first (hivebench merge)", f.Label(), f.Shard)
	case f.Segment != nil:
		return fmt.Errorf("%s is segment %s of a distributed load run, which offered only its share of the load; merge the segments first (hivebench merge)", f.Label(), f.Segment)
	}
	return nil
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// EnvDiff lists the environment differences between base a and head b
// that can move numbers by themselves, as sentences for a report.
func EnvDiff(a, b *File) []string {
	var out []string
	diff := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s differs: %s (base) vs %s (head)", what, x, y))
		}
	}
	diff("CPU model", a.Env.CPUModel, b.Env.CPUModel)
	diff("logical CPUs", fmt.Sprint(a.Env.Cores), fmt.Sprint(b.Env.Cores))
	diff("GOMAXPROCS", fmt.Sprint(a.Env.GOMAXPROCS), fmt.Sprint(b.Env.GOMAXPROCS))
	diff("OS/arch", a.Env.OS+"/"+a.Env.Arch, b.Env.OS+"/"+b.Env.Arch)
	diff("kernel", a.Env.Kernel, b.Env.Kernel)
	diff("Go version", a.Env.GoVersion, b.Env.GoVersion)
	diff("host", a.Env.HostHash, b.Env.HostHash)
	if a.Env.Dirty {
		out = append(out, "base was built from a dirty tree: its commit does not say exactly what was measured")
	}
	if b.Env.Dirty {
		out = append(out, "head was built from a dirty tree: its commit does not say exactly what was measured")
	}
	if !a.Complete {
		out = append(out, "base is incomplete: "+a.IncompleteReason)
	}
	if !b.Complete {
		out = append(out, "head is incomplete: "+b.IncompleteReason)
	}
	return out
}
