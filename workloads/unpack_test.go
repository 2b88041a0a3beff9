package workloads

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// member is one tar member for the archives these tests build.
type member struct {
	h    tar.Header
	body string
}

// tarBytes builds a plain tar archive with Go's archive/tar, independent
// of the unpacker it feeds.
func tarBytes(t testing.TB, members []member) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range members {
		h := m.h
		if h.ModTime.IsZero() {
			h.ModTime = time.Unix(1_700_000_000, 0)
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(m.body))
		}
		require.NoError(t, tw.WriteHeader(&h))
		if m.body != "" {
			_, err := tw.Write([]byte(m.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return b.Bytes()
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	_, err := gz.Write(data)
	require.NoError(t, err)
	require.NoError(t, gz.Close())
	return b.Bytes()
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func reg(name string, mode int64, body string) member {
	return member{tar.Header{Name: name, Mode: mode, Typeflag: tar.TypeReg}, body}
}

// hostileMembers is the archive of the issue "Archives that are not what
// they seem", and then some: each member is something the system's tar
// (as root) would have recreated as it is.
var hostileMembers = []member{
	reg("t/ok.c", 0o644, "int ok;\n"),
	{tar.Header{Name: "t/mem.c", Mode: 0o644, Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 1}, ""},
	{tar.Header{Name: "t/sda.c", Mode: 0o660, Typeflag: tar.TypeBlock, Devmajor: 8}, ""},
	reg("t/suid.sh", 0o4755, "#!/bin/sh\necho root\n"),
	reg("t/sgid.c", 0o2640, "int g;\n"),
	{tar.Header{Name: "t/.gitignore", Mode: 0o644, Typeflag: tar.TypeFifo}, ""},
	{tar.Header{Name: "t/ro/", Mode: 0o555, Typeflag: tar.TypeDir}, ""},
	reg("t/ro/secret.c", 0, "int secret;\n"),
	{tar.Header{Name: "t/escape", Linkname: "../../../../../../etc/passwd", Typeflag: tar.TypeSymlink}, ""},
	{tar.Header{Name: "t/abs", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink}, ""},
	{tar.Header{Name: "t/sub/up", Linkname: "..", Typeflag: tar.TypeSymlink}, ""},           // the tree's t/: stays
	{tar.Header{Name: "t/sub/upup", Linkname: "up/../..", Typeflag: tar.TypeSymlink}, ""},   // lexically t/, really the root
	{tar.Header{Name: "t/sub/out", Linkname: "up/../../..", Typeflag: tar.TypeSymlink}, ""}, // really above the root
	{tar.Header{Name: "t/sub/dangling", Linkname: "nowhere.c", Typeflag: tar.TypeSymlink}, ""},
	{tar.Header{Name: "t/link.c", Linkname: "ok.c", Typeflag: tar.TypeSymlink}, ""},
	{tar.Header{Name: "t/hard.c", Linkname: "t/ok.c", Typeflag: tar.TypeLink}, ""},
	{tar.Header{Name: "t/hardmem.c", Linkname: "t/mem.c", Typeflag: tar.TypeLink}, ""},
	reg("../evil.c", 0o644, "int evil;\n"),
	reg("/tmp/evil.c", 0o644, "int evil;\n"),
	reg("t/../../evil2.c", 0o644, "int evil;\n"),
	reg("t/ok.c/inside.c", 0o644, "int x;\n"),                            // through a file
	{tar.Header{Name: "t/ok.c", Typeflag: tar.TypeDir, Mode: 0o755}, ""}, // a directory over a file
	{tar.Header{Name: "t/vol", Typeflag: 'V'}, ""},
}

// TestFetchHostileArchive is the acceptance test: a fetch of the
// hostile archive unpacks regular files, directories and in-tree symlinks
// only, with normalised modes, skips the rest, and says what it did.
func TestFetchHostileArchive(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: the system's tar would have created the device nodes, named pipe and setuid file for real")
	}
	src := writeFile(t, filepath.Join(t.TempDir(), "hostile.tar.gz"), gzipBytes(t, tarBytes(t, hostileMembers)))
	c := testCache(t)
	var log bytes.Buffer
	c.Log = &log
	rep, err := c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
	require.NoError(t, err)
	root := rep.Tree.Root

	types := map[string]fs.FileMode{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, p)
		types[filepath.ToSlash(rel)] = fi.Mode()
		return nil
	}))
	want := map[string]fs.FileMode{
		".":             fs.ModeDir | 0o755,
		"t":             fs.ModeDir | 0o755,
		"t/ok.c":        0o644,
		"t/suid.sh":     0o755, // setuid dropped
		"t/sgid.c":      0o644, // setgid dropped, group write dropped
		"t/ro":          fs.ModeDir | 0o755,
		"t/ro/secret.c": 0o644,
		"t/sub":         fs.ModeDir | 0o755,
		"t/sub/up":      fs.ModeSymlink | 0o777,
		"t/link.c":      fs.ModeSymlink | 0o777,
		"t/hard.c":      0o644,
	}
	assert.Equal(t, want, types, "the tree holds regular files, directories and in-tree symlinks only, with normalised modes")
	got, err := os.ReadFile(filepath.Join(root, "t", "hard.c"))
	require.NoError(t, err)
	assert.Equal(t, "int ok;\n", string(got), "a hard link is a copy of its target")
	target, err := os.Readlink(filepath.Join(root, "t", "link.c"))
	require.NoError(t, err)
	assert.Equal(t, "ok.c", target)
	_, err = os.Lstat(filepath.Join(c.Dir, "evil.c"))
	assert.True(t, os.IsNotExist(err), "nothing is written outside the tree")

	u := rep.Unpack
	require.NotNil(t, u)
	assert.Equal(t, len(hostileMembers), u.Members)
	assert.Equal(t, 5, u.Files, "ok.c, suid.sh, sgid.c, secret.c, hard.c")
	assert.Equal(t, 3, u.Dirs, "t, t/ro, t/sub")
	assert.Equal(t, 2, u.Symlinks, "t/sub/up, t/link.c")
	assert.Equal(t, 1, u.HardLinks)
	assert.Equal(t, 4, u.ModesNormalised, "suid.sh, sgid.c, ro/, ro/secret.c")
	assert.Equal(t, 2, u.SpecialBits, "suid.sh, sgid.c")
	assert.Equal(t, Skipped{Devices: 2, FIFOs: 1, UnsafePaths: 3, SymlinksOut: 5, HardLinksOut: 1, Conflicts: 2, Other: 1}, u.Skipped)
	assert.Equal(t, u.Members, u.Files+1+u.Symlinks+u.Skipped.Total(),
		"every member is accounted for: the files (one a hard-link copy), ro/ (t/ and t/sub/ are implicit), the symlinks, the skipped")
	line := u.String()
	for _, w := range []string{"5 files", "3 directories", "2 symlinks", "1 hard link copied", "normalised 4 modes", "2 with setuid/setgid/sticky bits dropped",
		"skipped 2 devices", "1 named pipe", "3 unsafe paths", "5 symlinks leaving the tree", "1 hard link to nothing unpacked", "2 names taken by another member", "1 member of another type"} {
		assert.Contains(t, line, w)
	}
	examples := strings.Join(u.Examples, "\n")
	for _, w := range []string{"t/mem.c: skipped, a device node", "t/.gitignore: skipped, a named pipe", "t/suid.sh: mode 4755 made 0755", "../evil.c: skipped, an unsafe path", `t/sub/out: skipped, a symlink to "up/../../.."`} {
		assert.Contains(t, examples, w)
	}

	fp := walked(t, root)
	fp.Name = "demo"
	assert.Equal(t, fp, rep.Tree.Fingerprint, "the fingerprint computed while unpacking is the tree's")
	assert.Equal(t, fp.Content, rep.Tree.Content)
	st := c.State(context.Background(), archiveManifest(src))
	require.Equal(t, Complete, st.Status)
	assert.Equal(t, rep.Tree.Content, st.Marker.Content)
	assert.Equal(t, u, st.Marker.Unpacked, "the marker keeps the report")
	again, err := c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
	require.NoError(t, err)
	assert.Equal(t, u, again.Unpack, "an already cached tree reports what its fetch did")
}

