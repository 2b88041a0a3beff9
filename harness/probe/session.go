package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/launch"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// base is what every session has: the target, its scratch directory, the
// children's environment and a context that ends at Close or when Setup's
// context ends.
type base struct {
	cfg    Config
	t      Target
	sub    *subject.Subject // nil: hive
	bin    string           // absolute HiveBin; "" for a subject
	dir    string           // scratch directory, removed by close
	env    []string
	ctx    context.Context
	cancel context.CancelFunc
}

func newBase(ctx context.Context, cfg Config, t Target, family string) (*base, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var bin string
	extra := t.Env
	if cfg.Subject != nil {
		extra = append(cfg.Subject.Environ(), t.Env...)
	} else {
		var err error
		if bin, err = checkBinary(t); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp(t.WorkDir, "hive-probe-"+family+"-")
	if err != nil {
		return nil, exitcode.InfraError("probe %s: making a scratch directory under %q (Target.WorkDir): %v", family, t.WorkDir, err)
	}
	conf := filepath.Join(dir, "config")
	if err := os.Mkdir(conf, 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nil, exitcode.InfraError("probe %s: %v", family, err)
	}
	b := &base{cfg: cfg, t: t, sub: cfg.Subject, bin: bin, dir: dir, env: launch.Env(os.Environ(), conf, extra...)}
	b.ctx, b.cancel = context.WithCancel(ctx)
	return b, nil
}

// close ends the session context and removes the scratch directory. Callers
// stop their own long-lived processes first, synchronously, so that nothing
// still writes into the directory.
func (b *base) close() error {
	b.cancel()
	if err := os.RemoveAll(b.dir); err != nil {
		return fmt.Errorf("probe: removing scratch directory %s: %w", b.dir, err)
	}
	return nil
}

// roundCtx is canceled when ctx or the session ends.
func (b *base) roundCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(b.ctx, cancel)
	return c, func() { stop(); cancel() }
}

// path is a file in the scratch directory.
func (b *base) path(name string) string { return filepath.Join(b.dir, name) }

// spec is a command of the hive binary under test.
func (b *base) spec(args ...string) proc.Spec {
	return proc.Spec{Path: b.bin, Args: args, Env: b.env, Dir: b.dir, StopGrace: b.cfg.StopGrace}
}

// freshDB removes a database and its WAL files so a round starts from an
// empty store, as every other round did.
func (b *base) freshDB(name string) (string, error) {
	p := b.path(name)
	for _, f := range []string{p, p + "-wal", p + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", exitcode.InfraError("probe: removing %s: %v", f, err)
		}
	}
	return p, nil
}

// named prefixes an error that already names the binary (the launcher's)
// with the target's name.
func (b *base) named(err error) error {
	if b.t.Name != "" {
		return fmt.Errorf("%s: %w", b.t.Name, err)
	}
	return err
}

// label names the target in errors.
func (b *base) label() string {
	if b.sub != nil {
		return "subject " + b.sub.Name
	}
	if b.t.Name != "" {
		return fmt.Sprintf("%s (%s)", b.t.Name, b.bin)
	}
	return b.bin
}

// checkBinary refuses a HiveBin that cannot be executed, before anything is
// started, and returns its absolute path.
func checkBinary(t Target) (string, error) {
	if t.HiveBin == "" {
		return "", exitcode.InfraError("probe: target %q has no HiveBin; build one with `make build` and pass its path", t.Name)
	}
	bin, err := filepath.Abs(t.HiveBin)
	if err != nil {
		return "", exitcode.InfraError("probe: target %q: HiveBin %q: %v", t.Name, t.HiveBin, err)
	}
	fi, err := os.Stat(bin)
	switch {
	case err != nil:
		return "", exitcode.InfraError("probe: target %q: hive binary %s: %v; build it with `make build`", t.Name, bin, err)
	case fi.IsDir():
		return "", exitcode.InfraError("probe: target %q: hive binary %s is a directory; want the built binary", t.Name, bin)
	case fi.Mode().Perm()&0o111 == 0:
		return "", exitcode.InfraError("probe: target %q: hive binary %s is not executable (mode %v); rebuild it or chmod +x it", t.Name, bin, fi.Mode().Perm())
	}
	return bin, nil
}

// failure is an infrastructure error (exit 3) about process p, with the last
// lines of its stderr. A canceled context is returned as it is: an
// interrupted run is not a broken binary.
func failure(ctx context.Context, p *proc.Process, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", context.Cause(ctx), err)
	}
	if p != nil {
		if tail := p.Tail(); tail != "" {
			err = fmt.Errorf("%w\nlast lines of its stderr:\n  %s", err, strings.ReplaceAll(tail, "\n", "\n  "))
		} else {
			err = fmt.Errorf("%w (its stderr was empty)", err)
		}
	}
	return exitcode.With(exitcode.Infra, err)
}

// runToExit runs a hive command to completion within cfg.RunTimeout and
// fails unless it exits 0.
func (b *base) runToExit(ctx context.Context, spec proc.Spec) (*proc.Process, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.RunTimeout)
	defer cancel()
	p, err := proc.Start(ctx, spec)
	if err != nil {
		return nil, failure(ctx, nil, fmt.Errorf("%s: %w", b.label(), err))
	}
	if err := p.Wait(ctx); err != nil {
		_ = p.Terminate()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return p, failure(context.Background(), p, fmt.Errorf("%s: `%s` did not finish within %v (Config.RunTimeout)", b.label(), b.command(spec), b.cfg.RunTimeout))
		}
		return p, failure(ctx, p, fmt.Errorf("%s: `%s` failed: %w", b.label(), b.command(spec), err))
	}
	return p, nil
}

// newClient is the one HTTP client of a session: keep-alive on, enough idle
// connections for Concurrent requests to reuse them, never a proxy (the
// targets are loopback servers the harness started).
func newClient(cfg Config) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        cfg.Concurrent + 8,
		MaxIdleConnsPerHost: cfg.Concurrent + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: cfg.RequestTimeout}
}
