package results

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/exitcode"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "tree")
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
	return root
}

func TestFingerprintTree(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "abc", "sub/b.go": "hello"})
	fp, err := FingerprintTree(root)
	require.NoError(t, err)
	// Known answer: printf 'a.txt\t3\nsub/b.go\t5\n' | sha256sum
	assert.Equal(t, Fingerprint{
		Name:  "tree",
		Files: 2,
		Bytes: 8,
		Hash:  "sha256:c9f727e24d77948b447e944fdf64d1f4e7c0eab7ee5dbbb186796f13dd3f3223",
	}, fp)

	// Same names and sizes, other contents: same fingerprint (by design,
	// contents are pinned by manifests, not here).
	same := writeTree(t, map[string]string{"a.txt": "xyz", "sub/b.go": "world"})
	fp2, err := FingerprintTree(same)
	require.NoError(t, err)
	assert.True(t, fp.SameTree(fp2))

	// Symlinks and directories are not files of the workload.
	require.NoError(t, os.Symlink(filepath.Join(root, "a.txt"), filepath.Join(root, "link.txt")))
	require.NoError(t, os.Mkdir(filepath.Join(root, "empty"), 0o755))
	fp3, err := FingerprintTree(root)
	require.NoError(t, err)
	assert.Equal(t, fp, fp3)

	cases := []struct {
		name  string
		files map[string]string
	}{
		{"size changed", map[string]string{"a.txt": "abcd", "sub/b.go": "hello"}},
		{"file renamed", map[string]string{"a2.txt": "abc", "sub/b.go": "hello"}},
		{"file added", map[string]string{"a.txt": "abc", "sub/b.go": "hello", "c": ""}},
		{"file moved", map[string]string{"sub/a.txt": "abc", "b.go": "hello"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			other, err := FingerprintTree(writeTree(t, c.files))
			require.NoError(t, err)
			assert.False(t, fp.SameTree(other))
		})
	}
}

func TestFingerprintTreeErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := FingerprintTree(missing)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err), "a missing workload is an infrastructure failure")
	assert.Contains(t, err.Error(), missing)

	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = FingerprintTree(file)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "is not a directory")
}

func TestFingerprintString(t *testing.T) {
	assert.Equal(t, "no workload", Fingerprint{}.String())
	fp := Fingerprint{Name: "tiny", Files: 2, Bytes: 8, Hash: "sha256:c9f727e24d77948b447e944fdf64d1f4e7c0eab7ee5dbbb186796f13dd3f3223"}
	assert.Equal(t, "tiny (2 files, 8 bytes, sha256:c9f727e24d77)", fp.String())
}

func TestEncodePathIsUnambiguous(t *testing.T) {
	assert.Equal(t, "a/b.go", encodePath("a/b.go"))
	assert.Equal(t, `"a\tb"`, encodePath("a\tb"))
	assert.NotEqual(t, encodePath(`"a\tb"`), encodePath("a\tb"))
}
