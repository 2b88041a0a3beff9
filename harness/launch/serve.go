package launch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/engine/server"
	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/internal/exitcode"
)

// DefaultReadyTimeout is Config.ReadyTimeout when it is 0.
const DefaultReadyTimeout = 30 * time.Second

// Config is how Start runs `hive serve`.
type Config struct {
	// Bin is the hive binary. Callers check it first, with their own advice
	// on how to get one; Start only makes the path absolute.
	Bin string
	// DB is --db, LLMBaseURL --llm-base-url (the server does not contact
	// the LLM before a request, so an address nothing listens on will do
	// for startup).
	DB, LLMBaseURL string
	// Env is the complete environment of the child (see Env); nil inherits
	// the harness's. Dir is its working directory.
	Env []string
	Dir string
	// ReadyTimeout bounds exec → first 200 from /healthz, the listening
	// line included (DefaultReadyTimeout if 0).
	ReadyTimeout time.Duration
	// TimeoutName names the caller's setting behind ReadyTimeout in the
	// error when it runs out (e.g. "Config.ReadyTimeout"), so the reader
	// knows what to raise; empty names none.
	TimeoutName string
	// StopGrace is the time between SIGTERM and SIGKILL
	// (proc.DefaultStopGrace if 0).
	StopGrace time.Duration
	// Client polls /healthz. nil: a client of its own that opens a fresh
	// connection per poll, as a health checker would. A caller that passes
	// its keep-alive client gets the connection back in its pool.
	Client *http.Client

	// Args, when not nil, make the server another program's (a subject's,
	// harness/subject): Bin is exec'd with Args instead of `serve --addr
	// 127.0.0.1:0 --db DB --llm-base-url URL`, no listening line is
	// awaited, and URL (http://127.0.0.1:PORT, a port the caller picked
	// with FreePort and put into Args) is polled at Health from the exec
	// on. DB and LLMBaseURL are then unused: they are in Args or Env.
	Args []string
	// URL is the server's base URL when Args is set.
	URL string
	// Health is the path polled for the first 200 (default /healthz).
	Health string
	// Name is how errors call the server (default "hive serve").
	Name string
}

// Server is a running `hive serve` started by Start.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Started is the instant just before fork/exec, Ready when the body of
	// the first 200 from /healthz was read: Ready − Started is startup.
	Started, Ready time.Time

	p    *proc.Process
	name string
}

// Start execs `hive serve --addr 127.0.0.1:0 --db DB --llm-base-url URL` and
// returns once it printed its listening line and GET /healthz answered 200,
// both within cfg.ReadyTimeout of the exec. The server is stopped when ctx
// ends or by Stop; on error it is already stopped. Errors are described in
// the package doc.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Name == "" {
		cfg.Name = "hive serve"
	}
	if cfg.Health == "" {
		cfg.Health = "/healthz"
	}
	what := "hive binary"
	if cfg.Args != nil {
		what = "program"
	}
	if cfg.Bin == "" {
		return nil, exitcode.InfraError("%s: no %s given", cfg.Name, what)
	}
	bin, err := filepath.Abs(cfg.Bin)
	if err != nil {
		return nil, exitcode.InfraError("%s: %s %q: %v", cfg.Name, what, cfg.Bin, err)
	}
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", cfg.DB, "--llm-base-url", cfg.LLMBaseURL}
	if cfg.Args != nil {
		if err := checkLoopbackURL(cfg.URL); err != nil {
			return nil, exitcode.InfraError("%s: %v", cfg.Name, err)
		}
		args = cfg.Args
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = DefaultReadyTimeout
	}
	if cfg.Client == nil {
		// Made before the exec: nothing but waiting happens inside the
		// startup span.
		cfg.Client = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: 5 * time.Second}
	}
	lines := make(chan listen, 1)
	p, err := proc.Start(ctx, proc.Spec{
		Path: bin, Args: args,
		Env: cfg.Env, Dir: cfg.Dir, StopGrace: cfg.StopGrace,
		OnStderrLine: func(line string) {
			if cfg.Args != nil {
				return // another program: its address is known
			}
			base, ok, err := parseListenLine(line)
			if !ok {
				return
			}
			select {
			case lines <- listen{base, err}:
			default: // only the first listening line counts
			}
		},
	})
	if err != nil {
		return nil, startErr(ctx, cfg.Name, bin, nil, err)
	}
	base, ready, err := awaitReady(ctx, cfg, p, lines)
	if err != nil {
		_ = p.Terminate()
		return nil, startErr(ctx, cfg.Name, bin, p, err)
	}
	return &Server{URL: base, Started: p.Started, Ready: ready, p: p, name: cfg.Name}, nil
}

