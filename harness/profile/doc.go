// Package profile captures pprof and fgprof profiles of the hive binary
// while the workload of one metric family runs, and summarizes them by
// function (github.com/google/pprof/profile): the top functions, flat and
// cumulative, and the change of each function's share against a baseline
// profile. `hivebench profile` (cmd/hivebench/profile.go) is its command
// line; reports.WriteProfiles renders what Run returns.
//
// # Using it
//
//	fam, err := profile.Family("parsing.per_file")           // a family or a metric id
//	res, err := profile.Run(ctx, profile.Options{Family: fam, Out: "profile-out", Top: 15, HiveBin: "bin/hive", …})
//	reports.WriteProfiles(os.Stdout, res)                    // top functions, and the diff with DiffBase
//
// # How each family is profiled
//
//   - parsing: `hive analyze WORKLOAD --no-cache`, profiled through the
//     HIVE_* variables of internal/profiling, which the binary writes at exit.
//   - database: `hive db bench`, profiled the same way.
//   - startup: Runs execs of `hive serve` to the first 200 from /healthz
//     (harness/launch), each profiled through the variables, merged into
//     one profile: one start is too short for a 100 Hz CPU profile.
//   - consensus, memory: `hive serve` against the in-process mock LLM
//     (harness/mockllm), loaded by Concurrency clients for Seconds while
//     /debug/pprof/profile and /debug/fgprof are fetched concurrently; heap
//     and allocs from /debug/pprof after the load; mutex and block through
//     the variables, written when the server stops.
//
// Profiles are written to Out as FAMILY.KIND.pprof. A profile the binary
// did not write, a server that would not start, or a load in which no
// request succeeded is an infrastructure error (exit 3); an interrupted run
// is a *suite.Interrupted. Errors name the flags of `hivebench profile`,
// whose fields Options mirrors.
//
// # What a summary counts
//
// A profile is read by its default sample type, else its last one (CPU
// nanoseconds, fgprof time, mutex delay), as pprof does. A function's flat
// value is the sum over samples whose innermost frame is the function, its
// cumulative value the sum over samples with the function anywhere on the
// stack, counted once per sample; inlined frames count as their own
// functions. A diff compares shares of the total, not raw values: two
// captures of different lengths or load differ in total for no reason in
// the code.
package profile
