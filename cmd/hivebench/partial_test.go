package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/testhive"
)

// The tests in this file run hivebench as a process: a signal, a pipe
// closed by its reader and an exit code only happen to a real one.

var hivebenchBuild struct {
	once sync.Once
	bin  string
	err  error
}

// needHivebench builds ./cmd/hivebench once, beside the test's hive.
func needHivebench(t *testing.T) string {
	t.Helper()
	hivebenchBuild.once.Do(func() {
		hivebenchBuild.bin, hivebenchBuild.err = testhive.BuildHivebench(filepath.Dir(hiveBin))
	})
	require.NoError(t, hivebenchBuild.err)
	return hivebenchBuild.bin
}

// benchProcess is a running hivebench whose stderr is read line by line.
type benchProcess struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	// stderr is everything read so far; waiters are woken by each line.
	stderr  strings.Builder
	lines   []string
	changed chan struct{}
	eof     chan struct{}
}

// startHivebench starts hivebench with args; stdout goes to stdout (an
// *os.File is handed to the process itself, as a shell pipe would be).
func startHivebench(t *testing.T, stdout io.Writer, args ...string) *benchProcess {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, needHivebench(t), args...)
	cmd.Stdout = stdout
	cmd.WaitDelay = 30 * time.Second
	errPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	p := &benchProcess{cmd: cmd, changed: make(chan struct{}), eof: make(chan struct{})}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	go func() {
		defer close(p.eof)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.lines = append(p.lines, sc.Text())
			close(p.changed)
			p.changed = make(chan struct{})
			p.mu.Unlock()
		}
	}()
	return p
}

// Stderr is what the process wrote to stderr so far.
func (p *benchProcess) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// waitLine waits (at most 3 minutes) for a stderr line containing s.
func (p *benchProcess) waitLine(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if strings.Contains(l, s) {
				p.mu.Unlock()
				return
			}
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.eof:
			require.Contains(t, p.Stderr(), s, "stderr ended without the line")
			return
		case <-deadline:
			t.Fatalf("no stderr line with %q within 3 minutes; stderr so far:\n%s", s, p.Stderr())
		}
	}
}

// wait waits for the process and returns its exit code; being killed by a
// signal fails the test (that is what lost results before).
func (p *benchProcess) wait(t *testing.T) int {
	t.Helper()
	<-p.eof
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.False(t, ws.Signaled(), "hivebench was killed by %v instead of exiting; stderr:\n%s", ws.Signal(), p.Stderr())
	return p.cmd.ProcessState.ExitCode()
}

// reportReads checks that `hivebench report` reads a results file.
func reportReads(t *testing.T, path string, want ...string) {
	t.Helper()
	out, err := exec.Command(needHivebench(t), "report", "--tier", "", path).CombinedOutput()
	require.NoError(t, err, "hivebench report %s:\n%s", path, out)
	for _, w := range want {
		assert.Contains(t, string(out), w)
	}
}

// `hivebench load … --report J --out O | head -1`: the reader of stdout goes
// away before the report is printed. The process must not die of SIGPIPE:
// both files are written, complete, and the broken pipe is reported with
// exit 3.
func TestLoadStdoutClosedByReaderKeepsTheFiles(t *testing.T) {
	dir := t.TempDir()
	jsonOut, out := filepath.Join(dir, "report.json"), filepath.Join(dir, "results.json")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	p := startHivebench(t, w, "load", "--hive-bin", hiveBin, "--users", "2", "--think", "10ms", "--duration", "1s",
		"--mock-ttft", "0s", "--mock-itl", "0s", "--mock-tokens", "4", "--threshold", "rate(errors)==0",
		"--report", jsonOut, "--out", out)
	require.NoError(t, w.Close(), "only the process holds the write end")
	p.waitLine(t, "hivebench load: adhoc —") // the run is under way; nothing is on stdout yet
	require.NoError(t, r.Close())
	code := p.wait(t)
	stderr := p.Stderr()
	assert.Equal(t, exitcode.Infra, code, stderr)
	assert.Contains(t, stderr, "hivebench load: writing the report to stdout: write /dev/stdout: broken pipe; the run is saved in "+jsonOut+" and "+out)

	var rep struct {
		Complete   bool `json:"complete"`
		Thresholds []struct {
			OK bool `json:"ok"`
		} `json:"thresholds"`
	}
	data, err := os.ReadFile(jsonOut)
	require.NoError(t, err, "--report is written although stdout broke")
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.True(t, rep.Complete, "the run itself was not interrupted")
	require.Len(t, rep.Thresholds, 1)

	f, err := results.Read(out)
	require.NoError(t, err, "--out is written although stdout broke")
	assert.True(t, f.Complete)
	reportReads(t, out, "consensus.load_consensus")
}

// SIGHUP (a closed ssh session) during `hivebench run`: the rounds that
// finished are on disk, marked incomplete, readable by `hivebench report`,
// and the run exits 3.
func TestRunSIGHUPKeepsTheFinishedRounds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "partial.json")
	p := startHivebench(t, io.Discard, "run", "--suite", "test", "--rounds", "3", "--metrics", "startup,database",
		"--hive-bin", hiveBin, "--out", out)
	p.waitLine(t, "startup: round 1/3 done")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	code := p.wait(t)
	stderr := p.Stderr()
	assert.Equal(t, exitcode.Infra, code, stderr)
	assert.Contains(t, stderr, "hivebench: SIGHUP received: stopping")
	assert.Contains(t, stderr, "marked incomplete")

	f, err := results.Read(out)
	require.NoError(t, err, "the partial results are on disk")
	assert.False(t, f.Complete)
	assert.Contains(t, f.IncompleteReason, "interrupted by a signal")
	// Complete up to the interruption: every round the progress reported
	// as done is in the file, and nothing else.
	for fam, metric := range map[string]string{"startup": "startup.serve", "database": "database.cache_get"} {
		done := len(regexp.MustCompile(`(?m)`+fam+`: round \d/3 done`).FindAllString(stderr, -1))
		b, ok := f.Benchmark(metric)
		if done == 0 {
			assert.False(t, ok, "%s never finished a round", fam)
			continue
		}
		require.True(t, ok, metric)
		if fam == "startup" {
			assert.Len(t, b.Samples, 2*done, "the test suite's 2 samples per finished round")
		}
	}
	reportReads(t, out, "startup.serve", "incomplete")
}

