package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// DefaultStopGrace is how long a process gets between SIGTERM and SIGKILL
// when Spec.StopGrace is 0. `hive serve` finishes in-flight requests on
// SIGTERM; an idle one stops in milliseconds.
const DefaultStopGrace = 15 * time.Second

// ioGrace bounds how long Wait keeps reading stderr after the process has
// exited, in case something it started still holds the pipe.
const ioGrace = 2 * time.Second

// Spec is a command to run.
type Spec struct {
	Path string
	Args []string
	// Env is the complete environment of the child; nil inherits the
	// harness's (os/exec semantics).
	Env []string
	Dir string
	// Stdout receives the child's stdout; nil discards it (/dev/null, no
	// copying goroutine).
	Stdout io.Writer
	// ExtraFiles become fds 3, 4, … of the child.
	ExtraFiles []*os.File
	// TailLines is how many stderr lines are kept (DefaultTailLines if 0).
	TailLines int
	// OnStderrLine, if set, is called for every complete stderr line, in
	// order, from the goroutine that reads the pipe. It must not block.
	OnStderrLine func(line string)
	// StopGrace is the time between SIGTERM and SIGKILL (DefaultStopGrace
	// if 0), both when ctx is canceled and in Terminate.
	StopGrace time.Duration
}

// Process is a started child. Its methods are safe for concurrent use.
type Process struct {
	// Started is the instant just before fork/exec: the zero point of any
	// "exec to …" measurement.
	Started time.Time

	path  string
	cmd   *exec.Cmd
	tail  *Tail
	grace time.Duration
	done  chan struct{}

	// Set before done is closed.
	exitedAt time.Time
	waitErr  error

	stopOnce sync.Once
	stopErr  error
	stopDone chan struct{}
}

// Start starts spec. The child is put in its own process group (a Ctrl-C
// in the harness's terminal reaches the harness, which then stops its
// children in order, instead of reaching every child at once) and gets
// SIGKILL if the harness dies. When ctx is canceled the child is stopped as
// by Terminate. A start failure (no such file, not executable) returns an
// error naming the path.
func Start(ctx context.Context, spec Spec) (*Process, error) { return start(ctx, spec, spec.Path) }

// start is Start with the name errors use for the process (the measured
// command, when spec is its trampoline).
func start(ctx context.Context, spec Spec, name string) (*Process, error) {
	if spec.Path == "" {
		return nil, errors.New("proc: Spec.Path is empty")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &Process{
		path:     name,
		tail:     NewTail(spec.TailLines, spec.OnStderrLine),
		grace:    spec.StopGrace,
		done:     make(chan struct{}),
		stopDone: make(chan struct{}),
	}
	if p.grace <= 0 {
		p.grace = DefaultStopGrace
	}
	cmd := exec.Command(spec.Path, spec.Args...)
	cmd.Env = spec.Env
	cmd.Dir = spec.Dir
	cmd.Stdout = spec.Stdout
	cmd.Stderr = p.tail
	cmd.ExtraFiles = spec.ExtraFiles
	cmd.WaitDelay = ioGrace
	// Pdeathsig fires when the OS thread that forked the child exits. Go
	// only retires threads whose goroutine locked them and returned
	// without unlocking; the harness does not do that, so in practice this
	// fires when the harness process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p.cmd = cmd

	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() {
		err := cmd.Wait()
		p.exitedAt = time.Now()
		p.waitErr = err
		close(p.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = p.Terminate()
		case <-p.done:
		}
	}()
	return p, nil
}

// Pid is the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Path is the executable the process was started from.
func (p *Process) Path() string { return p.path }

// Done is closed when the child has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exited reports whether the child has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits for the child to exit or ctx to end, whichever is first, and
// returns the exit error (nil for status 0). On ctx's end it returns ctx's
// error and leaves the child running: stopping it is Terminate's job (or
// Start's ctx's).
func (p *Process) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.waitErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ExitedAt is when Wait returned in the reaping goroutine: the end point of
// an "exec to exit" measurement. Zero until Done is closed.
func (p *Process) ExitedAt() time.Time {
	if !p.Exited() {
		return time.Time{}
	}
	return p.exitedAt
}

// State is the exit state (with rusage), nil until Done is closed.
func (p *Process) State() *os.ProcessState {
	if !p.Exited() {
		return nil
	}
	return p.cmd.ProcessState
}

// Err is the exit error (nil for status 0) once Done is closed.
func (p *Process) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.waitErr
}

// Tail returns the last lines the child wrote to stderr.
func (p *Process) Tail() string { return p.tail.String() }

// Terminate stops the child: SIGTERM, then SIGKILL if it has not exited
// within the grace period. It returns once the child is reaped. The error is
// nil if the child exited on its own or on SIGTERM, and says so if SIGKILL
// was needed. Calling it again returns the first call's result.
func (p *Process) Terminate() error {
	p.stopOnce.Do(func() {
		defer close(p.stopDone)
		if p.Exited() {
			return
		}
		// os.Process.Signal is safe against pid reuse: it refuses once the
		// child is reaped. ErrProcessDone means it exited meanwhile.
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			p.stopErr = fmt.Errorf("sending SIGTERM to %s (pid %d): %w", p.path, p.Pid(), err)
		}
		t := time.NewTimer(p.grace)
		defer t.Stop()
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done // SIGKILL cannot be caught; Wait returns within ioGrace after.
		p.stopErr = fmt.Errorf("%s (pid %d) did not exit within %v of SIGTERM; killed it with SIGKILL", p.path, p.Pid(), p.grace)
	})
	<-p.stopDone
	return p.stopErr
}
