package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// analyzeSummary is the part of `hive analyze --format json` a replay reads
// (engine/parse Summary).
type analyzeSummary struct {
	Files   *int   `json:"files"`
	Bytes   *int64 `json:"bytes"`
	Cached  int    `json:"cached"`
	Skipped int    `json:"skipped"`
	Errors  int    `json:"errors"`
	// Symbols and Functions total the analysed files (0 in a parse-only
	// run, which extracts nothing).
	Symbols   int   `json:"symbols"`
	Functions int   `json:"functions"`
	Complete  *bool `json:"complete"`
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
func analyzeOnce(ctx context.Context, bin string, env []string, root, db, filesOut, kind string, jobs int, brief, shard bool) (Run, error) {
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
		return Run{}, exitcode.InfraError("replay: %s exited with %s: %s", cmdline, peak.Exit, cli.LastLines(p.Tail(), 6))
	}
	run := Run{Warm: warm, ParseOnly: parseOnly, Wall: p.ExitedAt().Sub(p.Started), PeakRSS: peak.Bytes, CPU: peak.CPU}
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
	case *sum.Files == 0 && !shard: // a shard of a small tree may hold no source
		return Run{}, exitcode.UsageError("replay: %s has no files hive analyzes (Go, C, C++, JavaScript, TypeScript, Python, Rust, Java); pick a source tree", root)
	}
	run.Files, run.Bytes, run.Cached, run.Skipped, run.Errors = *sum.Files, *sum.Bytes, sum.Cached, sum.Skipped, sum.Errors
	run.Symbols, run.Functions = sum.Symbols, sum.Functions
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
