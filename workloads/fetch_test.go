package workloads

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

func archiveManifest(path string, pins ...Artefact) *Manifest {
	return &Manifest{Name: "demo", Description: "test", Source: Source{Type: Archive, Path: path}, Artefacts: pins, File: "demo.yaml"}
}

func TestFingerprintOfDirSource(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, sampleFiles)
	require.NoError(t, os.Symlink("proj/main.go", filepath.Join(dir, "link.go")))
	c := testCache(t)
	m := &Manifest{Name: "mine", Source: Source{Type: Dir, Path: dir}, File: "mine.yaml"}

	st := c.State(context.Background(), m)
	assert.Equal(t, Local, st.Status)
	assert.True(t, st.Usable())

	tree, err := c.Tree(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, dir, tree.Root)
	assert.Equal(t, "mine", tree.Fingerprint.Name, "named after the workload, not the directory")
	assert.Equal(t, len(sampleFiles), tree.Fingerprint.Files, "regular files only: the symlink is not counted")
	var total int64
	for _, c := range sampleFiles {
		total += int64(len(c))
	}
	assert.Equal(t, total, tree.Fingerprint.Bytes)
	want, err := results.FingerprintTree(dir)
	require.NoError(t, err)
	want.Name = "mine"
	assert.Equal(t, want, tree.Fingerprint, "the fingerprint is harness/results's")
	assert.Equal(t, want.Content, tree.Content, "read once, for both")
	assert.NotEmpty(t, tree.Content)

	// The same tree elsewhere: same fingerprint. One byte other, or one
	// byte more: not.
	other := t.TempDir()
	writeTree(t, other, sampleFiles)
	require.NoError(t, os.Symlink("proj/main.go", filepath.Join(other, "link.go")))
	fp2, err := fingerprint(m, other)
	require.NoError(t, err)
	assert.True(t, fp2.SameTree(tree.Fingerprint))
	writeTree(t, other, map[string]string{"proj/main.go": "P" + sampleFiles["proj/main.go"][1:]})
	fp3, err := fingerprint(m, other)
	require.NoError(t, err)
	assert.Equal(t, tree.Fingerprint.Hash, fp3.Hash, "the same names and sizes")
	assert.False(t, fp3.SameTree(tree.Fingerprint))
	writeTree(t, other, map[string]string{"proj/main.go": sampleFiles["proj/main.go"] + "\n"})
	fp4, err := fingerprint(m, other)
	require.NoError(t, err)
	assert.False(t, fp4.SameTree(tree.Fingerprint))

	rep, err := c.Fetch(context.Background(), m, FetchOptions{})
	require.NoError(t, err)
	assert.True(t, rep.AlreadyCached, "a local source is used in place")
	_, err = os.Stat(c.Dir)
	assert.True(t, os.IsNotExist(err), "fetching a dir source writes nothing to the cache")
}

func TestLocalSourcesMissing(t *testing.T) {
	c := testCache(t)
	m := &Manifest{Name: "gone", Source: Source{Type: Dir, Path: filepath.Join(t.TempDir(), "nope")}}
	st := c.State(context.Background(), m)
	assert.Equal(t, Missing, st.Status)
	_, err := c.Tree(context.Background(), m)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err), "a missing workload is exit 3")
	assert.Contains(t, err.Error(), "does not exist")
}

func TestGorootSource(t *testing.T) {
	goroot := t.TempDir()
	writeTree(t, goroot, map[string]string{"src/fmt/print.go": "package fmt\n", "misc/x.go": "package x\n"})
	c := testCache(t)
	c.Getenv = envWith(map[string]string{"GOROOT": goroot})
	s, err := Builtin()
	require.NoError(t, err)
	m, err := s.Get("go-stdlib")
	require.NoError(t, err)
	tree, err := c.Tree(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(goroot, "src"), tree.Root)
	assert.Equal(t, 1, tree.Fingerprint.Files)

	// Without GOROOT: `go env GOROOT` of the go on PATH, as on a machine
	// that just built hive.
	c.Getenv = envWith(map[string]string{"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME")})
	real, err := c.Tree(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, "src", filepath.Base(real.Root))
	assert.FileExists(t, filepath.Join(real.Root, "fmt", "print.go"))
	assert.Equal(t, "go-stdlib", real.Fingerprint.Name)

	// Without GOROOT and without go on PATH: a clear exit 3.
	c.Getenv = envWith(map[string]string{"PATH": ""})
	_, err = c.Tree(context.Background(), m)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), `"go"`)
}

