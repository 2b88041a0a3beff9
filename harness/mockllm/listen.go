package mockllm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hiveperf/hive/internal/exitcode"
)

// ErrNotLoopback is wrapped by the error Listen returns for an address that
// is not a loopback address. The mock is a test double that answers anyone
// for free; it must never be reachable from another machine.
var ErrNotLoopback = errors.New("not a loopback address")

// ShutdownGrace is how long Listen's server lets in-flight replies finish
// after its context is canceled before it aborts them.
const ShutdownGrace = 5 * time.Second

// Running is a Server listening on a loopback port.
type Running struct {
	// BaseURL is what a client takes as its OpenAI base URL, e.g.
	// http://127.0.0.1:8766/v1; the client appends /chat/completions.
	BaseURL string
	// Addr is the host:port actually bound (useful after asking for port 0).
	Addr string

	srv       *http.Server
	stopBase  context.CancelCauseFunc
	serveDone chan struct{}
	serveErr  error
	done      chan struct{}
	once      sync.Once
}

// Listen serves s on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port; "localhost" is accepted and checked after binding).
// The server shuts down, gracefully within ShutdownGrace, when ctx is
// canceled or Shutdown is called; Done is closed when it has stopped.
// A non-loopback address is a usage error (exit 2) wrapping ErrNotLoopback;
// a failure to bind is an infrastructure error (exit 3).
func (s *Server) Listen(ctx context.Context, addr string) (*Running, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, exitcode.InfraError("mock-llm: listen on %s: %v", addr, err)
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, exitcode.With(exitcode.Usage, fmt.Errorf("mock-llm: address %q resolved to %v: %w; use 127.0.0.1 or [::1]", addr, ln.Addr(), ErrNotLoopback))
	}
	// Requests do not inherit ctx: canceling ctx starts a graceful shutdown,
	// it must not cut the replies in flight. Their base context is canceled
	// only when the grace period is over, with a cause that tells the
	// handlers not to count it as a client cancellation.
	base, stopBase := context.WithCancelCause(context.WithoutCancel(ctx))
	run := &Running{
		BaseURL: "http://" + ln.Addr().String() + "/v1",
		Addr:    ln.Addr().String(),
		srv: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			BaseContext:       func(net.Listener) context.Context { return base },
		},
		stopBase:  stopBase,
		serveDone: make(chan struct{}),
		done:      make(chan struct{}),
	}
	go func() {
		if err := run.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			run.serveErr = exitcode.InfraError("mock-llm: serving on %s: %v", run.Addr, err)
		}
		close(run.serveDone)
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-run.serveDone:
		}
		grace, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
		defer cancel()
		_ = run.Shutdown(grace)
	}()
	return run, nil
}

// Shutdown stops accepting connections, lets in-flight replies finish until
// ctx is done, then aborts the rest. It returns once the server has stopped;
// calling it again waits for the first call and returns nil.
func (r *Running) Shutdown(ctx context.Context) error {
	var err error
	r.once.Do(func() {
		if e := r.srv.Shutdown(ctx); e != nil {
			r.stopBase(errShuttingDown)
			_ = r.srv.Close()
			err = fmt.Errorf("mock-llm: shutdown did not finish in time, aborted in-flight replies: %w", e)
		}
		r.stopBase(errShuttingDown)
		<-r.serveDone
		close(r.done)
	})
	return err
}

// Done is closed once the server has stopped.
func (r *Running) Done() <-chan struct{} { return r.done }

// Err is why the server stopped on its own (nil after a requested shutdown).
// Read it after Done is closed.
func (r *Running) Err() error { return r.serveErr }

// checkLoopback refuses any address a remote machine could reach, before
// anything is bound: an empty host (":8766") means every interface.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return exitcode.UsageError("mock-llm: address %q: %v; want host:port such as 127.0.0.1:8766", addr, err)
	}
	refuse := func(why string) error {
		return exitcode.With(exitcode.Usage, fmt.Errorf("mock-llm: address %q: %s: %w; use 127.0.0.1:PORT or [::1]:PORT", addr, why, ErrNotLoopback))
	}
	if host == "" {
		return refuse("an empty host listens on every interface")
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return refuse(fmt.Sprintf("host %q is not an IP address (only localhost is accepted by name)", host))
	}
	if !ip.IsLoopback() {
		return refuse(fmt.Sprintf("%s is not a loopback IP", ip))
	}
	return nil
}
