package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/workloads"
)

// Options configure a replay.
type Options struct {
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
	// Shard, when set, analyses only that shard of the tree (Plan), laid
	// out under WorkDir with hard links (Materialize); the results record
	// it, and hivebench merge joins the N shards' files.
	Shard *results.Part
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
	// Symbols and Functions are the summary's totals over the analysed
	// files.
	Symbols, Functions int
	// CPU is the user and system time of the analyze process.
	CPU time.Duration
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
		return "≤ " + workloads.FormatBytes(r.PeakRSSAtMost)
	}
	return workloads.FormatBytes(r.PeakRSS)
}

// FilesPerSec is analysed files per second of wall time.
func (r Run) FilesPerSec() float64 { return float64(r.Files) / r.Wall.Seconds() }

// MBPerSec is analysed megabytes (10^6 bytes) per second of wall time.
func (r Run) MBPerSec() float64 { return float64(r.Bytes) / 1e6 / r.Wall.Seconds() }

// Report is the outcome of replaying a workload.
type Report struct {
	Tree *workloads.Tree
	// Hive identifies the measured binary (`hive version --json`).
	Hive HiveVersion
	Runs []Run
	// Shard is the shard replayed (its files and bytes filled in), nil for
	// the whole tree.
	Shard *results.Part
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
func (r *Report) Cold() []Run { return r.filter(func(x Run) bool { return !x.Warm && !x.ParseOnly }) }

// Warm returns the warm runs.
func (r *Report) Warm() []Run { return r.filter(func(x Run) bool { return x.Warm }) }

// Baselines returns the parse-only runs.
func (r *Report) Baselines() []Run { return r.filter(func(x Run) bool { return x.ParseOnly }) }

// Ratios returns, for every pair that has both, the cold run's wall time
// over the parse-only baseline's.
func (r *Report) Ratios() []float64 {
	cold, base := r.Cold(), r.Baselines()
	out := make([]float64, 0, len(base))
	for i := range min(len(cold), len(base)) {
		out = append(out, cold[i].Wall.Seconds()/base[i].Wall.Seconds())
	}
	return out
}

func (r *Report) filter(keep func(Run) bool) []Run {
	var out []Run
	for _, x := range r.Runs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// Measure replays a workload: it runs `hive analyze` over the tree as a subprocess, Runs times a
// cold run (--no-cache, fresh database) followed by a warm run (the same
// command without --no-cache on the same database: nothing changed, so
// everything should come from the store). "Cold" is about hive's cache, not
// the OS page cache: the tree was just fingerprinted, so its files are
// usually in memory, which is what a developer rerunning hive sees too.
//
// A binary that is missing, fails or breaks its output contract is an
// infrastructure error (exit 3). When ctx ends, the runs done so far are
// returned with the error, marked incomplete.
func Measure(ctx context.Context, tree *workloads.Tree, opts Options) (*Report, error) {
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
	rep := &Report{Tree: tree, Hive: hv}
	root := tree.Root
	if opts.Shard != nil {
		st, err := layOutShard(tree, work, *opts.Shard)
		if err != nil {
			return nil, err
		}
		root, rep.Shard = st.Root, &st.Part
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "replay %s: shard %s: %d files, %s (%d hard-linked, %d copied) under %s\n",
				tree.Manifest.Name, st.Part, st.Part.Files, workloads.FormatBytes(st.Part.Bytes), st.Linked, st.Copied, st.Root)
		}
	}
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
				fmt.Fprintf(opts.Log, "%s: %s analyze %s ...\n", label, bin, root)
			}
			run, err := analyzeOnce(ctx, bin, env, root, db, filepath.Join(dir, kind+".ndjson"), kind, opts.Jobs, brief, opts.Shard != nil)
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

// layOutShard plans the tree's shards and lays out one of them in work.
func layOutShard(tree *workloads.Tree, work string, part results.Part) (*ShardTree, error) {
	entries, err := ListTree(tree.Root)
	if err != nil {
		return nil, err
	}
	return Materialize(tree.Root, filepath.Join(work, "shard-tree"), entries, Plan(entries, part.Count), part)
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
			tail = cli.LastLines(string(ee.Stderr), 3)
		}
		return HiveVersion{}, exitcode.InfraError("%s version --json failed (%v) %s: is it a hive binary?", bin, err, tail)
	}
	var v HiveVersion
	if err := json.Unmarshal(out, &v); err != nil || v.Commit == "" {
		return HiveVersion{}, exitcode.InfraError("%s version --json printed %q, not hive's version JSON: is it a hive binary?", bin, clip(string(out), 80))
	}
	return v, nil
}

// unwrapPath drops the "op path:" prefix of a *PathError when the caller's
// message already names the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