// A fetch that would unpack more than the manifest allows stops before the
// disk fills and keeps nothing.
func TestFetchDecompressionBomb(t *testing.T) {
	zeros := strings.Repeat("\x00", 64<<20)
	many := make([]member, 5000)
	for i := range many {
		many[i] = reg("f/"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+"/"+strconv.Itoa(i), 0o644, "")
	}
	big := reg("big.c", 0o644, strings.Repeat("y", 600_000))
	links := []member{big}
	for i := range 10 {
		links = append(links, member{tar.Header{Name: "copy" + strconv.Itoa(i), Linkname: "big.c", Typeflag: tar.TypeLink}, ""})
	}
	declared := tarBytes(t, []member{reg("small.c", 0o644, "x")})
	// Rewrite the header to declare 2 MB for a 1-byte member: refused on
	// the header, before a byte is written.
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "liar.c", Mode: 0o644, Size: 2_000_000, Typeflag: tar.TypeReg}))
	declared = append(hdr.Bytes()[:512], declared[512:]...)
	trailing := append(tarBytes(t, []member{reg("a.c", 0o644, "int a;\n")}), make([]byte, 2<<20)...)

	cases := []struct {
		name   string
		data   []byte
		limits Limits
		want   []string
	}{
		{"64 MB of zeros in a few KB", tarBytes(t, []member{reg("zeros.c", 0o644, zeros)}), Limits{MaxBytes: 1_000_000}, []string{"unpack.max_bytes", "1.0 MB", "zeros.c"}},
		{"a header declaring more than the limit", declared, Limits{MaxBytes: 1_000_000}, []string{"unpack.max_bytes", "liar.c (2.0 MB)"}},
		{"5000 members", tarBytes(t, many), Limits{MaxFiles: 1000}, []string{"unpack.max_files", "1000 members"}},
		{"hard links copying one file", tarBytes(t, links), Limits{MaxBytes: 1_000_000}, []string{"unpack.max_bytes", "copy"}},
		{"megabytes after the end of the archive", trailing, Limits{}, []string{"after the end of the tar archive"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := writeFile(t, filepath.Join(t.TempDir(), "bomb.tar.gz"), gzipBytes(t, tc.data))
			fi, err := os.Stat(src)
			require.NoError(t, err)
			require.Less(t, fi.Size(), int64(len(tc.data)), "the archive is smaller than what it holds")
			c := testCache(t)
			m := archiveManifest(src)
			m.Limits = tc.limits
			_, err = c.Fetch(context.Background(), m, FetchOptions{})
			require.Error(t, err)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err), "%v", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			if strings.Contains(tc.want[0], "unpack.") {
				assert.Contains(t, err.Error(), "demo.yaml", "the error names the manifest that sets the limit")
			}
			assert.NoDirExists(t, c.treeDir("demo"))
			assert.NoFileExists(t, c.markerPath("demo"))
			left, _ := filepath.Glob(filepath.Join(c.Dir, ".demo.unpack-*"))
			assert.Empty(t, left, "the partial unpack is removed")
		})
	}
}