func TestFetchArchive(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	size, sum := writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	m := archiveManifest(src, Artefact{File: "proj.tar.gz", Size: size, SHA256: sum})

	assert.Equal(t, Absent, c.State(ctx, m).Status)
	rep, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	assert.False(t, rep.AlreadyCached)
	assert.Empty(t, rep.Unpinned)
	require.Len(t, rep.Artefacts, 1)
	assert.Equal(t, Artefact{File: "proj.tar.gz", Size: size, SHA256: sum}, rep.Artefacts[0])
	assert.Equal(t, filepath.Join(c.Dir, "demo"), rep.Tree.Root)
	assert.Equal(t, len(sampleFiles), rep.Tree.Fingerprint.Files)
	got, err := os.ReadFile(filepath.Join(rep.Tree.Root, "proj", "lib", "util.go"))
	require.NoError(t, err)
	assert.Equal(t, sampleFiles["proj/lib/util.go"], string(got))

	st := c.State(ctx, m)
	assert.Equal(t, Complete, st.Status)
	require.NotNil(t, st.Marker)
	assert.Equal(t, rep.Tree.Fingerprint, st.Marker.Fingerprint, "the marker holds the fingerprint")
	assert.Equal(t, m.Source.Key(), st.Marker.Source)
	_, err = os.Stat(c.stagingDir("demo"))
	assert.True(t, os.IsNotExist(err), "downloads are removed after a successful unpack")
	leftovers, _ := filepath.Glob(filepath.Join(c.Dir, ".demo.unpack-*"))
	assert.Empty(t, leftovers)

	again, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	assert.True(t, again.AlreadyCached)
	assert.Equal(t, rep.Tree.Fingerprint, again.Tree.Fingerprint)

	v, err := c.Verify(ctx, m)
	require.NoError(t, err)
	assert.NoError(t, v.Err())
	assert.False(t, v.Pinned())
	assert.Contains(t, v.PinSnippet(), rep.Tree.Fingerprint.Hash)

	forced, err := c.Fetch(ctx, m, FetchOptions{Force: true, KeepDownloads: true})
	require.NoError(t, err)
	assert.False(t, forced.AlreadyCached)
	_, err = os.Stat(filepath.Join(c.stagingDir("demo"), "proj.tar.gz"))
	assert.NoError(t, err, "--keep-downloads keeps the artefact")
}

func TestFetchUnpinnedReportsWhatToPin(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj.tgz")
	size, sum := writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	rep, err := c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
	require.NoError(t, err)
	require.Len(t, rep.Unpinned, 1)
	assert.Equal(t, Artefact{File: "proj.tgz", Size: size, SHA256: sum}, rep.Unpinned[0])
}

