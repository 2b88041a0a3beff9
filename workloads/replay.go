package workloads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/stats"
	"github.com/hiveperf/hive/internal/exitcode"
)

// ReplayOptions configure a replay.
type ReplayOptions struct {
	// HiveBin is the hive binary to measure (default "bin/hive").
	HiveBin string
	// Jobs is passed as `hive analyze --jobs` (0: the binary's default).
	Jobs int
	// Runs is the number of cold+warm pairs (default 1: a large tree takes
	// minutes per run).
	Runs int
	// WorkDir holds the scratch databases and per-file outputs (default the
	// system temp directory); everything made there is removed afterwards.
	WorkDir string
	// Env is the environment the child starts from (default the
	// process's); HIVE_*, OPENROUTER_API_KEY and XDG_CONFIG_HOME are
	// removed so a user's config or database never changes what is measured.
	Env []string
	// Log receives one line per run; nil is silent.
	Log io.Writer
	// Baseline adds a parse-only run (`hive analyze --parse-only`) after
	// each cold+warm pair, so the cold time can be stated as a multiple of
	// tree-sitter's parse time on the same tree (parsing.vs_parse_only).
	// It runs last in the pair: if the page cache favours anyone, it
	// favours the baseline, which makes the ratio conservative.
	Baseline bool
}

// Run is one `hive analyze` process over the tree.
type Run struct {
	// Warm is false for the cold run (--no-cache on a fresh database) and
	// true for the unchanged rerun on the same database.
	Warm bool
	// ParseOnly marks a baseline run (`hive analyze --parse-only`, no
	// database, no per-file output); it is neither cold nor warm.
	ParseOnly bool
	// Wall is exec to exit of the analyze process (through the peak-RSS
	// trampoline of harness/probe/proc, which adds a few milliseconds).
	Wall time.Duration
	// Files and Bytes are the analysed source files (the summary's figures).
	Files int
	Bytes int64
	// Cached is how many files came from the database unchanged; a warm run
	// wants all of them.
	Cached int
	// Skipped and Errors count files hive left out (not source, too big,
	// unreadable).
	Skipped, Errors int
	// PeakRSS is the analyze process's ru_maxrss in bytes; 0 when it was
	// not above the measuring trampoline's own peak (then PeakRSSAtMost).
	PeakRSS int64
	// PeakRSSAtMost is set instead of PeakRSS for a process so small that
	// the kernel's figure is the trampoline's (harness/probe/proc): its own
	// peak is unknown but at most this. Enough to check a ceiling, not a
	// sample for a distribution.
	PeakRSSAtMost int64
	// PerFileMS is the latency of every analysed file (latency_us of
	// --files-out), in milliseconds, in output order.
	PerFileMS []float64
}

// PeakRSSString is the peak RSS for people: "193.6 MB", or "≤ 19.9 MB"
// when only an upper bound is known.
func (r Run) PeakRSSString() string {
	if r.PeakRSS == 0 && r.PeakRSSAtMost > 0 {
		return "≤ " + FormatBytes(r.PeakRSSAtMost)
	}
	return FormatBytes(r.PeakRSS)
}

// FilesPerSec is analysed files per second of wall time.
func (r Run) FilesPerSec() float64 { return float64(r.Files) / r.Wall.Seconds() }

// MBPerSec is analysed megabytes (10^6 bytes) per second of wall time.
func (r Run) MBPerSec() float64 { return float64(r.Bytes) / 1e6 / r.Wall.Seconds() }

// Replay is the outcome of replaying a workload.
type Replay struct {
	Tree *Tree
	// Hive identifies the measured binary (`hive version --json`).
	Hive HiveVersion
	Runs []Run
	// Complete is false when the replay stopped early (Reason says why).
	Complete bool
	Reason   string
}

// HiveVersion is the part of `hive version --json` a results file records.
type HiveVersion struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Dirty   bool   `json:"dirty"`
}

// Cold returns the cold runs.
func (r *Replay) Cold() []Run { return r.filter(func(x Run) bool { return !x.Warm && !x.ParseOnly }) }

// Warm returns the warm runs.
func (r *Replay) Warm() []Run { return r.filter(func(x Run) bool { return x.Warm }) }

// Baselines returns the parse-only runs.
func (r *Replay) Baselines() []Run { return r.filter(func(x Run) bool { return x.ParseOnly }) }

