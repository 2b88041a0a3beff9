package workloads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func TestParseAptURIs(t *testing.T) {
	// Captured from `apt-get download --print-uris linux-source-6.12=6.12.117-1~deb12u1`
	// and the shape of `apt-get source --print-uris` (one line per file).
	out := "Reading package lists...\n" +
		"'http://example.invalid/debian-security/pool/updates/main/l/linux-6.12/linux-source-6.12_6.12.117-1%7edeb12u1_all.deb' linux-source-6.12_6.12.117-1~deb12u1_all.deb 153476148 SHA256:e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703\n" +
		"'http://example.invalid/debian/pool/main/c/chromium/chromium_150.0.7871.100-1~deb12u1.dsc' chromium_150.0.7871.100-1~deb12u1.dsc 3520 SHA256:0000000000000000000000000000000000000000000000000000000000000001\n" +
		"'http://example.invalid/x.orig.tar.xz' x.orig.tar.xz 941000000 MD5Sum:abc\n"
	got, err := parseAptURIs(out)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, Artefact{File: "linux-source-6.12_6.12.117-1~deb12u1_all.deb", Size: 153476148, SHA256: "e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703"}, got[0])
	assert.Equal(t, int64(3520), got[1].Size)
	assert.Equal(t, Artefact{File: "x.orig.tar.xz", Size: 941000000}, got[2], "a hash apt gives in another algorithm is not taken as sha256")
	none, err := parseAptURIs("E: Unable to locate package nope\n")
	require.NoError(t, err)
	assert.Empty(t, none)

	// Lines of the right shape with values a plan cannot be built on.
	for _, bad := range []struct{ line, want string }{
		{"'http://example.invalid/a' a.deb 99999999999999999999 SHA256:" + strings.Repeat("0", 64), "not a byte count"},
		{"'http://example.invalid/a' a.deb 12 SHA256:xyz", "not 64 hex digits"},
		{"'http://example.invalid/a' .. 12 SHA256:" + strings.Repeat("0", 64), "cannot be a download"},
		{"'http://example.invalid/a' x.partial 12", ".partial"},
	} {
		_, err := parseAptURIs("Reading package lists...\n" + bad.line + "\n")
		require.Error(t, err, bad.line)
		assert.Contains(t, err.Error(), bad.want)
	}
}

func FuzzParseAptURIs(f *testing.F) {
	f.Add("'http://example.invalid/a_1_all.deb' a_1_all.deb 153476148 SHA256:e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703\n")
	f.Add("Reading package lists...\n'u' x.orig.tar.xz 941000000 MD5Sum:abc\n'v' y.dsc 3 SHA256:AB\n")
	f.Add("'u' .. 1\n")
	f.Fuzz(func(t *testing.T, out string) {
		got, err := parseAptURIs(out)
		if err != nil {
			return
		}
		var again strings.Builder
		for _, a := range got {
			assert.Empty(t, reservedName(a.File), "%q", a.File)
			assert.GreaterOrEqual(t, a.Size, int64(0))
			if a.SHA256 != "" {
				assert.Regexp(t, `^[0-9a-f]{64}$`, a.SHA256)
			}
			// Written back in apt's format, the plan reads the same.
			fmt.Fprintf(&again, "'http://example.invalid/f' %s %d", a.File, a.Size)
			if a.SHA256 != "" {
				fmt.Fprintf(&again, " SHA256:%s", a.SHA256)
			}
			again.WriteString("\n")
		}
		back, err := parseAptURIs(again.String())
		require.NoError(t, err)
		assert.Equal(t, got, back)
	})
}