func TestFetchResume(t *testing.T) {
	ctx := context.Background()
	srcDir := t.TempDir()
	src := filepath.Join(srcDir, "proj.tar.gz")
	size, sum := writeTarGz(t, src, sampleFiles)
	full, err := os.ReadFile(src)
	require.NoError(t, err)
	pin := Artefact{File: "proj.tar.gz", Size: size, SHA256: sum}
	corruptPrefix := append([]byte{}, full[:size/2]...)
	corruptPrefix[len(corruptPrefix)/2] ^= 0xff

	cases := []struct {
		name          string
		key           string // content of .source; "" = none
		partial       []byte // what an interrupted download left
		wantResumed   bool
		wantRestarted bool
		wantGone      string // a stray file that must not survive
		sizeOnly      bool   // the manifest pins the size alone
	}{
		{name: "a prefix is continued", key: "same", partial: full[:size/2], wantResumed: true},
		{name: "a corrupt prefix is verified and started over", key: "same", partial: corruptPrefix, wantResumed: true},
		{name: "a corrupt prefix, no sha256 pinned, is verified and started over", key: "same", sizeOnly: true, partial: corruptPrefix, wantResumed: true},
		{name: "a complete verified download is kept", key: "same", partial: full, wantResumed: true},
		{name: "a longer file is restarted", key: "same", partial: append(append([]byte{}, full...), "junk"...), wantRestarted: true},
		{name: "a full-size corrupt file is restarted", key: "same", partial: append([]byte("X"), full[1:]...), wantRestarted: true},
		{name: "another source's download is discarded", key: "type=archive path=/elsewhere.tar.gz", partial: []byte("old"), wantGone: "stale.bin"},
		{name: "a staging dir without key is discarded", key: "", partial: []byte("??"), wantGone: "stale.bin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cache := testCache(t)
			m := archiveManifest(src, pin)
			if c.sizeOnly {
				m = archiveManifest(src, Artefact{File: pin.File, Size: pin.Size})
			}
			staging := cache.stagingDir("demo")
			require.NoError(t, os.MkdirAll(staging, 0o755))
			key := c.key
			if key == "same" {
				key = m.Source.Key()
			}
			if key != "" {
				require.NoError(t, os.WriteFile(filepath.Join(staging, ".source"), []byte(key+"\n"), 0o644))
			}
			require.NoError(t, os.WriteFile(filepath.Join(staging, "proj.tar.gz"), c.partial, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(staging, "stale.bin"), []byte("x"), 0o644))
			assert.Equal(t, Partial, cache.State(ctx, m).Status, "an interrupted download shows as partial")

			rep, err := cache.Fetch(ctx, m, FetchOptions{KeepDownloads: true})
			require.NoError(t, err)
			assert.Equal(t, c.wantResumed, contains(rep.Resumed, "proj.tar.gz"), "resumed: %v", rep.Resumed)
			assert.Equal(t, c.wantRestarted, contains(rep.Restarted, "proj.tar.gz"), "restarted: %v", rep.Restarted)
			got, err := os.ReadFile(filepath.Join(staging, "proj.tar.gz"))
			require.NoError(t, err)
			assert.Equal(t, full, got, "the artefact ends up whole")
			assert.Equal(t, len(sampleFiles), rep.Tree.Fingerprint.Files)
			if c.wantGone != "" {
				_, err := os.Stat(filepath.Join(staging, c.wantGone))
				assert.True(t, os.IsNotExist(err), "%s was discarded", c.wantGone)
			}
			assert.Equal(t, Complete, cache.State(ctx, m).Status)
		})
	}
}

func TestTreeWithoutMarkerIsNeverUsed(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	m := archiveManifest(src)

	// A crash after the rename and before the marker: a full-looking tree.
	writeTree(t, c.treeDir("demo"), map[string]string{"half/unpacked.go": "package half\n"})
	writeTree(t, filepath.Join(c.Dir, ".demo.unpack-123"), map[string]string{"x.go": "package x\n"})
	st := c.State(ctx, m)
	assert.Equal(t, Absent, st.Status)
	assert.Contains(t, st.Detail, "without marker")
	_, err := c.Tree(ctx, m)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "hivebench workload fetch demo")
	_, err = c.Verify(ctx, m)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err), "verify refuses it too")

	rep, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(rep.Tree.Root, "half"))
	assert.True(t, os.IsNotExist(err), "the unmarked tree was replaced, not reused")
	_, err = os.Stat(filepath.Join(c.Dir, ".demo.unpack-123"))
	assert.True(t, os.IsNotExist(err), "an abandoned unpack is removed")

	// A marker whose tree is gone is not a cached workload either.
	require.NoError(t, os.RemoveAll(rep.Tree.Root))
	assert.Equal(t, Absent, c.State(ctx, m).Status)

	// A marker from another version of the source is stale.
	_, err = c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	moved := archiveManifest(filepath.Join(filepath.Dir(src), "other.tar.gz"))
	assert.Equal(t, Stale, c.State(ctx, moved).Status)
	_, err = c.Tree(ctx, moved)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))

	// A corrupt marker does not make a tree complete.
	require.NoError(t, os.WriteFile(c.markerPath("demo"), []byte("{not json"), 0o644))
	assert.False(t, c.State(ctx, m).Usable())
}

