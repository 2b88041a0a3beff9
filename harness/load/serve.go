package load

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/internal/exitcode"
)

// ServeConfig is how StartServe runs `hive serve`.
type ServeConfig struct {
	// Bin is the hive binary (the CLI's --hive-bin, default bin/hive).
	Bin string
	// LLMBaseURL is the OpenAI-compatible base URL the server talks to: the
	// in-process mock's.
	LLMBaseURL string
	// Dir is a scratch directory: the database and an empty config
	// directory go there.
	Dir string
	// ReadyTimeout bounds exec → first 200 from /healthz (default 30 s).
	ReadyTimeout time.Duration
	// StopGrace is the time between SIGTERM and SIGKILL (default
	// proc.DefaultStopGrace).
	StopGrace time.Duration
}

// Served is a running `hive serve` started by StartServe.
type Served struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	p   *proc.Process
}

// listenPrefix starts the line `hive serve` prints on stderr once it
// listens (cmd/hive/serve.go); the rest of the line is its base URL.
const listenPrefix = "hive: listening on "

// StartServe execs `hive serve --addr 127.0.0.1:0` with a scratch database
// and the given LLM, through harness/probe/proc (own process group, so a
// Ctrl-C reaches the harness first and the harness stops the server after
// writing its partial report; SIGKILL if the harness dies), and returns
// once /healthz answered 200. The child gets the harness's environment
// minus HIVE_*, OPENROUTER_API_KEY and the XDG config/data variables, with
// an empty config directory, as harness/probe does, so a user's profile
// file or API key never changes what is measured. The server is stopped
// when ctx ends or by Stop. Failures are infrastructure errors (exit 3)
// quoting the end of the server's stderr.
func StartServe(ctx context.Context, cfg ServeConfig) (*Served, error) {
	bin, err := checkBin(cfg.Bin)
	if err != nil {
		return nil, err
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 30 * time.Second
	}
	confDir := filepath.Join(cfg.Dir, "config")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return nil, exitcode.InfraError("load: scratch directory: %v", err)
	}
	lines := make(chan string, 1)
	spec := proc.Spec{
		Path: bin,
		Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(cfg.Dir, "hive.db"), "--llm-base-url", cfg.LLMBaseURL},
		Env:  childEnv(os.Environ(), confDir),
		Dir:  cfg.Dir,
		OnStderrLine: func(line string) {
			if strings.HasPrefix(line, listenPrefix) {
				select {
				case lines <- strings.TrimPrefix(line, listenPrefix):
				default:
				}
			}
		},
		StopGrace: cfg.StopGrace,
	}
	p, err := proc.Start(ctx, spec)
	if err != nil {
		return nil, exitcode.InfraError("load: %v", err)
	}
	fail := func(err error) (*Served, error) {
		_ = p.Terminate()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("load: starting hive serve: %w", context.Cause(ctx))
		}
		tail := p.Tail()
		if tail == "" {
			tail = "(empty)"
		}
		return nil, exitcode.InfraError("load: hive serve (%s): %v\nlast lines of its stderr:\n  %s", bin, err, strings.ReplaceAll(tail, "\n", "\n  "))
	}
	deadline := p.Started.Add(cfg.ReadyTimeout)
	timer := time.NewTimer(cfg.ReadyTimeout)
	defer timer.Stop()
	var raw string
	select {
	case raw = <-lines:
	case <-p.Done():
		return fail(fmt.Errorf("exited (%v) before it listened", p.Err()))
	case <-timer.C:
		return fail(fmt.Errorf("no %q line on stderr within %v", listenPrefix+"http://ADDR", cfg.ReadyTimeout))
	case <-ctx.Done():
		return fail(context.Cause(ctx))
	}
	base, err := loopbackBase(raw)
	if err != nil {
		return fail(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	if _, err := proc.WaitHTTP(ctx, client, base+"/healthz", deadline, p.Done()); err != nil {
		return fail(err)
	}
	return &Served{URL: base, p: p}, nil
}

// PID is the server's process id.
func (s *Served) PID() int { return s.p.Pid() }

// Stop stops the server (SIGTERM, then SIGKILL after the grace period); an
// error says it had to be killed or exited badly, with its stderr.
func (s *Served) Stop() error {
	if err := s.p.Terminate(); err != nil {
		return fmt.Errorf("load: stopping hive serve: %w\nlast lines of its stderr:\n  %s", err, strings.ReplaceAll(s.p.Tail(), "\n", "\n  "))
	}
	return nil
}

// Tail is the end of the server's stderr.
func (s *Served) Tail() string { return s.p.Tail() }

func loopbackBase(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return "", fmt.Errorf("listen line %q: want http://127.0.0.1:PORT", raw)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("listen line %q: not a loopback address", raw)
	}
	return "http://" + u.Host, nil
}

// checkBin refuses a binary that cannot be executed, before anything starts.
func checkBin(path string) (string, error) {
	if path == "" {
		return "", exitcode.InfraError("load: no hive binary given; build one with `make build` (bin/hive) or pass --hive-bin")
	}
	bin, err := filepath.Abs(path)
	if err != nil {
		return "", exitcode.InfraError("load: hive binary %q: %v", path, err)
	}
	fi, err := os.Stat(bin)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", exitcode.InfraError("load: hive binary %s does not exist; build it with `make build` or pass --hive-bin", bin)
	case err != nil:
		return "", exitcode.InfraError("load: hive binary %s: %v", bin, err)
	case fi.IsDir() || fi.Mode().Perm()&0o111 == 0:
		return "", exitcode.InfraError("load: hive binary %s is not an executable file; rebuild it with `make build`", bin)
	}
	return bin, nil
}

// childEnv is base minus what would make the run depend on the user's
// setup (profiles file, database location, API keys), plus an empty config
// directory.
func childEnv(base []string, configDir string) []string {
	out := make([]string, 0, len(base)+1)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HIVE_") || k == "OPENROUTER_API_KEY" || k == "XDG_CONFIG_HOME" || k == "XDG_DATA_HOME" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "XDG_CONFIG_HOME="+configDir)
}

// Exited reports whether the server has exited (it should not, before Stop).
func (s *Served) Exited() bool { return s.p.Exited() }
