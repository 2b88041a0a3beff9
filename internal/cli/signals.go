package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hiveperf/hive/internal/exitcode"
)

// StopSignals are the signals that ask a command to stop: Ctrl-C, kill's
// default, and the hangup a terminal or an ssh session sends when it
// closes. The first one cancels the command's context, so that it can stop
// its children and save what it measured; a second one exits at once with
// ForcedExitCode, as `go test` and kubectl do, for when that cleanup hangs.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// ForcedExitCode is the exit code of a process stopped by a second stop
// signal: an infrastructure failure, like every interrupted run, and
// without whatever the cleanup would have saved.
const ForcedExitCode = exitcode.Infra

// notifyStop returns a context that a first stop signal cancels (its
// context.Cause names the signal) and a function that stops listening. A
// second stop signal writes one line on stderr and calls exit with
// ForcedExitCode.
//
// It also catches SIGPIPE. Uncaught, Go dies of it on the first write to a
// stdout whose reader went away (`hivebench load … | head -1`), before the
// command could write its results files; caught, that write returns EPIPE
// and the command carries on and reports it.
func notifyStop(name string, stderr io.Writer, exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, StopSignals...)
	// Nothing reads this channel: the point is that the runtime sees
	// SIGPIPE is wanted and turns the signal into EPIPE. A full channel
	// drops further SIGPIPEs, which is all they deserve.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		var first os.Signal
		for {
			select {
			case s := <-sigs:
				if first == nil {
					first = s
					fmt.Fprintf(stderr, "%s: %s received: stopping; a second signal exits at once\n", name, signalName(s))
					cancel(errors.New(signalName(s) + " received"))
					continue
				}
				fmt.Fprintf(stderr, "%s: second signal (%s) during the cleanup: exiting at once with code %d, cleanup abandoned\n", name, signalName(s), ForcedExitCode)
				exit(ForcedExitCode)
				return
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		signal.Stop(pipes)
		close(done)
		cancel(nil)
	}
}

// signalName is the name people know a stop signal by ("SIGHUP"), where
// os.Signal's String says "hangup".
func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}