// listen is what the stderr reader saw on the listening line.
type listen struct {
	base string
	err  error
}

// awaitReady waits for the listening line, then for the first 200 from
// /healthz, and returns the base URL and the instant of that 200.
func awaitReady(ctx context.Context, cfg Config, p *proc.Process, lines <-chan listen) (string, time.Time, error) {
	deadline := p.Started.Add(cfg.ReadyTimeout)
	if cfg.Args != nil {
		ready, err := proc.WaitHTTP(ctx, cfg.Client, cfg.URL+cfg.Health, deadline, p.Done())
		return cfg.URL, ready, err
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var l listen
	select {
	case l = <-lines:
	case <-p.Done():
		// It may have printed the line and died right after: that is a
		// failure too, reported with its stderr.
		return "", time.Time{}, fmt.Errorf("exited (%v) before it listened", p.Err())
	case <-timer.C:
		hint := ""
		if cfg.TimeoutName != "" {
			hint = " (" + cfg.TimeoutName + ")"
		}
		return "", time.Time{}, fmt.Errorf("no %q line on stderr within %v%s", server.ListenLinePrefix+"http://ADDR", cfg.ReadyTimeout, hint)
	case <-ctx.Done():
		return "", time.Time{}, context.Cause(ctx)
	}
	if l.err != nil {
		return "", time.Time{}, l.err
	}
	ready, err := proc.WaitHTTP(ctx, cfg.Client, l.base+cfg.Health, deadline, p.Done())
	return l.base, ready, err
}

// startErr is the error of a start that failed with err: wrapping ctx's
// cause when ctx ended (an interrupted run is not a broken binary), else an
// infrastructure error naming the binary, with the end of its stderr.
func startErr(ctx context.Context, name, bin string, p *proc.Process, err error) error {
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		if errors.Is(err, cause) {
			return fmt.Errorf("starting %s (%s): %w", name, bin, cause)
		}
		return fmt.Errorf("starting %s (%s): %w (%v)", name, bin, cause, err)
	}
	if p == nil { // proc.Start's error names the binary
		return exitcode.With(exitcode.Infra, fmt.Errorf("%s: %w", name, err))
	}
	return exitcode.With(exitcode.Infra, fmt.Errorf("%s (%s): %w%s", name, bin, err, tailNote(p)))
}

// tailNote quotes the last lines p wrote to stderr, or says there were none.
func tailNote(p *proc.Process) string {
	tail := p.Tail()
	if tail == "" {
		return " (its stderr was empty)"
	}
	return "\nlast lines of its stderr:\n  " + strings.ReplaceAll(tail, "\n", "\n  ")
}

// Stop stops the server: SIGTERM, then SIGKILL after the grace period, and
// waits for it. A server that needed SIGKILL (it would not shut down
// gracefully) or could not be signalled is an infrastructure error quoting
// its stderr. Calling Stop again returns the same outcome.
func (s *Server) Stop() error {
	if err := s.p.Terminate(); err != nil {
		return exitcode.With(exitcode.Infra, fmt.Errorf("stopping %s: %w%s", s.name, err, tailNote(s.p)))
	}
	return nil
}

// Process is the server's process, for what the caller reads from outside
// (its PID's /proc files, its exit, its stderr).
func (s *Server) Process() *proc.Process { return s.p }

// PID is the server's process id.
func (s *Server) PID() int { return s.p.Pid() }

// Tail is the end of the server's stderr.
func (s *Server) Tail() string { return s.p.Tail() }

// Exited reports whether the server has exited (it should not, before Stop).
func (s *Server) Exited() bool { return s.p.Exited() }
