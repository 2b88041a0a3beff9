package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// helperEnv makes the test binary run helperApp through Main instead of
// the tests: the signal tests need a real process that gets real signals.
const helperEnv = "HIVE_CLI_SIGNAL_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		helperApp().Main()
		return // Main exits; not reached
	}
	os.Exit(m.Run())
}

// helperApp is a binary whose commands say on stdout what they see.
func helperApp() *App {
	a := &App{Name: "helper", Summary: "signal test helper"}
	// wait CLEANUP: waits (at most a minute) for the context to end, then
	// takes CLEANUP to clean up, as a run stopping its children would.
	a.Register(Command{Name: "wait", Run: func(ctx context.Context, env *Env, args []string) error {
		cleanup, err := time.ParseDuration(args[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "ready")
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
			return exitcode.UsageError("no signal came")
		}
		fmt.Fprintf(env.Stdout, "cause: %v\n", context.Cause(ctx))
		fmt.Fprintln(env.Stdout, "cleaning")
		time.Sleep(cleanup)
		fmt.Fprintln(env.Stdout, "cleaned")
		return exitcode.InfraError("interrupted")
	}})
	// flood writes to stdout until a write fails (at most 1 GiB) and
	// reports the error: what `| head -1` does to a long report.
	a.Register(Command{Name: "flood", Run: func(ctx context.Context, env *Env, args []string) error {
		fmt.Fprintln(env.Stdout, "ready")
		line := []byte(strings.Repeat("x", 4095) + "\n")
		for range 1 << 18 {
			if _, err := env.Stdout.Write(line); err != nil {
				fmt.Fprintf(env.Stderr, "saved the results anyway\n")
				return exitcode.InfraError("writing the report: %v", err)
			}
		}
		return exitcode.UsageError("no write failed")
	}})
	return a
}

// child is a running helper.
type child struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	pipe   io.ReadCloser
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startHelper(t *testing.T, args ...string) *child {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.WaitDelay = 10 * time.Second
	c := &child{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = c.stderr
	pipe, err := cmd.StdoutPipe()
	require.NoError(t, err)
	c.pipe, c.stdout = pipe, bufio.NewReader(pipe)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	c.expect(t, "ready") // Main has installed its handlers
	return c
}

// expect reads stdout up to a line equal to want.
func (c *child) expect(t *testing.T, want string) []string {
	t.Helper()
	var seen []string
	for {
		line, err := c.stdout.ReadString('\n')
		line = strings.TrimSuffix(line, "\n")
		if line != "" {
			seen = append(seen, line)
		}
		if line == want {
			return seen
		}
		require.NoError(t, err, "stdout ended before %q; saw %q; stderr:\n%s", want, seen, c.stderr.String())
	}
}

// wait reads the rest of stdout and returns it with the exit status.
func (c *child) wait(t *testing.T) (rest string, state *os.ProcessState) {
	t.Helper()
	b, _ := io.ReadAll(c.stdout)
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	return string(b), c.cmd.ProcessState
}

// exitedWith checks that the helper exited (not killed by a signal) with code.
func exitedWith(t *testing.T, state *os.ProcessState, code int, stderr string) {
	t.Helper()
	ws := state.Sys().(syscall.WaitStatus)
	require.False(t, ws.Signaled(), "the process was killed by %v instead of exiting; stderr:\n%s", ws.Signal(), stderr)
	assert.Equal(t, code, state.ExitCode(), stderr)
}

// A stop signal cancels the command's context, with the signal as the
// cause, and the command ends the way it chooses (here: exit 3 after its
// cleanup). SIGHUP is what a closed ssh session sends.
func TestStopSignalCancelsContext(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(signalName(sig), func(t *testing.T) {
			c := startHelper(t, "wait", "0s")
			require.NoError(t, c.cmd.Process.Signal(sig))
			rest, state := c.wait(t)
			stderr := c.stderr.String()
			exitedWith(t, state, exitcode.Infra, stderr)
			assert.Contains(t, rest, "cause: "+signalName(sig)+" received")
			assert.Contains(t, rest, "cleaned", "the cleanup ran to its end")
			assert.Contains(t, stderr, "helper: "+signalName(sig)+" received: stopping; a second signal exits at once")
			assert.Contains(t, stderr, "helper: interrupted", "the command's error is printed")
		})
	}
}

// A second signal while the first one's cleanup runs exits at once with
// ForcedExitCode and says so in one line; the cleanup (a minute here)
// never finishes.
func TestSecondSignalForcesExit(t *testing.T) {
	cases := []struct{ first, second syscall.Signal }{
		{syscall.SIGINT, syscall.SIGINT},
		{syscall.SIGHUP, syscall.SIGTERM},
	}
	for _, tc := range cases {
		t.Run(signalName(tc.first)+" then "+signalName(tc.second), func(t *testing.T) {
			c := startHelper(t, "wait", "1m")
			require.NoError(t, c.cmd.Process.Signal(tc.first))
			c.expect(t, "cleaning")
			require.NoError(t, c.cmd.Process.Signal(tc.second))
			rest, state := c.wait(t)
			stderr := c.stderr.String()
			exitedWith(t, state, ForcedExitCode, stderr)
			assert.NotContains(t, rest, "cleaned", "the process did not wait for its cleanup")
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			require.Len(t, lines, 2, "one line per signal: %q", stderr)
			assert.Equal(t, fmt.Sprintf("helper: second signal (%s) during the cleanup: exiting at once with code %d, cleanup abandoned", signalName(tc.second), ForcedExitCode), lines[1])
		})
	}
}

// A stdout closed by its reader makes writes fail with EPIPE instead of
// killing the process with SIGPIPE, so the command can still save its
// results and exit with a code that says what happened.
func TestBrokenStdoutIsAnError(t *testing.T) {
	c := startHelper(t, "flood")
	require.NoError(t, c.pipe.Close(), "the reader goes away, as head does after its line")
	_, state := c.wait(t)
	stderr := c.stderr.String()
	exitedWith(t, state, exitcode.Infra, stderr)
	assert.Contains(t, stderr, "saved the results anyway")
	assert.Contains(t, stderr, "helper: writing the report: write /dev/stdout: broken pipe")
}
