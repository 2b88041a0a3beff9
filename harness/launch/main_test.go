package launch

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/testhive"
)

// hiveBin is the real hive binary, built once for the package's tests.
var hiveBin string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	flag.Parse()
	// A fuzzing worker only parses text; the coordinator kills workers, so
	// a build directory of theirs would never be removed.
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "hive-launch-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(dir)
	if hiveBin, err = testhive.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "launch tests need the real hive binary:", err)
		return 3
	}
	return m.Run()
}

// script writes an executable shell script standing in for a broken hive.
func script(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "hive")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return p
}