// Ratios returns, for every pair that has both, the cold run's wall time
// over the parse-only baseline's.
func (r *Replay) Ratios() []float64 {
	cold, base := r.Cold(), r.Baselines()
	out := make([]float64, 0, len(base))
	for i := range min(len(cold), len(base)) {
		out = append(out, cold[i].Wall.Seconds()/base[i].Wall.Seconds())
	}
	return out
}

func (r *Replay) filter(keep func(Run) bool) []Run {
	var out []Run
	for _, x := range r.Runs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// Replay runs `hive analyze` over the tree as a subprocess, Runs times a
// cold run (--no-cache, fresh database) followed by a warm run (the same
// command without --no-cache on the same database: nothing changed, so
// everything should come from the store). "Cold" is about hive's cache, not
// the OS page cache: the tree was just fingerprinted, so its files are
// usually in memory, which is what a developer rerunning hive sees too.
//
// A binary that is missing, fails or breaks its output contract is an
// infrastructure error (exit 3). When ctx ends, the runs done so far are
// returned with the error, marked incomplete.
func RunReplay(ctx context.Context, tree *Tree, opts ReplayOptions) (*Replay, error) {
	if opts.HiveBin == "" {
		opts.HiveBin = "bin/hive"
	}
	if opts.Runs <= 0 {
		opts.Runs = 1
	}
	bin, err := hiveBinary(opts.HiveBin)
	if err != nil {
		return nil, err
	}
	env := childEnv(opts.Env)
	hv, err := hiveVersion(ctx, bin, env)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(opts.WorkDir, "hivebench-replay-")
	if err != nil {
		return nil, exitcode.InfraError("replay: scratch directory: %v", unwrapPath(err))
	}
	defer os.RemoveAll(work)

	brief := briefFilesOut(ctx, bin, env)
	rep := &Replay{Tree: tree, Hive: hv}
	for i := 1; i <= opts.Runs; i++ {
		dir := filepath.Join(work, "run"+strconv.Itoa(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return rep, exitcode.InfraError("replay: %v", err)
		}
		db := filepath.Join(dir, "hive.db")
		kinds := []string{"cold", "warm"}
		if opts.Baseline {
			kinds = append(kinds, "parse-only")
		}
		for _, kind := range kinds {
			label := fmt.Sprintf("replay %s: %s run %d/%d", tree.Manifest.Name, kind, i, opts.Runs)
			if opts.Log != nil {
				fmt.Fprintf(opts.Log, "%s: %s analyze %s ...\n", label, bin, tree.Root)
			}
			run, err := analyzeOnce(ctx, bin, env, tree.Root, db, filepath.Join(dir, kind+".ndjson"), kind, opts.Jobs, brief)
			if err != nil {
				rep.Reason = fmt.Sprintf("stopped in %s: %v", label, err)
				return rep, err
			}
			rep.Runs = append(rep.Runs, run)
			if opts.Log != nil {
				fmt.Fprintf(opts.Log, "%s: %s, %d files (%d cached), %.0f files/s, %.1f MB/s, peak RSS %s\n",
					label, run.Wall.Round(time.Millisecond), run.Files, run.Cached, run.FilesPerSec(), run.MBPerSec(), run.PeakRSSString())
			}
		}
		_ = os.RemoveAll(dir) // a kernel-sized database need not outlive its pair
	}
	rep.Complete = true
	return rep, nil
}

func hiveBinary(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", exitcode.UsageError("--hive-bin %s: %v", p, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", exitcode.InfraError("hive binary %s not found: build it with `make build` (or `go build -tags sqlite_fts5 -o bin/hive ./cmd/hive`), or pass --hive-bin", p)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", exitcode.InfraError("hive binary %s is not an executable file; pass --hive-bin with the path of a built hive", p)
	}
	return abs, nil
}

// childEnv strips what would let the user's own setup leak into the
// measurement (their database, config, API key).
func childEnv(base []string) []string {
	if base == nil {
		base = os.Environ()
	}
	out := make([]string, 0, len(base))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HIVE_") || k == "OPENROUTER_API_KEY" || k == "XDG_CONFIG_HOME" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func hiveVersion(ctx context.Context, bin string, env []string) (HiveVersion, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return HiveVersion{}, ctx.Err()
		}
		var ee *exec.ExitError
		tail := ""
		if errors.As(err, &ee) {
			tail = lastLines(string(ee.Stderr), 3)
		}
		return HiveVersion{}, exitcode.InfraError("%s version --json failed (%v) %s: is it a hive binary?", bin, err, tail)
	}
	var v HiveVersion
	if err := json.Unmarshal(out, &v); err != nil || v.Commit == "" {
		return HiveVersion{}, exitcode.InfraError("%s version --json printed %q, not hive's version JSON: is it a hive binary?", bin, clip(string(out), 80))
	}
	return v, nil
}

