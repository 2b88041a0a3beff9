package workloads

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The real hive binary for the replay tests: built once, on first use, into
// a directory TestMain removes. Lazily, so that fuzz workers (which run
// TestMain too) and runs of the parser tests alone do not pay for a build.
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
	dir, err := os.MkdirTemp("", "hive-workloads-test-")
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
	hiveOnce.Do(func() { hiveBin, hiveBuild = buildHive(testDir) })
	require.NoError(t, hiveBuild, "the replay tests need the real hive binary")
	return hiveBin
}

// buildHive builds ./cmd/hive of this module, with the FTS5 tag the store
// needs, into dir.
func buildHive(dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD is %q: not inside the hive module", gomod)
	}
	bin := filepath.Join(dir, "hive")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/hive")
	cmd.Dir = filepath.Dir(gomod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/hive: %w\n%s", err, stderr.String())
	}
	return bin, nil
}