func TestAptErrorAdvice(t *testing.T) {
	src := &Manifest{Name: "chromium-150", File: "chromium-150.yaml", Source: Source{Type: DebianSource, Package: "chromium", Version: "150.0.7871.100-1~deb12u1", Tarball: "c.orig.tar.xz"}}
	bin := &Manifest{Name: "linux-6.12", File: "linux-6.12.yaml", Source: Source{Type: DebianBinary, Package: "linux-source-6.12", Version: "6.12.99"}}
	plain := errors.New("apt-get failed")
	cases := []struct {
		name   string
		m      *Manifest
		stderr string
		want   []string
	}{
		// The exact messages apt 2.6 prints.
		{"no deb-src", src, "Reading package lists...\nE: You must put some 'deb-src' URIs in your sources.list\n",
			[]string{"deb-src", "Types: deb deb-src", "bookworm-security", "apt-get update", "does not change apt's sources", "README"}},
		{"version gone", bin, "E: Version '6.12.99' for 'linux-source-6.12' was not found\n",
			[]string{"apt does not know linux-source-6.12=6.12.99", "apt-get update", "apt-cache policy linux-source-6.12", "--manifest"}},
		{"source version gone", src, "E: Can not find version '150.0.7871.100-1~deb12u1' of package 'chromium'\n",
			[]string{"apt-cache showsrc chromium"}},
		{"unknown package", bin, "E: Unable to locate package linux-source-6.12\n", []string{"apt-get update"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := aptError(c.m, plain, c.stderr)
			assert.Equal(t, exitcode.Infra, exitcode.Code(err))
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	assert.Equal(t, plain, aptError(bin, plain, "E: something else\n"), "other failures keep the tool's own error")
}

// TestDebMemberUnpack builds a real .deb with dpkg-deb and unpacks the
// tarball inside it the way linux-6.12 is unpacked, without a network.
func TestDebMemberUnpack(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Fatalf("this test needs dpkg-deb (apt-get install dpkg): %v", err)
	}
	ctx := context.Background()
	pkg := t.TempDir()
	writeTree(t, pkg, map[string]string{
		"DEBIAN/control":          "Package: demo-source\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.com>\nDescription: test\n",
		"usr/share/doc/demo/note": "doc\n",
	})
	require.NoError(t, os.MkdirAll(filepath.Join(pkg, "usr/src"), 0o755))
	writeTarGz(t, filepath.Join(pkg, "usr/src/demo-source.tar.gz"), sampleFiles)
	staging := t.TempDir()
	deb := filepath.Join(staging, "demo-source_1.0_all.deb")
	out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", pkg, deb).CombinedOutput()
	require.NoError(t, err, string(out))

	tb := toolbox{getenv: os.Getenv}
	m := &Manifest{Name: "demo", File: "demo.yaml", Source: Source{Type: DebianBinary, Package: "demo-source", Version: "1.0", Member: "usr/src/demo-source.tar.gz"}}
	dest := t.TempDir()
	var seen int64
	u := newUnpacker(dest, DefaultLimits, "demo.yaml", func(n int64) { seen += n })
	require.NoError(t, (&aptBinary{tb: tb, m: m}).unpack(ctx, staging, []string{filepath.Base(deb)}, u))
	fp, err := u.finish()
	require.NoError(t, err)
	assert.Equal(t, walked(t, dest), fp, "the fingerprint computed while unpacking is the tree's")
	assert.Equal(t, len(sampleFiles), u.rep.Files)
	got, err := os.ReadFile(filepath.Join(dest, "proj", "main.go"))
	require.NoError(t, err)
	assert.Equal(t, sampleFiles["proj/main.go"], string(got))
	assert.NoFileExists(t, filepath.Join(dest, "usr", "share", "doc", "demo", "note"), "only the member is unpacked")
	assert.Positive(t, seen, "progress counts the member's bytes")

	// Without member: the package's own files.
	whole := t.TempDir()
	m.Source.Member = ""
	require.NoError(t, (&aptBinary{tb: tb, m: m}).unpack(ctx, staging, []string{filepath.Base(deb)}, newUnpacker(whole, DefaultLimits, "demo.yaml", nil)))
	assert.FileExists(t, filepath.Join(whole, "usr", "share", "doc", "demo", "note"))

	// A member the package does not have: exit 3 naming the tarballs it has.
	m.Source.Member = "usr/src/other.tar.xz"
	err = (&aptBinary{tb: tb, m: m}).unpack(ctx, staging, []string{filepath.Base(deb)}, newUnpacker(t.TempDir(), DefaultLimits, "demo.yaml", nil))
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "no member usr/src/other.tar.xz")
	assert.Contains(t, err.Error(), "usr/src/demo-source.tar.gz")
}

func TestCopyResume(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	require.NoError(t, os.WriteFile(src, data, 0o644))
	dst := filepath.Join(dir, "dst")
	corrupt := append([]byte{}, data[:33_333]...)
	corrupt[20_000] ^= 0xff
	cases := []struct {
		name      string
		partial   []byte
		restarted bool
	}{
		{"a prefix is continued", data[:33_333], false},
		{"nothing there", nil, false},
		{"the whole file", data, false},
		{"a longer file is started over", append(append([]byte{}, data...), 1, 2, 3), true},
		{"a partial copy that is not a prefix is started over", corrupt, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(dst)
			if c.partial != nil {
				require.NoError(t, os.WriteFile(dst, c.partial, 0o644))
			}
			restarted, err := copyResume(context.Background(), src, dst)
			require.NoError(t, err)
			assert.Equal(t, c.restarted, restarted)
			got, err := os.ReadFile(dst)
			require.NoError(t, err)
			assert.Equal(t, data, got, "the copy is the source")
		})
	}
}

