package workloads

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

// writeTree creates files (path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

// walked is the fingerprint a read of the tree at root gives, with no name:
// what an unpacker's fingerprint, computed while writing, must equal.
func walked(t *testing.T, root string) results.Fingerprint {
	t.Helper()
	fp, err := results.FingerprintTree(root)
	require.NoError(t, err)
	fp.Name = ""
	return fp
}

// writeTarGz builds a .tar.gz of files with Go's archive/tar, independent
// of the system tar the code under test uses to unpack it.
func writeTarGz(t *testing.T, path string, files map[string]string) (size int64, sum string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), ModTime: time.Unix(1_700_000_000, 0), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[n]))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	require.NoError(t, f.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	h := sha256.Sum256(data)
	return int64(len(data)), hex.EncodeToString(h[:])
}

// envWith is a Getenv over a map, falling back to nothing: tests decide
// exactly which PATH the code sees.
func envWith(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// testCache is a cache in a temp dir that finds tools on the real PATH and
// stamps bad files with a fixed time.
func testCache(t *testing.T) *Cache {
	t.Helper()
	return &Cache{
		Dir:    filepath.Join(t.TempDir(), "cache"),
		Getenv: envWith(map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}),
		Now:    func() time.Time { return time.Date(2025, 11, 26, 7, 0, 0, 0, time.UTC) },
	}
}

var sampleFiles = map[string]string{
	"proj/main.go":       "package main\n\nfunc main() {}\n",
	"proj/lib/util.go":   "package lib\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
	"proj/web/app.js":    "export function hi() { return 'hi' }\n",
	"proj/README.md":     "# demo\n",
	"proj/tool/run.py":   "def run():\n    return 1\n",
	"proj/include/x.h":   "int x(void);\n",
	"proj/src/x.c":       "int x(void) { return 1; }\n",
	"proj/docs/note.txt": "not source\n",
}
