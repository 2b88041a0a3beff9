package probe

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hiveperf/hive/internal/testhive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hiveBin is the real hive binary, built once for all tests of the package.
var hiveBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	// A fuzzing worker runs only fuzz targets, which parse text and need no
	// binary; the coordinator kills workers, so a build dir of theirs
	// would never be removed.
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "hive-probe-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(dir)
	bin, err := testhive.Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe tests need the real hive binary:", err)
		return 3
	}
	hiveBin = bin
	return m.Run()
}

// target is the real binary with a per-test work directory.
func target(t *testing.T) Target {
	return Target{Name: "test", HiveBin: hiveBin, WorkDir: t.TempDir()}
}

// script writes an executable shell script standing in for a broken hive.
func script(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "hive")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return p
}

// running returns the pids of live processes whose argv[0] or argv[1] is
// path (argv[1] is the script of a #! interpreter).
func running(path string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(raw) == 0 {
			continue // gone, or a zombie (no memory, no cmdline)
		}
		argv := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		if argv[0] == path || (len(argv) > 1 && argv[1] == path) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// assertNoneRunning fails if a process of path is still alive. A process
// that was stopped is reaped before Terminate returns, so no waiting is
// needed here.
func assertNoneRunning(t *testing.T, path string) {
	t.Helper()
	assert.Empty(t, running(path), "processes of %s outlived their round or session", path)
}

// cmdlineOf is the command line of pid, for test messages.
func cmdlineOf(pid int) string {
	raw, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.ReplaceAll(strings.TrimRight(string(raw), "\x00"), "\x00", " ")
}

// goSrc is a small real source tree: GOROOT/src/strings.
func goSrc(t *testing.T, sub string) string {
	root, err := goroot(context.Background())
	require.NoError(t, err)
	dir := filepath.Join(root, "src", sub)
	require.DirExists(t, dir)
	return dir
}
