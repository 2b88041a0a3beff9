package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

// hiveBin is the real hive binary, built once by TestMain: the commands
// under test measure it, as they measure bin/hive in CI.
var hiveBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hivebench-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if hiveBin, err = testhive.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building hive for the hivebench tests:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	// The startup probe's hello-world floor is built once per toolchain
	// and cached; building it here keeps that build out of the tests that
	// hold a gate to a time budget.
	if _, err := probe.FloorBinary(context.Background(), hiveBin); err != nil {
		fmt.Fprintln(os.Stderr, "building the startup floor for the hivebench tests:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for the command's goroutines, with an
// optional hook called on every write (to react to progress lines).
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	onWrite func(string)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.b.Write(p)
	hook := s.onWrite
	s.mu.Unlock()
	if hook != nil {
		hook(string(p))
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runApp runs hivebench in-process with captured output; stderr ends with
// the error's message, as main would print it.
func runApp(t *testing.T, ctx context.Context, stderrHook func(string), args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb syncBuffer
	errb.onWrite = stderrHook
	e := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	err := app.Run(ctx, e, args)
	if err != nil {
		errb.Write([]byte(err.Error()))
	}
	return out.String(), errb.String(), exitcode.Code(err)
}

// run is runApp without a context or hook.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runApp(t, context.Background(), nil, args...)
}