// The limits come from the manifest, with defaults generous enough for the
// built-in workloads.
func TestUnpackLimitsInManifest(t *testing.T) {
	m, err := Parse("x.yaml", []byte("name: x\nsource:\n  type: archive\n  path: x.tar.gz\nunpack:\n  max_bytes: 30GB\n  max_files: 3M\n"))
	require.NoError(t, err)
	assert.Equal(t, Limits{MaxBytes: 30_000_000_000, MaxFiles: 3_000_000}, m.Limits)
	m, err = Parse("x.yaml", []byte("name: x\nsource:\n  type: archive\n  path: x.tar.gz\n"))
	require.NoError(t, err)
	assert.Equal(t, DefaultLimits, m.Limits)
	s, err := Builtin()
	require.NoError(t, err)
	for _, b := range s.All() {
		if b.Pinned() {
			assert.Less(t, b.Fingerprint.Bytes*2, b.Limits.MaxBytes, "%s: the default byte limit leaves room", b.Name)
			assert.Less(t, b.Fingerprint.Files*2, b.Limits.MaxFiles, "%s: the default member limit leaves room", b.Name)
		}
	}
}

// The content fingerprint notices what the names-and-sizes part of the
// fingerprint does not: a changed byte, a mode, a special file. A device
// node needs root to make; without root that case says SKIP.
func TestVerifyNoticesContentModesAndSpecialFiles(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	cases := []struct {
		name      string
		root      bool
		change    func(t *testing.T, root string)
		oldSeesIt bool
	}{
		{"one byte, same size", false, func(t *testing.T, root string) {
			p := filepath.Join(root, "proj", "main.go")
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			b[0] = 'P'
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}, false},
		{"chmod", false, func(t *testing.T, root string) {
			require.NoError(t, os.Chmod(filepath.Join(root, "proj", "main.go"), 0o755))
		}, false},
		{"setuid", false, func(t *testing.T, root string) {
			require.NoError(t, os.Chmod(filepath.Join(root, "proj", "main.go"), 0o644|fs.ModeSetuid))
		}, false},
		{"an empty directory", false, func(t *testing.T, root string) {
			require.NoError(t, os.Mkdir(filepath.Join(root, "proj", "new"), 0o755))
		}, false},
		{"a named pipe", false, func(t *testing.T, root string) {
			require.NoError(t, syscall.Mkfifo(filepath.Join(root, "proj", ".gitignore"), 0o644))
		}, false},
		{"a symlink", false, func(t *testing.T, root string) {
			require.NoError(t, os.Symlink("main.go", filepath.Join(root, "proj", "alias.go")))
		}, false},
		{"a character device", true, func(t *testing.T, root string) {
			require.NoError(t, syscall.Mknod(filepath.Join(root, "proj", "mem.c"), syscall.S_IFCHR|0o644, 1<<8|1))
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("SKIP: NOT ROOT: making a device node needs root; this case did not run")
			}
			c := testCache(t)
			m := archiveManifest(src)
			rep, err := c.Fetch(ctx, m, FetchOptions{})
			require.NoError(t, err)
			// As a manifest pins them: names and sizes under fingerprint:,
			// the content fingerprint beside them.
			m.Fingerprint, m.Content = rep.Tree.Fingerprint, rep.Tree.Content
			m.Fingerprint.Content = ""
			v, err := c.Verify(ctx, m)
			require.NoError(t, err)
			require.NoError(t, v.Err(), "the fresh tree verifies")

			tc.change(t, rep.Tree.Root)
			v, err = c.Verify(ctx, m)
			require.NoError(t, err)
			assert.Equal(t, tc.oldSeesIt, !v.Measured.SameTree(m.Fingerprint), "what names and sizes alone see")
			assert.False(t, v.Measured.SameTree(rep.Tree.Fingerprint), "harness/results' fingerprint, content included, sees it")
			require.Error(t, v.Err(), "the content fingerprint sees it")
			assert.Equal(t, exitcode.Infra, exitcode.Code(v.Err()))
			assert.Contains(t, v.Err().Error(), "changed since it was fetched")
			assert.Contains(t, v.Err().Error(), "content is not the one demo.yaml pins")
		})
	}
}

