package profile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	pprof "github.com/google/pprof/profile"

	"github.com/hiveperf/hive/harness/launch"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/suite"
	"github.com/hiveperf/hive/internal/exitcode"
)

// capture is one profiling session.
type capture struct {
	opts    Options // Out absolute, Kinds and Progress set
	bin     string  // absolute HiveBin
	scratch string  // databases, per-run profiles; removed by Run
}

func (c *capture) progress(format string, args ...any) { c.opts.Progress(format, args...) }

// outPath is where a profile of this family and kind is written.
func (c *capture) outPath(kind string) string {
	return filepath.Join(c.opts.Out, c.opts.Family+"."+kind+".pprof")
}

// env is the child environment: the harness's minus HIVE_* and API keys,
// an empty config directory, and the profiling variables asked for.
func (c *capture) env(paths map[string]string) []string {
	var extra []string
	for env, path := range paths {
		extra = append(extra, env+"="+path)
	}
	return launch.Env(os.Environ(), filepath.Join(c.scratch, "config"), extra...)
}

func (c *capture) parsing(ctx context.Context) ([]string, error) {
	s, err := suite.Lookup(c.opts.Suite)
	if err != nil {
		return nil, exitcode.UsageError("--suite: %v", err)
	}
	if s, err = s.With(suite.Options{Workload: c.opts.Workload}); err != nil {
		return nil, err
	}
	if s, err = s.ResolveWorkload(ctx, []string{probe.Parsing}); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(s.Probe.Workload); err != nil || !fi.IsDir() {
		return nil, exitcode.UsageError("--workload %s is not a directory of source files", s.Probe.Workload)
	}
	return c.cli(ctx, "analyze "+s.Probe.Workload, []string{"analyze", s.Probe.Workload, "--no-cache", "--db", filepath.Join(c.scratch, "analyze.db"), "--format", "json", "--progress=false"})
}

// cli runs one hive command to completion with the profiling variables set.
func (c *capture) cli(ctx context.Context, what string, args []string) ([]string, error) {
	paths := map[string]string{}
	var written []string
	for _, k := range c.opts.Kinds {
		paths[k.Env] = c.outPath(k.Name)
		written = append(written, c.outPath(k.Name))
	}
	c.progress("profiling `hive %s` (%s)", what, kindNames(c.opts.Kinds))
	if err := c.runToExit(ctx, args, paths); err != nil {
		return nil, err
	}
	return written, checkWritten(written)
}

func (c *capture) runToExit(ctx context.Context, args []string, paths map[string]string) error {
	p, err := proc.Start(ctx, proc.Spec{Path: c.bin, Args: args, Env: c.env(paths), Dir: c.scratch})
	if err != nil {
		return exitcode.InfraError("hivebench profile: %v", err)
	}
	if err := p.Wait(ctx); err != nil {
		_ = p.Terminate()
		if ctx.Err() != nil {
			return &suite.Interrupted{Cause: context.Cause(ctx)}
		}
		return exitcode.InfraError("hivebench profile: `hive %s` failed (%v)%s", strings.Join(args, " "), err, stderrTail(p))
	}
	return nil
}

// startup execs `hive serve` Runs times to its first 200, each run
// writing its own profiles, and merges them: one start is too short for a
// CPU profile at 100 Hz to say anything.
func (c *capture) startup(ctx context.Context) ([]string, error) {
	runs := c.opts.Runs
	per := map[string][]*pprof.Profile{}
	db := filepath.Join(c.scratch, "startup.db")
	c.progress("profiling %d starts of `hive serve` (%s)", runs, kindNames(c.opts.Kinds))
	for i := 0; i < runs; i++ {
		paths := map[string]string{}
		for _, k := range c.opts.Kinds {
			paths[k.Env] = filepath.Join(c.scratch, fmt.Sprintf("run%d.%s.pprof", i, k.Name))
		}
		srv, err := c.startServe(ctx, db, "http://127.0.0.1:1/v1", paths)
		if err != nil {
			return nil, err
		}
		if err := stopServe(srv); err != nil {
			return nil, err
		}
		for _, k := range c.opts.Kinds {
			p, err := Read(paths[k.Env])
			if err != nil {
				return nil, exitcode.InfraError("hivebench profile: run %d did not write its %s profile: %v%s", i+1, k.Name, err, stderrTail(srv.Process()))
			}
			per[k.Name] = append(per[k.Name], p)
		}
	}
	var written []string
	for _, k := range c.opts.Kinds {
		merged, err := pprof.Merge(per[k.Name])
		if err != nil {
			return nil, exitcode.InfraError("hivebench profile: merging %d %s profiles: %v", runs, k.Name, err)
		}
		if err := write(c.outPath(k.Name), merged); err != nil {
			return nil, err
		}
		written = append(written, c.outPath(k.Name))
	}
	return written, nil
}

// startServe starts `hive serve` on a free loopback port and waits for
// its first 200 from /healthz.
func (c *capture) startServe(ctx context.Context, db, llm string, paths map[string]string) (*launch.Server, error) {
	s, err := launch.Start(ctx, launch.Config{Bin: c.bin, DB: db, LLMBaseURL: llm, Env: c.env(paths), Dir: c.scratch})
	if err != nil {
		if ctx.Err() != nil {
			return nil, &suite.Interrupted{Cause: context.Cause(ctx)}
		}
		return nil, fmt.Errorf("hivebench profile: %w", err)
	}
	return s, nil
}

// stopServe sends SIGTERM and waits: the profiles asked for through the
// environment are written as the process exits.
func stopServe(s *launch.Server) error {
	if err := s.Stop(); err != nil {
		return fmt.Errorf("hivebench profile: %w", err)
	}
	return nil
}

func stderrTail(p *proc.Process) string {
	t := strings.TrimSpace(p.Tail())
	if t == "" {
		return ""
	}
	return "\nlast lines of its stderr:\n  " + strings.ReplaceAll(t, "\n", "\n  ")
}
