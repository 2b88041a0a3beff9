package replay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
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

// sampleFiles is a small tree of several languages, with files hive does
// not analyse beside them (the workloads tests use the same one).
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