// A tree fetched by a hivebench that let the system's tar unpack has a
// marker without content: it is stale, and the next fetch replaces it.
func TestMarkerWithoutContentIsStale(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "proj.tar.gz")
	writeTarGz(t, src, sampleFiles)
	c := testCache(t)
	m := archiveManifest(src)
	_, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	mk, err := c.readMarker("demo")
	require.NoError(t, err)
	mk.Content, mk.Unpacked = "", nil
	require.NoError(t, c.writeMarker("demo", mk))

	st := c.State(ctx, m)
	assert.Equal(t, Stale, st.Status)
	assert.Contains(t, st.Detail, "older hivebench")
	_, err = c.Tree(ctx, m)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	rep, err := c.Fetch(ctx, m, FetchOptions{})
	require.NoError(t, err)
	assert.False(t, rep.AlreadyCached)
	assert.Equal(t, Complete, c.State(ctx, m).Status)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// FuzzUnpack feeds arbitrary bytes to the unpacker as a tar stream. Whatever
// it makes of them: nothing is created outside the tree; the tree holds
// only regular files (0644 or 0755), directories (0755) and symlinks that
// resolve inside it; and the fingerprint computed while unpacking is the
// one a read of the tree gives.
func FuzzUnpack(f *testing.F) {
	f.Add(tarBytes(f, hostileMembers))
	f.Add(tarBytes(f, []member{reg("a/b.c", 0o600, "x"), {tar.Header{Name: "a/l", Linkname: "b.c", Typeflag: tar.TypeSymlink}, ""}}))
	f.Add(tarBytes(f, []member{{tar.Header{Name: "l", Linkname: ".", Typeflag: tar.TypeSymlink}, ""}, {tar.Header{Name: "m", Linkname: "l/l/l/..", Typeflag: tar.TypeSymlink}, ""}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		root := filepath.Join(parent, "tree")
		require.NoError(t, os.Mkdir(root, 0o755))
		u := newUnpacker(root, Limits{MaxBytes: 1 << 20, MaxFiles: 1000}, "fuzz.yaml", nil)
		err := u.tarball(context.Background(), toolbox{getenv: os.Getenv}, bytes.NewReader(data), "fuzz.tar", "")
		var fp results.Fingerprint
		if err == nil {
			fp, err = u.finish()
		}
		names, rerr := os.ReadDir(parent)
		require.NoError(t, rerr)
		require.Len(t, names, 1, "only the tree is in its parent")
		if err != nil {
			assert.Equal(t, exitcode.Infra, exitcode.Code(err), "%v", err)
			return
		}
		realRoot, rerr := filepath.EvalSymlinks(root)
		require.NoError(t, rerr)
		require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			require.NoError(t, err)
			fi, err := os.Lstat(p)
			require.NoError(t, err)
			switch {
			case fi.Mode().IsRegular():
				assert.Contains(t, []fs.FileMode{0o644, 0o755}, fi.Mode(), p)
			case fi.IsDir():
				assert.Equal(t, fs.ModeDir|0o755, fi.Mode(), p)
			case fi.Mode()&fs.ModeSymlink != 0:
				real, err := filepath.EvalSymlinks(p)
				require.NoError(t, err, "%s resolves", p)
				rel, err := filepath.Rel(realRoot, real)
				require.NoError(t, err)
				assert.True(t, filepath.IsLocal(rel) || rel == ".", "%s resolves to %s, outside the tree", p, real)
			default:
				t.Errorf("%s is a %v", p, fi.Mode())
			}
			return nil
		}))
		assert.Equal(t, walked(t, root), fp)
	})
}

