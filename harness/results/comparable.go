package results

import (
	"fmt"

	"github.com/hiveperf/hive/engine/exitcode"
)

// CheckComparable refuses to compare two results files that did not
// measure the same thing: another schema version, or another workload tree.
// The error is a usage error (exit 2) that names both files and what
// differs, because the fix is on the user's side (pick another baseline, or
// re-run on the same workload).
//
// Differences in the environment (CPU, kernel, Go version) do not refuse:
// comparing across machines is sometimes the point. EnvDiff lists them so a
// report can warn.
func CheckComparable(a, b *File) error {
	if a == nil || b == nil {
		return exitcode.UsageError("cannot compare: a results file is missing")
	}
	if a.Schema != b.Schema {
		return exitcode.UsageError("cannot compare %s (schema %d) with %s (schema %d): results of different schema versions are not comparable; re-run one side with this hivebench (schema %d)",
			a.Label(), a.Schema, b.Label(), b.Schema, Schema)
	}
	if !a.Workload.SameTree(b.Workload) {
		return exitcode.UsageError("cannot compare %s with %s: they measured different workloads (%s vs %s); re-run both on the same workload tree",
			a.Label(), b.Label(), a.Workload, b.Workload)
	}
	return nil
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