// analyzeSummary is the part of `hive analyze --format json` a replay reads
// (engine/parse Summary).
type analyzeSummary struct {
	Files    *int   `json:"files"`
	Bytes    *int64 `json:"bytes"`
	Cached   int    `json:"cached"`
	Skipped  int    `json:"skipped"`
	Errors   int    `json:"errors"`
	Complete *bool  `json:"complete"`
	// ParseOnly is true in the summary of a --parse-only run.
	ParseOnly bool `json:"parse_only"`
}

// briefFilesOut reports whether bin's analyze takes --files-out-symbols:
// then every run writes the same lean per-file records (counts, latency,
// status), which is all a replay reads. An older binary writes each file's
// symbols too, hundreds of MB for a kernel, inside the timed cold run; its
// parse-only baseline then writes no per-file records, as before.
func briefFilesOut(ctx context.Context, bin string, env []string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "analyze", "--help")
	cmd.Env = env
	out, _ := cmd.CombinedOutput() // --help may exit non-zero; the text is what counts
	return strings.Contains(string(out), "files-out-symbols")
}

// analyzeOnce runs `hive analyze` once; kind is "cold" (--no-cache),
// "warm" (the same database again) or "parse-only" (the baseline: no
// database). With brief, every kind writes lean per-file records to
// filesOut, so that the baseline pays for the same output as the runs it
// is compared with; without, only cold and warm write them (with symbols).
func analyzeOnce(ctx context.Context, bin string, env []string, root, db, filesOut, kind string, jobs int, brief bool) (Run, error) {
	warm, parseOnly := kind == "warm", kind == "parse-only"
	args := []string{"analyze", "--format", "json", "--progress=false"}
	switch kind {
	case "cold":
		args = append(args, "--files-out", filesOut, "--db", db, "--no-cache")
	case "warm":
		args = append(args, "--files-out", filesOut, "--db", db)
	case "parse-only":
		args = append(args, "--parse-only")
		if brief {
			args = append(args, "--files-out", filesOut)
		}
	}
	if brief {
		args = append(args, "--files-out-symbols=false")
	}
	if jobs > 0 {
		args = append(args, "--jobs", strconv.Itoa(jobs))
	}
	args = append(args, root)
	var stdout strings.Builder
	p, err := proc.StartPeakRSS(ctx, proc.Spec{Path: bin, Args: args, Env: env, Stdout: &stdout})
	if err != nil {
		if ctx.Err() != nil {
			return Run{}, ctx.Err()
		}
		return Run{}, exitcode.InfraError("replay: %v", err)
	}
	peak, perr := p.Peak(ctx)
	if ctx.Err() != nil {
		return Run{}, stopInterrupted(ctx, p)
	}
	cmdline := "hive " + strings.Join(args, " ")
	if peak.ExitCode != 0 {
		return Run{}, exitcode.InfraError("replay: %s exited with %s: %s", cmdline, peak.Exit, lastLines(p.Tail(), 6))
	}
	run := Run{Warm: warm, ParseOnly: parseOnly, Wall: p.ExitedAt().Sub(p.Started), PeakRSS: peak.Bytes}
	if perr != nil {
		if peak.FloorBytes <= 0 || peak.Bytes > peak.FloorBytes {
			return Run{}, exitcode.InfraError("replay: %v", perr)
		}
		run.PeakRSS, run.PeakRSSAtMost = 0, peak.FloorBytes
	}
	bad := func(format string, a ...any) error {
		return exitcode.InfraError("replay: %s: %s", cmdline, fmt.Sprintf(format, a...))
	}
	var sum analyzeSummary
	if err := json.Unmarshal([]byte(stdout.String()), &sum); err != nil {
		return Run{}, bad("--format json printed something that is not a summary object (%v): %q", err, clip(stdout.String(), 120))
	}
	switch {
	case sum.Files == nil || sum.Bytes == nil || sum.Complete == nil:
		return Run{}, bad("the summary lacks files, bytes or complete")
	case !*sum.Complete:
		return Run{}, bad("the summary says the walk did not complete")
	case !warm && sum.Cached != 0:
		return Run{}, bad("%d files came from the cache despite --no-cache on a fresh database", sum.Cached)
	case *sum.Files == 0:
		return Run{}, exitcode.UsageError("replay: %s has no files hive analyzes (Go, C, C++, JavaScript, TypeScript, Python, Rust, Java); pick a source tree", root)
	}
	run.Files, run.Bytes, run.Cached, run.Skipped, run.Errors = *sum.Files, *sum.Bytes, sum.Cached, sum.Skipped, sum.Errors
	if parseOnly {
		if !sum.ParseOnly {
			return Run{}, bad("the summary of a --parse-only run does not say parse_only: the binary predates the baseline mode")
		}
		_ = os.Remove(filesOut)
		return run, nil
	}
	perFile, bytes, err := probe.ReadFileLatencies(filesOut, warm)
	if err != nil {
		return Run{}, bad("--files-out %s: %v", filesOut, err)
	}
	if len(perFile) != run.Files || bytes != run.Bytes {
		return Run{}, bad("--files-out has %d analysed files of %d bytes but the summary says %d files of %d bytes", len(perFile), bytes, run.Files, run.Bytes)
	}
	run.PerFileMS = perFile
	_ = os.Remove(filesOut) // a kernel's NDJSON is tens of MB, hundreds with symbols
	return run, nil
}