// Names in the report are the archive's: one with a newline cannot forge a
// line of fetch's output, and a long one cannot bloat the marker.
func TestUnpackNotesAreOneLineEach(t *testing.T) {
	root := t.TempDir()
	long := strings.Repeat("x", 5000)
	data := tarBytes(t, []member{
		{tar.Header{Name: "a\nfetch demo: all good", Typeflag: tar.TypeFifo}, ""},
		{tar.Header{Name: long, Typeflag: tar.TypeFifo}, ""},
		{tar.Header{Name: "l", Linkname: "/x\ny", Typeflag: tar.TypeSymlink}, ""},
	})
	u := newUnpacker(root, DefaultLimits, "demo.yaml", nil)
	require.NoError(t, u.tarball(context.Background(), toolbox{getenv: os.Getenv}, bytes.NewReader(data), "a.tar", ""))
	_, err := u.finish()
	require.NoError(t, err)
	require.Len(t, u.rep.Examples, 3)
	for _, e := range u.rep.Examples {
		assert.NotContains(t, e, "\n")
		assert.Less(t, len(e), 400)
	}
	assert.Contains(t, u.rep.Examples[0], `"a\nfetch demo: all good": skipped, a named pipe`)
	assert.Contains(t, u.rep.Examples[2], `l: skipped, a symlink to "/x\ny", outside the tree`)
}

// Every compression a manifest may name unpacks to the same tree; a
// damaged stream is exit 3, and nothing is kept.
func TestFetchCompressions(t *testing.T) {
	for _, tool := range []string{"xz", "bzip2"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("this test needs %s to build its archives (apt-get install xz-utils bzip2): %v", tool, err)
		}
	}
	plain := tarBytes(t, []member{reg("p/a.c", 0o644, "int a;\n"), reg("p/run.sh", 0o700, "#!/bin/sh\n"), {tar.Header{Name: "p/l", Linkname: "a.c", Typeflag: tar.TypeSymlink}, ""}})
	compress := func(tool string) []byte {
		cmd := exec.Command(tool, "--stdout")
		cmd.Stdin = bytes.NewReader(plain)
		out, err := cmd.Output()
		require.NoError(t, err)
		return out
	}
	xz := compress("xz")
	cases := []struct {
		file string
		data []byte
		bad  bool
	}{
		{"p.tar", plain, false},
		{"p.tar.gz", gzipBytes(t, plain), false},
		{"p.tgz", gzipBytes(t, plain), false},
		{"p.tar.xz", xz, false},
		{"p.txz", xz, false},
		{"p.tar.bz2", compress("bzip2"), false},
		{"truncated.tar.xz", xz[:len(xz)/2], true},
		{"not-xz.tar.xz", plain, true},
		{"not-gzip.tar.gz", plain, true},
	}
	var want string
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			src := writeFile(t, filepath.Join(t.TempDir(), tc.file), tc.data)
			c := testCache(t)
			rep, err := c.Fetch(context.Background(), archiveManifest(src), FetchOptions{})
			if tc.bad {
				require.Error(t, err)
				assert.Equal(t, exitcode.Infra, exitcode.Code(err), "%v", err)
				assert.Contains(t, err.Error(), tc.file)
				assert.NoDirExists(t, c.treeDir("demo"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, rep.Unpack.Files)
			if want == "" {
				want = rep.Tree.Content
			}
			assert.Equal(t, want, rep.Tree.Content, "the same tree whatever the compression")
		})
	}
}