func TestChecksumMismatchMovesTheFileAside(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	size, _ := writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	wrong := strings.Repeat("ab", 32)
	m := archiveManifest(src, Artefact{File: "proj.tar.gz", Size: size, SHA256: wrong})

	_, err := c.Fetch(context.Background(), m, FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err), "a checksum mismatch is exit 3")
	assert.Contains(t, err.Error(), "checksum mismatch for proj.tar.gz")
	assert.Contains(t, err.Error(), wrong)
	bad := filepath.Join(c.Dir, "proj.tar.gz.bad-20251126T070000Z")
	assert.Contains(t, err.Error(), bad, "the error says where the file went")
	data, err := os.ReadFile(bad)
	require.NoError(t, err, "the file is kept for inspection")
	assert.Len(t, data, int(size))
	_, err = os.Stat(filepath.Join(c.stagingDir("demo"), "proj.tar.gz"))
	assert.True(t, os.IsNotExist(err), "and is no longer where a rerun would trust it")
	_, err = os.Stat(c.treeDir("demo"))
	assert.True(t, os.IsNotExist(err), "nothing was unpacked")
	_, err = os.Stat(c.markerPath("demo"))
	assert.True(t, os.IsNotExist(err))

	// The same mismatch again, in the same second (the clock is fixed): the
	// first file kept aside is not overwritten.
	_, err = c.Fetch(context.Background(), m, FetchOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+"-2")
	first, err := os.ReadFile(bad)
	require.NoError(t, err)
	assert.Equal(t, data, first, "the first file moved aside is intact")
	assert.FileExists(t, bad+"-2")

	// A pinned size the source no longer has is caught before copying.
	m.Artefacts[0] = Artefact{File: "proj.tar.gz", Size: size + 1}
	_, err = c.Fetch(context.Background(), m, FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "pins proj.tar.gz at")
}

func TestPinnedFingerprintMismatch(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	m := archiveManifest(src)
	m.Fingerprint = results.Fingerprint{Name: "demo", Files: 1, Bytes: 1, Hash: "sha256:" + strings.Repeat("0", 64)}

	_, err := c.Fetch(context.Background(), m, FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "workload demo differs")
	assert.DirExists(t, filepath.Join(c.Dir, "demo.bad-20251126T070000Z"), "the tree is kept aside for inspection")
	assert.False(t, c.State(context.Background(), m).Usable())

	// Again in the same second: kept beside the first, not lost.
	_, err = c.Fetch(context.Background(), m, FetchOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "moved aside to "+filepath.Join(c.Dir, "demo.bad-20251126T070000Z-2"))
	assert.FileExists(t, filepath.Join(c.Dir, "demo.bad-20251126T070000Z", "proj", "main.go"))
	assert.FileExists(t, filepath.Join(c.Dir, "demo.bad-20251126T070000Z-2", "proj", "main.go"))

	// An artefact named like the workload lands beside its trees.
	require.NoError(t, os.WriteFile(filepath.Join(c.Dir, "demo"), []byte("x"), 0o644))
	moved, err := c.moveAside(filepath.Join(c.Dir, "demo"), "demo")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(c.Dir, "demo.bad-20251126T070000Z-3"), moved)
}