func TestToolLookup(t *testing.T) {
	tb := toolbox{getenv: envWith(map[string]string{"PATH": ""})}
	_, err := tb.look("tar", "unpacking x")
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.Contains(t, err.Error(), "unpacking x needs the tool \"tar\"")

	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"tar": "not executable"})
	tb = toolbox{getenv: envWith(map[string]string{"PATH": dir})}
	_, err = tb.look("tar", "x")
	assert.Error(t, err, "a file that is not executable is not the tool")
	require.NoError(t, os.Chmod(filepath.Join(dir, "tar"), 0o755))
	p, err := tb.look("tar", "x")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "tar"), p)
}

// A missing tool's hint says what to install, never where from: the project
// names no download or archive host.
func TestInstallHintsNameNoHost(t *testing.T) {
	for tool, hint := range installHint {
		assert.NotContains(t, hint, "://", "the hint for %s", tool)
		assert.NotRegexp(t, `\b[a-z0-9-]+\.(dev|org|com|io|net)\b`, hint, "the hint for %s names a host", tool)
	}
}

func TestParseNpmPack(t *testing.T) {
	// The shape npm 9 prints (trimmed to the fields read).
	good := `[{"id":"react@19.1.0","name":"react","filename":"react-19.1.0.tgz","files":[]},{"id":"@types/node@1.0.0","filename":"types-node-1.0.0.tgz"}]`
	got, err := parseNpmPack([]byte(good), 2)
	require.NoError(t, err)
	assert.Equal(t, []npmPacked{{ID: "react@19.1.0", Filename: "react-19.1.0.tgz"}, {ID: "@types/node@1.0.0", Filename: "types-node-1.0.0.tgz"}}, got)

	for _, bad := range []struct{ out, want string }{
		{`npm WARN deprecated`, "not its JSON list"},
		{`[{"id":"a@1.0.0","filename":"a-1.0.0.tgz"}]`, "1 tarballs for 2 packages"},
		{`[{"id":"a@1.0.0","filename":"../a-1.0.0.tgz"},{"id":"b","filename":"b.tgz"}]`, "is a path"},
		{`[{"id":"a@1.0.0","filename":"@scope/a-1.0.0.tgz"},{"id":"b","filename":"b.tgz"}]`, "is a path"},
		{`[{"id":"a@1.0.0","filename":".."},{"id":"b","filename":"b.tgz"}]`, "names a directory"},
		{`[{"id":"a@1.0.0","filename":"a.tgz.partial"},{"id":"b","filename":"b.tgz"}]`, ".partial"},
		{`[{"id":"a@1.0.0","filename":"a-1.0.0.tar"},{"id":"b","filename":"b.tgz"}]`, "not a .tgz"},
		{`[{"id":"a@1.0.0","filename":"a.tgz"},{"id":"b","filename":"a.tgz"}]`, "two tarballs"},
		{`[{"id":"a@1.0.0"},{"id":"b","filename":"b.tgz"}]`, "is empty"},
	} {
		_, err := parseNpmPack([]byte(bad.out), 2)
		require.Error(t, err, bad.out)
		assert.Contains(t, err.Error(), bad.want)
	}
}

func FuzzParseNpmPack(f *testing.F) {
	f.Add([]byte(`[{"id":"react@19.1.0","filename":"react-19.1.0.tgz"}]`), uint8(1))
	f.Add([]byte(`[{"id":"a","filename":"../x.tgz"},{"id":"b","filename":"b.tgz"}]`), uint8(2))
	f.Add([]byte(`[]`), uint8(0))
	f.Fuzz(func(t *testing.T, out []byte, want uint8) {
		got, err := parseNpmPack(out, int(want))
		if err != nil {
			return
		}
		require.Len(t, got, int(want))
		seen := map[string]bool{}
		for _, p := range got {
			assert.Empty(t, reservedName(p.Filename), "%q", p.Filename)
			assert.Equal(t, filepath.Base(p.Filename), p.Filename, "a plain name inside the download directory")
			assert.True(t, strings.HasSuffix(p.Filename, ".tgz"))
			assert.False(t, seen[p.Filename], "%q twice", p.Filename)
			seen[p.Filename] = true
		}
		// What it accepted, written back as npm would, reads the same.
		again, err := json.Marshal(got)
		require.NoError(t, err)
		back, err := parseNpmPack(again, int(want))
		require.NoError(t, err)
		assert.Equal(t, got, back)
	})
}