// A second Ctrl-C while the first one's cleanup hangs (here: a hive serve
// that ignores SIGTERM, which the harness would wait 15 s for) exits at
// once, with exit code 3 and one line saying so. The partial report was
// written before the cleanup began.
func TestLoadSecondInterruptExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "stubborn-hive")
	require.NoError(t, os.WriteFile(wrapper, []byte(fmt.Sprintf("#!/bin/sh\n# a hive serve that will not stop on SIGTERM\ntrap '' TERM\n%q \"$@\" &\nwait $!\n", hiveBin)), 0o755))
	jsonOut := filepath.Join(dir, "report.json")
	p := startHivebench(t, io.Discard, "load", "--hive-bin", wrapper, "--users", "2", "--think", "10ms", "--duration", "1m",
		"--mock-ttft", "0s", "--mock-itl", "0s", "--mock-tokens", "4", "--report", jsonOut)
	p.waitLine(t, "hivebench load: adhoc —")
	t.Cleanup(func() { killServeGroup(p.Stderr()) })
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.waitLine(t, "hivebench: SIGINT received: stopping; a second signal exits at once")
	// Once the report is saved the harness stops hive serve, which ignores
	// SIGTERM: the cleanup now hangs for the stop grace.
	waitFile(t, jsonOut)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	code := p.wait(t)
	stderr := p.Stderr()
	assert.Equal(t, cli.ForcedExitCode, code, stderr)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	assert.Equal(t, "hivebench: second signal (SIGINT) during the cleanup: exiting at once with code 3, cleanup abandoned", lines[len(lines)-1])
	assert.NotContains(t, stderr, "report above is partial", "the command did not get to return")
}

// waitFile waits (at most 2 minutes) for path to exist.
func waitFile(t *testing.T, path string) {
	t.Helper()
	for range 1200 {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within 2 minutes", path)
}

// killServeGroup kills the process group of the hive serve a load run
// started (its pid is in the run's stderr): a server that ignores SIGTERM
// outlives a forced exit.
func killServeGroup(stderr string) {
	m := regexp.MustCompile(`hive serve \(.*\) on \S+, pid (\d+)`).FindStringSubmatch(stderr)
	if m == nil {
		return
	}
	var pid int
	if _, err := fmt.Sscan(m[1], &pid); err == nil && pid > 1 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// An interrupt after the workload tree vanished (an unmounted disk, a
// checkout switched under the run): the fingerprint was taken before
// measuring, so the finished rounds are still saved, on the tree they
// measured.
func TestRunInterruptedAfterTheTreeIsGone(t *testing.T) {
	tree := smallTree(t)
	fp, err := results.FingerprintTree(tree)
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "partial.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hook := func(s string) {
		if strings.Contains(s, "parsing: round 1/3 done") {
			require.NoError(t, os.RemoveAll(tree))
			cancel()
		}
	}
	_, stderr, code := runApp(t, ctx, hook, "run", "--suite", "test", "--rounds", "3", "--metrics", "parsing",
		"--workload", tree, "--hive-bin", hiveBin, "--out", out)
	assert.Equal(t, exitcode.Infra, code, stderr)
	f, err := results.Read(out)
	require.NoError(t, err, "the partial results are saved; stderr:\n%s", stderr)
	assert.False(t, f.Complete)
	assert.Equal(t, fp, f.Workload, "the fingerprint of the tree that was measured")
	b, ok := f.Benchmark("parsing.per_file")
	require.True(t, ok)
	assert.NotEmpty(t, b.Samples)
}

// The same for an A/B gate: it writes base.json and head.json of the
// rounds it finished, with the fingerprint taken before measuring.
func TestGateInterruptedAfterTheTreeIsGone(t *testing.T) {
	tree := smallTree(t)
	fp, err := results.FingerprintTree(tree)
	require.NoError(t, err)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hook := func(s string) {
		if strings.Contains(s, "gate: parsing: round pair 1 done") {
			require.NoError(t, os.RemoveAll(tree))
			cancel()
		}
	}
	_, stderr, code := runApp(t, ctx, hook, "gate", "--base-bin", hiveBin, "--head-bin", hiveBin, "--suite", "test",
		"--metrics", "parsing", "--workload", tree, "--out", out)
	assert.Equal(t, exitcode.Infra, code, stderr)
	for _, name := range []string{"base.json", "head.json"} {
		f, err := results.Read(filepath.Join(out, name))
		require.NoError(t, err, "%s is saved; stderr:\n%s", name, stderr)
		assert.False(t, f.Complete, name)
		assert.Equal(t, fp, f.Workload, name)
	}
}

// smallTree is a tree of Go files for the parsing probe.
func smallTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	for i := range 8 {
		p := filepath.Join(dir, fmt.Sprintf("p%d", i), "x.go")
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf("package p%d\n\n// F returns %d.\nfunc F() int { return %d }\n", i, i, i)), 0o644))
	}
	return dir
}