func TestVerifyDetectsAChangedTree(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	m := archiveManifest(src)
	rep, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)

	// Pinning the right fingerprint verifies; a wrong one is exit 3.
	m.Fingerprint = rep.Tree.Fingerprint
	v, err := c.Verify(ctx, m)
	require.NoError(t, err)
	assert.NoError(t, v.Err())
	m.Fingerprint.Hash = "sha256:" + strings.Repeat("1", 64)
	v, err = c.Verify(ctx, m)
	require.NoError(t, err)
	require.Error(t, v.Err())
	assert.Equal(t, exitcode.Infra, exitcode.Code(v.Err()))
	assert.Contains(t, v.Err().Error(), "differs")

	// Editing the cached tree is caught against the marker even unpinned.
	m.Fingerprint = results.Fingerprint{}
	writeTree(t, rep.Tree.Root, map[string]string{"proj/extra.go": "package extra\n"})
	v, err = c.Verify(ctx, m)
	require.NoError(t, err)
	require.Error(t, v.Err())
	assert.Contains(t, v.Err().Error(), "changed since it was fetched")
	assert.Contains(t, v.Err().Error(), "fetch --force demo")
}

func TestMissingToolIsExit3(t *testing.T) {
	cases := []struct {
		name string
		m    *Manifest
		tool string
		hint string
	}{
		{"npm", &Manifest{Name: "r", Source: Source{Type: NPM, Packages: []string{"react@19.1.0"}}}, `"npm"`, "apt-get install npm"},
		{"debian-binary", &Manifest{Name: "l", Source: Source{Type: DebianBinary, Package: "linux-source-6.12", Version: "1", Member: "usr/src/l.tar.xz"}}, `"apt-get"`, "Debian"},
		{"debian-source", &Manifest{Name: "c", Source: Source{Type: DebianSource, Package: "chromium", Version: "1", Tarball: "c.orig.tar.xz"}}, `"apt-get"`, "dir manifest"},
		{"archive", &Manifest{Name: "a", Source: Source{Type: Archive, Path: "/x/a.tar.xz"}}, `"xz"`, "apt-get install xz-utils"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cache := testCache(t)
			cache.Getenv = envWith(map[string]string{"PATH": ""})
			_, err := cache.Fetch(context.Background(), c.m, FetchOptions{})
			require.Error(t, err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err), "a missing tool is exit 3")
			assert.Contains(t, err.Error(), c.tool)
			assert.Contains(t, err.Error(), c.hint, "the error says what to install")
			_, err = os.Stat(cache.Dir)
			assert.True(t, os.IsNotExist(err), "nothing is written before the tools are there")
		})
	}

	// Only xz missing: the error names xz and xz-utils.
	bin := t.TempDir()
	tarPath, err := toolbox{getenv: os.Getenv}.look("tar", "test")
	require.NoError(t, err)
	require.NoError(t, os.Symlink(tarPath, filepath.Join(bin, "tar")))
	cache := testCache(t)
	cache.Getenv = envWith(map[string]string{"PATH": bin})
	_, err = cache.Fetch(context.Background(), &Manifest{Name: "a", Source: Source{Type: Archive, Path: "/x/a.tar.xz"}}, FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), `"xz"`)
	assert.Contains(t, err.Error(), "xz-utils")
}

func TestConcurrentFetchIsRefused(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	require.NoError(t, os.MkdirAll(c.Dir, 0o755))
	unlock, err := c.lock("demo")
	require.NoError(t, err)
	_, err = c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "another fetch")
	unlock()
	_, err = c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
	assert.NoError(t, err, "the lock is released")
}

func TestCanceledFetchLeavesNoTree(t *testing.T) {
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Fetch(ctx, archiveManifest(src), FetchOptions{})
	require.Error(t, err)
	assert.False(t, c.State(context.Background(), archiveManifest(src)).Usable())

	// A fetch that fails before downloading anything leaves no "partial".
	gone := archiveManifest(filepath.Join(t.TempDir(), "missing.tar.gz"))
	_, err = c.Fetch(context.Background(), gone, FetchOptions{})
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Equal(t, Absent, c.State(context.Background(), gone).Status)
	assert.NoDirExists(t, c.stagingDir("demo"))
}

func TestDefaultDir(t *testing.T) {
	assert.Equal(t, "/x/hive/workloads", DefaultDir(envWith(map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"})))
	assert.Equal(t, "/h/.cache/hive/workloads", DefaultDir(envWith(map[string]string{"HOME": "/h"})))
}
