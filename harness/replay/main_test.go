package replay

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/hiveperf/hive/internal/testhive"
	"github.com/stretchr/testify/require"
)

// The real hive binary for the replay tests: built once, on first use, into
// a directory TestMain removes. Lazily, so that runs of the tests that need
// no binary (the target checks) alone do not pay for a build.
var (
	testDir   string
	hiveOnce  sync.Once
	hiveBin   string
	hiveBuild error
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hive-replay-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(dir)
	testDir = dir
	return m.Run()
}

// needHive returns the real hive binary, building it on first use.
func needHive(t *testing.T) string {
	t.Helper()
	hiveOnce.Do(func() { hiveBin, hiveBuild = testhive.Build(testDir) })
	require.NoError(t, hiveBuild, "the replay tests need the real hive binary")
	return hiveBin
}