// stopInterrupted stops the analyze of an interrupted replay and returns
// only once it is gone, so that the caller may remove the work directory:
// proc stops the child when ctx ends (SIGTERM, SIGKILL after its grace),
// but Peak returns at once, and the database and per-file output the child
// is still closing live in that directory.
func stopInterrupted(ctx context.Context, p *proc.PeakProcess) error {
	// Terminate returns once the trampoline is reaped, and the trampoline
	// waits for hive analyze, unless it had to be killed: then hive
	// analyze dies of Pdeathsig and its exit is seen in the process group
	// the trampoline leads.
	err := p.Terminate()
	if gerr := waitGroupGone(p.Pid(), 10*time.Second); gerr != nil {
		err = errors.Join(err, gerr)
	}
	if err != nil {
		return errors.Join(ctx.Err(), exitcode.InfraError("replay: stopping %s: %v", p.Path(), err))
	}
	return ctx.Err()
}

// waitGroupGone waits until no running process is left in process group
// pgid (zombies do not count: they hold no files), SIGKILLing the group
// once half of limit has passed. It reads /proc.
func waitGroupGone(pgid int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	killed := false
	for {
		alive, err := groupAlive(pgid)
		if err != nil || !alive {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process group %d still has a running process %v after SIGKILL", pgid, limit)
		}
		if !killed && time.Until(deadline) < limit/2 {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			killed = true
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// groupAlive reports whether a process that is not a zombie is in group
// pgid.
func groupAlive(pgid int) (bool, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		// "pid (comm) state ppid pgrp …"; comm may hold spaces and parens.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			return true, nil
		}
	}
	return false, nil
}

// The benchmark ids a replay writes. The cold ones are the ids
// harness/probe uses for the same measurements, so a replay's results
// compare with a probe run's on the same tree.
const (
	BenchWall        = "parsing.wall"
	BenchFilesPerSec = "parsing.files_per_sec"
	BenchMBPerSec    = "parsing.mb_per_sec"
	BenchPerFile     = "parsing.per_file"
	BenchPeakRSS     = "memory.analyze_peak_rss"
	BenchWarmWall    = "parsing.warm_wall"
	BenchWarmPerFile = "parsing.warm_per_file"
	BenchWarmPeakRSS = "memory.analyze_warm_peak_rss"
	BenchParseOnly   = "parsing.parse_only_wall"
	BenchVsParseOnly = "parsing.vs_parse_only"
	// ReplaySuitePrefix + the workload's name is a replay's suite.
	ReplaySuitePrefix = "workload-replay:"

	perFileUnit = "ms/file"
	wallUnit    = "s"
)

// Results returns the replay as a results file (harness/results), suite
// "workload-replay:NAME", with the tree's fingerprint and the measured
// binary's commit.
func (r *Replay) Results() *results.File {
	suite := ReplaySuitePrefix + "unnamed"
	if r.Tree != nil && r.Tree.Manifest != nil {
		suite = ReplaySuitePrefix + r.Tree.Manifest.Name
	}
	var fp results.Fingerprint
	if r.Tree != nil {
		fp = r.Tree.Fingerprint
	}
	f := results.NewFile(suite, fp)
	if r.Hive.Commit != "" {
		f.Env.Commit, f.Env.Dirty = r.Hive.Commit, r.Hive.Dirty
	}
	cold, warm := r.Cold(), r.Warm()
	add := func(name string, fam results.Family, unit string, dir results.Direction, samples []float64, extra ...results.Figure) {
		if len(samples) == 0 {
			return
		}
		f.Add(results.Benchmark{Name: name, Metric: fam, Unit: unit, Direction: dir, Samples: samples, Summary: stats.Summarize(samples), Extra: extra})
	}
	peaks := func(runs []Run) []float64 {
		var out []float64
		for _, x := range runs {
			if x.PeakRSS > 0 {
				out = append(out, float64(x.PeakRSS))
			}
		}
		return out
	}
	each := func(runs []Run, v func(Run) float64) []float64 {
		out := make([]float64, len(runs))
		for i, x := range runs {
			out[i] = v(x)
		}
		return out
	}
	perFile := func(runs []Run) []float64 {
		var out []float64
		for _, x := range runs {
			out = append(out, x.PerFileMS...)
		}
		return out
	}
	if len(cold) > 0 {
		add(BenchWall, results.Parsing, wallUnit, results.LowerIsBetter, each(cold, func(x Run) float64 { return x.Wall.Seconds() }),
			results.Figure{Name: "files", Value: float64(cold[0].Files), Unit: "files"},
			results.Figure{Name: "bytes", Value: float64(cold[0].Bytes), Unit: "B"},
			results.Figure{Name: "skipped", Value: float64(cold[0].Skipped), Unit: "files"})
		add(BenchFilesPerSec, results.Parsing, "files/s", results.HigherIsBetter, each(cold, Run.FilesPerSec))
		add(BenchMBPerSec, results.Parsing, "MB/s", results.HigherIsBetter, each(cold, Run.MBPerSec))
		add(BenchPerFile, results.Parsing, perFileUnit, results.LowerIsBetter, perFile(cold))
		add(BenchPeakRSS, results.Memory, "bytes", results.LowerIsBetter, peaks(cold))
	}
	if len(warm) > 0 {
		add(BenchWarmWall, results.Parsing, wallUnit, results.LowerIsBetter, each(warm, func(x Run) float64 { return x.Wall.Seconds() }),
			results.Figure{Name: "cached", Value: float64(warm[0].Cached), Unit: "files"})
		add(BenchWarmPerFile, results.Parsing, perFileUnit, results.LowerIsBetter, perFile(warm))
		add(BenchWarmPeakRSS, results.Memory, "bytes", results.LowerIsBetter, peaks(warm))
	}
	if base := r.Baselines(); len(base) > 0 {
		add(BenchParseOnly, results.Parsing, wallUnit, results.LowerIsBetter, each(base, func(x Run) float64 { return x.Wall.Seconds() }),
			results.Figure{Name: "files", Value: float64(base[0].Files), Unit: "files"})
		add(BenchVsParseOnly, results.Parsing, "x", results.LowerIsBetter, r.Ratios())
	}
	if r.Complete {
		f.MarkComplete()
	} else {
		reason := r.Reason
		if reason == "" {
			reason = "replay stopped early"
		}
		f.MarkIncomplete(reason)
	}
	return f
}

// Outcome is one manifest target checked against a replay.
type Outcome struct {
	Target   string // e.g. "cold_wall_max"
	Bound    string // "≤ 5m0s"
	Measured string // "3m12s (p50 of 1 cold run)"
	OK       bool
	// Missing is true when the replay has no data for the target (it
	// stopped before that run); such a target is neither met nor missed.
	Missing bool
}

// Check holds the replay to the manifest's targets. Wall times and
// throughput use the median over runs (one run: that run); peak RSS uses
// the largest of all runs, cold and warm, because a memory ceiling is a
// ceiling; per-file latency uses the pooled per-file samples of the cold
// runs.
func (r *Replay) Check(t Targets) []Outcome {
	var out []Outcome
	cold, warm := r.Cold(), r.Warm()
	durTarget := func(name string, bound time.Duration, v float64, n int, what string) {
		if bound <= 0 {
			return
		}
		o := Outcome{Target: name, Bound: "≤ " + bound.String()}
		if n == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			d := time.Duration(v * float64(time.Second))
			o.OK = d <= bound
			o.Measured = fmt.Sprintf("%s (%s)", roundDur(d), what)
		}
		out = append(out, o)
	}
	coldWalls := make([]float64, len(cold))
	for i, x := range cold {
		coldWalls[i] = x.Wall.Seconds()
	}
	warmWalls := make([]float64, len(warm))
	for i, x := range warm {
		warmWalls[i] = x.Wall.Seconds()
	}
	durTarget("cold_wall_max", t.ColdWallMax, median(coldWalls), len(cold), fmt.Sprintf("median of %d cold run(s)", len(cold)))
	durTarget("warm_wall_max", t.WarmWallMax, median(warmWalls), len(warm), fmt.Sprintf("median of %d warm run(s)", len(warm)))
	if t.PeakRSSMax > 0 {
		o := Outcome{Target: "peak_rss_max", Bound: "≤ " + FormatBytes(t.PeakRSSMax)}
		// An upper bound (PeakRSSAtMost) at or under the ceiling proves
		// the ceiling is met; above it, the target counts as missed, since
		// nothing shows it was met.
		var peak int64
		bound := false
		for _, x := range r.Runs {
			if v := max(x.PeakRSS, x.PeakRSSAtMost); v > peak {
				peak, bound = v, x.PeakRSS == 0
			}
		}
		if len(r.Runs) == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			o.OK = peak <= t.PeakRSSMax
			at := ""
			if bound {
				at = "at most "
			}
			o.Measured = fmt.Sprintf("%s%s (largest of %d run(s))", at, FormatBytes(peak), len(r.Runs))
		}
		out = append(out, o)
	}
	var perFile []float64
	for _, x := range cold {
		perFile = append(perFile, x.PerFileMS...)
	}
	var sum stats.Summary
	if len(perFile) > 0 {
		sum = stats.Summarize(perFile)
	}
	durTarget("per_file_p50_max", t.PerFileP50Max, sum.P50/1000, len(perFile), fmt.Sprintf("p50 of %d files", len(perFile)))
	durTarget("per_file_p99_max", t.PerFileP99Max, sum.P99/1000, len(perFile), fmt.Sprintf("p99 of %d files", len(perFile)))
	if t.ParseOnlyRatioMax > 0 {
		o := Outcome{Target: "parse_only_ratio_max", Bound: "≤ " + strconv.FormatFloat(t.ParseOnlyRatioMax, 'g', -1, 64) + "× the parse-only wall time"}
		if ratios := r.Ratios(); len(ratios) == 0 {
			o.Missing, o.Measured = true, "not measured (no parse-only baseline run)"
		} else {
			v := median(ratios)
			o.OK = v <= t.ParseOnlyRatioMax
			o.Measured = fmt.Sprintf("%.2f× (median of %d cold/parse-only pair(s))", v, len(ratios))
		}
		out = append(out, o)
	}
	if t.FilesPerSecMin > 0 {
		o := Outcome{Target: "files_per_sec_min", Bound: "≥ " + strconv.FormatFloat(t.FilesPerSecMin, 'g', -1, 64) + " files/s"}
		if len(cold) == 0 {
			o.Missing, o.Measured = true, "not measured"
		} else {
			rates := make([]float64, len(cold))
			for i, x := range cold {
				rates[i] = x.FilesPerSec()
			}
			v := median(rates)
			o.OK = v >= t.FilesPerSecMin
			o.Measured = fmt.Sprintf("%.0f files/s (median of %d cold run(s))", v, len(cold))
		}
		out = append(out, o)
	}
	return out
}

// Missed returns the targets the replay did not meet.
func Missed(outcomes []Outcome) []Outcome {
	var out []Outcome
	for _, o := range outcomes {
		if !o.OK && !o.Missing {
			out = append(out, o)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
