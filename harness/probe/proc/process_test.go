package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gone reports whether pid no longer exists (it was reaped).
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

func TestStartCapturesExitAndStderrTail(t *testing.T) {
	var out bytes.Buffer
	p, err := Start(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", "echo out; echo one >&2; echo two >&2; printf three >&2; exit 3"},
		Stdout: &out, TailLines: 2})
	require.NoError(t, err)
	err = p.Wait(context.Background())
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 3, ee.ExitCode())
	assert.Equal(t, "two\nthree", p.Tail(), "the last 2 lines, the unfinished one included")
	assert.Equal(t, "out\n", out.String())
	assert.True(t, p.Exited())
	assert.False(t, p.ExitedAt().Before(p.Started))
	require.NotNil(t, p.State())
	assert.Equal(t, 3, p.State().ExitCode())
	assert.NoError(t, p.Terminate(), "terminating an exited process is a no-op")
}

func TestStartFailures(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "hive")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"not executable", notExec, "permission denied"},
		{"empty path", "", "Spec.Path is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Start(context.Background(), Spec{Path: c.path})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), c.path)
		})
	}
}

func TestOnStderrLineSeesLinesInOrder(t *testing.T) {
	lines := make(chan string, 10)
	p, err := Start(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", "echo a >&2; echo b >&2"},
		OnStderrLine: func(l string) { lines <- l }})
	require.NoError(t, err)
	require.NoError(t, p.Wait(context.Background()))
	close(lines)
	var got []string
	for l := range lines {
		got = append(got, l)
	}
	assert.Equal(t, []string{"a", "b"}, got)
}

func TestTerminate(t *testing.T) {
	cases := []struct {
		name    string
		script  string
		wantErr string
	}{
		{"exits on SIGTERM", `echo ready >&2; exec sleep 60`, ""},
		{"ignores SIGTERM: SIGKILL after the grace", `trap "" TERM; echo ready >&2; while :; do sleep 0.05; done`, "SIGKILL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ready := make(chan struct{}, 1)
			p, err := Start(context.Background(), Spec{Path: "/bin/sh", Args: []string{"-c", c.script}, StopGrace: 300 * time.Millisecond,
				OnStderrLine: func(l string) {
					if l == "ready" {
						ready <- struct{}{}
					}
				}})
			require.NoError(t, err)
			select {
			case <-ready:
			case <-time.After(30 * time.Second):
				t.Fatal("the script never said ready")
			}
			err = p.Terminate()
			if c.wantErr == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
			}
			assert.True(t, p.Exited())
			assert.True(t, gone(p.Pid()))
			assert.Equal(t, err, p.Terminate(), "a second call returns the first result")
		})
	}
}

func TestContextCancelStopsTheProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p, err := Start(ctx, Spec{Path: "/bin/sleep", Args: []string{"60"}})
	require.NoError(t, err)
	assert.False(t, p.Exited())
	cancel()
	select {
	case <-p.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the process outlived its context")
	}
	assert.True(t, gone(p.Pid()))
	var ee *exec.ExitError
	require.ErrorAs(t, p.Err(), &ee)
	assert.Equal(t, syscall.SIGTERM, ee.Sys().(syscall.WaitStatus).Signal())
}

func TestStartRefusesCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Start(ctx, Spec{Path: "/bin/true"})
	assert.ErrorIs(t, err, context.Canceled)
}
