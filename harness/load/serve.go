package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hiveperf/hive/harness/launch"
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
	// ReadyTimeout bounds exec → first 200 from /healthz (default
	// launch.DefaultReadyTimeout, 30 s).
	ReadyTimeout time.Duration
	// StopGrace is the time between SIGTERM and SIGKILL (default
	// proc.DefaultStopGrace).
	StopGrace time.Duration
}

// Served is a running `hive serve` started by StartServe.
type Served struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	s   *launch.Server
}

// StartServe execs `hive serve --addr 127.0.0.1:0` with a scratch database
// and the given LLM, through harness/launch (own process group, so a Ctrl-C
// reaches the harness first and the harness stops the server after writing
// its partial report; SIGKILL if the harness dies), and returns once
// /healthz answered 200. The child gets the harness's environment minus
// HIVE_*, OPENROUTER_API_KEY and the XDG config/data variables, with an
// empty config directory (launch.Env), as harness/probe does, so a user's
// profile file or API key never changes what is measured. The server is
// stopped when ctx ends or by Stop. Failures are infrastructure errors
// (exit 3) quoting the end of the server's stderr.
func StartServe(ctx context.Context, cfg ServeConfig) (*Served, error) {
	bin, err := checkBin(cfg.Bin)
	if err != nil {
		return nil, err
	}
	confDir := filepath.Join(cfg.Dir, "config")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return nil, exitcode.InfraError("load: scratch directory: %v", err)
	}
	s, err := launch.Start(ctx, launch.Config{Bin: bin, DB: filepath.Join(cfg.Dir, "hive.db"), LLMBaseURL: cfg.LLMBaseURL,
		Env: launch.Env(os.Environ(), confDir), Dir: cfg.Dir, ReadyTimeout: cfg.ReadyTimeout, StopGrace: cfg.StopGrace})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return &Served{URL: s.URL, s: s}, nil
}

// PID is the server's process id.
func (s *Served) PID() int { return s.s.PID() }

// Stop stops the server (SIGTERM, then SIGKILL after the grace period); an
// error says it had to be killed or exited badly, with its stderr.
func (s *Served) Stop() error {
	if err := s.s.Stop(); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

// Tail is the end of the server's stderr.
func (s *Served) Tail() string { return s.s.Tail() }

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

// Exited reports whether the server has exited (it should not, before Stop).
func (s *Served) Exited() bool { return s.s.Exited() }
