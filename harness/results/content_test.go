package results

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Known answer: the content fingerprint of a small tree, written out line
// by line here as its definition (content.go) says. Manifests pin values of
// it, so these bytes must never change.
func TestContentKnownAnswer(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.txt"), []byte("abc"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "b.go"), []byte("hello"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(root, "a.txt"), 0o755))
	require.NoError(t, os.Symlink("a.txt", filepath.Join(root, "l")))
	require.NoError(t, os.Chmod(filepath.Join(root, "sub"), 0o750))
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "p"), 0o600))
	lines := "hive-tree-content v1\n" +
		"f 0755 3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad a.txt\n" +
		"l 0000 5 " + sha256Hex("a.txt") + " l\n" +
		"p 0600 0 - p\n" +
		"d 0750 0 - sub\n" +
		"f 0644 5 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 sub/b.go\n"

	var fp Fingerprint
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		fp, err = FingerprintTree(root)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a liveness bound, not a measurement
		if w, werr := os.OpenFile(filepath.Join(root, "p"), os.O_WRONLY|syscall.O_NONBLOCK, 0); werr == nil {
			w.Close()
		}
		<-done
		t.Fatal("FingerprintTree blocked on the named pipe in the tree")
	}
	require.NoError(t, err)
	assert.Equal(t, "sha256:"+sha256Hex(lines), fp.Content)
	assert.Equal(t, "sha256:"+sha256Hex("a.txt\t3\nsub/b.go\t5\n"), fp.Hash, "names and sizes of the regular files only")
	assert.Equal(t, 2, fp.Files)
	assert.Equal(t, int64(8), fp.Bytes)

	// Through a symlink to the tree, the same tree (WalkDir alone would
	// list the link and nothing under it).
	link := filepath.Join(t.TempDir(), "tree")
	require.NoError(t, os.Symlink(root, link))
	via, err := FingerprintTree(link)
	require.NoError(t, err)
	assert.Equal(t, "tree", via.Name, "named after the path given")
	via.Name = fp.Name
	assert.Equal(t, fp, via)

	// The same tree given as entries, as an unpacker that hashes what it
	// writes makes them (other bits in Mode, and a stray Size or Digest on
	// a directory or pipe, are not part of the definition).
	digest := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	entries := []TreeEntry{
		{Path: "sub/b.go", Mode: 0o644, Size: 5, Digest: digest("hello")},
		{Path: "sub", Mode: fs.ModeDir | 0o750, Size: 4096},
		SymlinkEntry("l", "a.txt"),
		{Path: "p", Mode: fs.ModeNamedPipe | 0o600, Digest: digest("x")},
		{Path: "a.txt", Mode: 0o755, Size: 3, Digest: digest("abc")},
	}
	got := FingerprintEntries(entries)
	fp.Name = ""
	assert.Equal(t, fp, got)
	assert.Equal(t, "a.txt", entries[0].Path, "entries are sorted in place")
}

// Each part of a line changes the fingerprint.
func TestContentLinesEachCount(t *testing.T) {
	digest := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	base := func() []TreeEntry {
		return []TreeEntry{
			{Path: "a", Mode: 0o644, Size: 1, Digest: digest("x")},
			{Path: "d", Mode: fs.ModeDir | 0o755},
			SymlinkEntry("l", "a"),
		}
	}
	want := FingerprintEntries(base())
	cases := []struct {
		name   string
		change func(es []TreeEntry) []TreeEntry
	}{
		{"file bytes", func(es []TreeEntry) []TreeEntry { es[0].Digest = digest("y"); return es }},
		{"file mode", func(es []TreeEntry) []TreeEntry { es[0].Mode = 0o600; return es }},
		{"setuid", func(es []TreeEntry) []TreeEntry { es[0].Mode |= fs.ModeSetuid; return es }},
		{"directory mode", func(es []TreeEntry) []TreeEntry { es[1].Mode = fs.ModeDir | 0o700; return es }},
		{"a file becomes a pipe", func(es []TreeEntry) []TreeEntry { es[0].Mode = fs.ModeNamedPipe | 0o644; return es }},
		{"symlink target", func(es []TreeEntry) []TreeEntry { es[2] = SymlinkEntry("l", "d"); return es }},
		{"an empty directory more", func(es []TreeEntry) []TreeEntry {
			return append(es, TreeEntry{Path: "e", Mode: fs.ModeDir | 0o755})
		}},
		{"a path", func(es []TreeEntry) []TreeEntry { es[0].Path = "b"; return es }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FingerprintEntries(c.change(base()))
			assert.NotEqual(t, want.Content, got.Content)
			assert.False(t, want.SameTree(got))
		})
	}
}

// A file that turns into something else between the listing and the read
// is not read as what it became.
func TestFingerprintTreeFileSwapped(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a"), []byte("abc"), 0o644))
	entries := []TreeEntry{{Path: "a", Mode: 0o644}}
	require.NoError(t, os.Remove(filepath.Join(root, "a")))
	require.NoError(t, os.Symlink("/etc/hostname", filepath.Join(root, "a")))
	err := hashFiles(root, entries, []int{0})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a regular file: symbolic link")
}
