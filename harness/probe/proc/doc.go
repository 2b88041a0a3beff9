// Package proc runs the processes the probes measure: the real `hive`
// binary, started as a child of the harness, watched from outside.
//
// It holds five small tools, each in its own file:
//
//   - Start (process.go) runs a command with its stderr kept as a tail of
//     the last lines (Tail), so a failure can be reported with what the
//     binary said, and a per-line callback, so a caller can wait for a line
//     such as the one `hive serve` prints once it listens. The child is
//     stopped with SIGTERM, then SIGKILL after a grace period, when ctx is
//     canceled or Terminate is called; it also gets SIGKILL if the harness
//     dies (Pdeathsig), so a crashed benchmark run leaves no orphans.
//   - ReadStatus (status.go) reads VmRSS and VmHWM of a live process from
//     /proc/PID/status.
//   - ReadCPU (cpu.go) reads the CPU time a live process has used, summed
//     over its threads from /proc/PID/task/TID/schedstat (nanoseconds).
//   - WaitHTTP (ready.go) polls a URL until it answers 200, bounded by a
//     deadline and by the process exiting.
//   - StartPeakRSS (peakrss.go) runs a command to completion and reports its
//     peak RSS from the kernel's rusage, through a small trampoline process.
//
// # Why peak RSS needs a trampoline
//
// Linux carries the parent's memory high-water mark into the child: at
// exec the kernel records the hiwater RSS of the address space being
// replaced, and a child made by fork or vfork (Go uses vfork) replaces a
// copy of, or the very, address space of its parent. So ru_maxrss of a
// child of a 400 MB harness is at least 400 MB, whatever the child did
// (TestPeakRSSIsTheChildsNotTheParents shows a `/bin/true` inheriting its
// parent's 200 MB). StartPeakRSS therefore
// re-executes the current binary as a fresh, small trampoline that starts
// the real command and reports the child's ru_maxrss back over a pipe. The
// trampoline's own RSS (a few MB) is still a floor under the figure; it is
// reported (PeakRSS.FloorBytes) and a peak at or under it is an error, not
// a number.
//
// The trampoline is entered from this package's init when the process was
// started with TrampolineArg as its first argument and TrampolineEnv set, so
// every binary that links this package (hivebench, test binaries) can serve
// as one without changes to its main.
//
// Only Linux is supported: /proc and Pdeathsig are Linux features.
package proc
