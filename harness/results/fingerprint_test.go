package results

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
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
	// Known answers: printf 'a.txt\t3\nsub/b.go\t5\n' | sha256sum; and the
	// content lines of TestContentKnownAnswer for this tree.
	assert.Equal(t, Fingerprint{
		Name:  "tree",
		Files: 2,
		Bytes: 8,
		Hash:  "sha256:c9f727e24d77948b447e944fdf64d1f4e7c0eab7ee5dbbb186796f13dd3f3223",
		Content: "sha256:" + sha256Hex("hive-tree-content v1\n"+
			"f 0644 3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad a.txt\n"+
			"d 0755 0 - sub\n"+
			"f 0644 5 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 sub/b.go\n"),
	}, fp)

	// Symlinks and directories are not files of the workload, but they
	// are part of its content.
	require.NoError(t, os.Symlink(filepath.Join(root, "a.txt"), filepath.Join(root, "link.txt")))
	require.NoError(t, os.Mkdir(filepath.Join(root, "empty"), 0o755))
	fp3, err := FingerprintTree(root)
	require.NoError(t, err)
	assert.Equal(t, []any{fp.Files, fp.Bytes, fp.Hash}, []any{fp3.Files, fp3.Bytes, fp3.Hash})
	assert.NotEqual(t, fp.Content, fp3.Content)
	assert.False(t, fp.SameTree(fp3))

	cases := []struct {
		name  string
		files map[string]string
	}{
		{"size changed", map[string]string{"a.txt": "abcd", "sub/b.go": "hello"}},
		{"file renamed", map[string]string{"a2.txt": "abc", "sub/b.go": "hello"}},
		{"file added", map[string]string{"a.txt": "abc", "sub/b.go": "hello", "c": ""}},
		{"file moved", map[string]string{"sub/a.txt": "abc", "b.go": "hello"}},
		{"one byte changed, same names and sizes", map[string]string{"a.txt": "abd", "sub/b.go": "hello"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			other, err := FingerprintTree(writeTree(t, c.files))
			require.NoError(t, err)
			assert.False(t, fp.SameTree(other))
			assert.True(t, fp.ContentCompared(other))
		})
	}
}

// Two trees with the same names and sizes whose bytes differ were one
// workload to the names-and-sizes fingerprint, so a comparison of runs
// over them passed as like for like. The content fingerprint tells them
// apart and CheckComparable refuses the pair; a results file written
// before content fingerprints still compares on names and sizes, with a
// warning.
func TestSameNamesAndSizesOtherBytes(t *testing.T) {
	a := writeTree(t, map[string]string{"a.go": "package a\n", "sub/b.go": "package b\n"})
	b := writeTree(t, map[string]string{"a.go": "package a\n", "sub/b.go": "package c\n"})
	fa, err := FingerprintTree(a)
	require.NoError(t, err)
	fb, err := FingerprintTree(b)
	require.NoError(t, err)
	require.Equal(t, []any{fa.Files, fa.Bytes, fa.Hash}, []any{fb.Files, fb.Bytes, fb.Hash}, "the same names and sizes")
	assert.NotEqual(t, fa, fb)
	assert.False(t, fa.SameTree(fb))

	base, head := validFile(), validFile()
	base.Source, head.Source = "base.json", "head.json"
	base.Workload, head.Workload = fa, fb
	_, err = CheckComparable(base, head)
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "same file names and sizes but different contents")

	old := validFile()
	old.Source = "old.json"
	old.Workload = fa
	old.Workload.Content = ""
	warns, err := CheckComparable(old, head)
	require.NoError(t, err, "a file without content is compared on names and sizes")
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0], "workload contents not compared: old.json has no content fingerprint")
}

// Every regular file is read: one that cannot be is an infrastructure
// error naming it, not a fingerprint that leaves it out.
func TestFingerprintTreeUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a mode-000 file")
	}
	root := writeTree(t, map[string]string{"a.go": "package a\n", "b.go": "package b\n"})
	require.NoError(t, os.Chmod(filepath.Join(root, "b.go"), 0))
	_, err := FingerprintTree(root)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), filepath.Join(root, "b.go"))
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
	fp.Content = "sha256:99435c3218e5dd201eb3429bd8be5d0a583f186c054db21a57627f2b4b0ad0a7"
	assert.Equal(t, "tiny (2 files, 8 bytes, sha256:c9f727e24d77, content sha256:99435c3218e5)", fp.String())
}

func TestEncodePathIsUnambiguous(t *testing.T) {
	assert.Equal(t, "a/b.go", encodePath("a/b.go"))
	assert.Equal(t, `"a\tb"`, encodePath("a\tb"))
	assert.NotEqual(t, encodePath(`"a\tb"`), encodePath("a\tb"))
}
