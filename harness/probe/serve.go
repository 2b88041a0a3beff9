package probe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/probe/proc"
)

// listenPrefix starts the line `hive serve` prints on stderr once its
// socket is bound (cmd/hive/serve.go); the rest is the base URL.
const listenPrefix = "hive: listening on "

// offlineLLM is a base URL nothing listens on: `hive serve` needs one to
// start but does not contact it before a request, so startup and idle
// memory are measured without any LLM.
const offlineLLM = "http://127.0.0.1:1/v1"

// server is a running `hive serve`.
type server struct {
	p     *proc.Process
	base  string    // http://127.0.0.1:PORT
	ready time.Time // when /healthz first answered 200
}

// parseListenLine returns the base URL of a "hive: listening on URL" line,
// and refuses anything but an http URL on a loopback IP: the harness only
// ever talks to loopback.
func parseListenLine(line string) (string, bool, error) {
	rest, ok := strings.CutPrefix(line, listenPrefix)
	if !ok {
		return "", false, nil
	}
	u, err := url.Parse(strings.TrimSpace(rest))
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", true, fmt.Errorf("listen line %q: want %shttp://127.0.0.1:PORT", line, listenPrefix)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() || u.Port() == "" {
		return "", true, fmt.Errorf("listen line %q: the address is not a loopback IP with a port; the harness only measures servers on 127.0.0.1", line)
	}
	return "http://" + u.Host, true, nil
}

// startServe execs `hive serve` on a free loopback port with db and the LLM
// at llm, and returns once /healthz answered 200: the span from the fork
// (s.p.Started) to s.ready is startup.serve. The process is stopped when
// ctx ends; on error it is already stopped.
func (b *base) startServe(ctx context.Context, client *http.Client, db, llm string) (*server, error) {
	type listen struct {
		base string
		err  error
	}
	lines := make(chan listen, 1)
	spec := b.spec("serve", "--addr", "127.0.0.1:0", "--db", db, "--llm-base-url", llm)
	spec.OnStderrLine = func(line string) {
		base, ok, err := parseListenLine(line)
		if !ok {
			return
		}
		select {
		case lines <- listen{base, err}:
		default: // only the first listen line counts
		}
	}
	p, err := proc.Start(ctx, spec)
	if err != nil {
		return nil, failure(ctx, nil, fmt.Errorf("%s: %w", b.label(), err))
	}
	deadline := p.Started.Add(b.cfg.ReadyTimeout)
	fail := func(err error) (*server, error) {
		_ = p.Terminate()
		return nil, failure(ctx, p, fmt.Errorf("%s: hive serve: %w", b.label(), err))
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var l listen
	select {
	case l = <-lines:
	case <-p.Done():
		// It may have printed the line and died right after: that is a
		// failure too, reported with its stderr.
		return fail(fmt.Errorf("exited (%v) before it listened", p.Err()))
	case <-timer.C:
		return fail(fmt.Errorf("no %q line on stderr within %v (Config.ReadyTimeout)", listenPrefix+"http://ADDR", b.cfg.ReadyTimeout))
	case <-ctx.Done():
		return fail(context.Cause(ctx))
	}
	if l.err != nil {
		return fail(l.err)
	}
	ready, err := proc.WaitHTTP(ctx, client, l.base+"/healthz", deadline, p.Done())
	if err != nil {
		return fail(err)
	}
	return &server{p: p, base: l.base, ready: ready}, nil
}

// stop terminates the server; a server that needed SIGKILL is an error
// (it would not shut down gracefully), reported with its stderr.
func (s *server) stop(ctx context.Context, b *base) error {
	if err := s.p.Terminate(); err != nil {
		return failure(ctx, s.p, fmt.Errorf("%s: hive serve: %w", b.label(), err))
	}
	return nil
}
