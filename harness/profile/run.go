package profile

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	pprof "github.com/google/pprof/profile"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Options say what to profile and how. Each field but Family, Kinds and
// Progress is the flag of the same name of `hivebench profile` (whose
// defaults are in its usage), and errors name it that way.
type Options struct {
	// Family is the metric family whose workload runs (see Family).
	Family string
	// Kinds are the profiles to capture; empty means DefaultKinds.
	Kinds []Kind
	// Out is the directory the profiles are written to (created if need
	// be). It is made absolute: hive writes the CLI profiles itself, from
	// its own working directory.
	Out string
	// DiffBase, if set, is a profile every captured profile of the same
	// sample type is compared with.
	DiffBase string
	// Top is how many functions (and changes) a summary holds, at least 1.
	Top int
	// HiveBin is the hive binary to profile.
	HiveBin string
	// Workload is the source directory parsing analyzes ("": Suite's).
	Workload string
	// Suite is the suite whose workload parsing uses.
	Suite string
	// Seconds is the length of the load and of the CPU and fgprof capture
	// (consensus, memory), 1 to 600.
	Seconds int
	// Runs is the number of execs startup profiles and merges, 1 to 1000.
	Runs int
	// Concurrency is the number of clients sending requests at once
	// (consensus, memory), 1 to 1000.
	Concurrency int
	// DBOps is `hive db bench --ops` (database), 1 to 1000000.
	DBOps int
	// Progress receives progress lines; nil discards them.
	Progress suite.Progress
}

// check refuses an option out of range, naming its flag.
func (o Options) check() error {
	switch {
	case !slices.Contains(probe.Families(), o.Family):
		return exitcode.UsageError("hivebench profile: %q is not a family (%s); Family maps a METRIC argument to one", o.Family, strings.Join(probe.Families(), ", "))
	case o.Top < 1:
		return exitcode.UsageError("--top %d: want at least 1 function", o.Top)
	case o.Seconds < 1 || o.Seconds > 600:
		return exitcode.UsageError("--seconds %d: want 1 to 600", o.Seconds)
	case o.Runs < 1 || o.Runs > 1000:
		return exitcode.UsageError("--runs %d: want 1 to 1000", o.Runs)
	case o.Concurrency < 1 || o.Concurrency > 1000:
		return exitcode.UsageError("--concurrency %d: want 1 to 1000", o.Concurrency)
	case o.DBOps < 1 || o.DBOps > 1000000:
		return exitcode.UsageError("--ops %d: want 1 to 1000000", o.DBOps)
	}
	return nil
}

// Result is one captured profile: its summary, and its diff against
// Options.DiffBase when one was given.
type Result struct {
	Top  Top
	Diff *Diff
}

// Run checks opts and the binary, captures the profiles of opts.Family's
// workload into opts.Out, and returns one Result per profile written, in
// file name order. When reading a written profile fails, the Results of
// those before it are returned with the error.
func Run(ctx context.Context, opts Options) ([]Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if len(opts.Kinds) == 0 {
		opts.Kinds = DefaultKinds
	}
	if opts.Progress == nil {
		opts.Progress = func(string, ...any) {}
	}
	var base *pprof.Profile
	if opts.DiffBase != "" {
		var err error
		if base, err = Read(opts.DiffBase); err != nil {
			return nil, err
		}
	}
	c, err := newCapture(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(c.scratch)
	written, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, path := range written {
		p, err := Read(path)
		if err != nil {
			return out, err
		}
		r := Result{Top: Summarize(path, p, opts.Top)}
		if base != nil {
			d := Compare(opts.DiffBase, base, path, p, opts.Top)
			r.Diff = &d
		}
		out = append(out, r)
	}
	return out, nil
}

// newCapture checks the binary, makes Out absolute and creates it, and
// makes the scratch directory the caller removes.
func newCapture(ctx context.Context, opts Options) (*capture, error) {
	if _, err := suite.HiveVersion(ctx, "--hive-bin", opts.HiveBin); err != nil {
		return nil, err
	}
	bin, _ := filepath.Abs(opts.HiveBin)
	// hive writes the CLI profiles itself, from its own working directory:
	// hand it an absolute path.
	abs, err := filepath.Abs(opts.Out)
	if err != nil {
		return nil, exitcode.UsageError("--out %s: %v", opts.Out, err)
	}
	opts.Out = abs
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, exitcode.UsageError("--out %s: %v", opts.Out, err)
	}
	scratch, err := os.MkdirTemp("", "hivebench-profile-")
	if err != nil {
		return nil, exitcode.InfraError("hivebench profile: scratch directory: %v", err)
	}
	return &capture{opts: opts, bin: bin, scratch: scratch}, nil
}

// run captures the profiles of the family's workload and returns the paths
// written.
func (c *capture) run(ctx context.Context) ([]string, error) {
	switch c.opts.Family {
	case probe.Parsing:
		return c.parsing(ctx)
	case probe.Database:
		return c.cli(ctx, "db bench", []string{"db", "bench", "--db", filepath.Join(c.scratch, "bench.db"), "--ops", strconv.Itoa(c.opts.DBOps), "--json"})
	case probe.Startup:
		return c.startup(ctx)
	default: // consensus, memory
		return c.serve(ctx)
	}
}
