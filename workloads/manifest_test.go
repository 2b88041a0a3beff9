package workloads

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

const validManifest = `name: demo
description: a demo
source:
  type: debian-binary
  package: linux-source-6.12
  version: 6.12.117-1~deb12u1
  member: usr/src/linux-source-6.12.tar.xz
artefacts:
  - file: linux-source-6.12_6.12.117-1~deb12u1_all.deb
    size: 153476148
    sha256: e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703
estimate:
  files: 86.6k
  bytes: 1.34GB
  download: 153.5 MB
fingerprint:
  files: 3
  bytes: 42
  hash: sha256:0000000000000000000000000000000000000000000000000000000000000000
targets:
  cold_wall_max: 5m
  warm_wall_max: 3s
  peak_rss_max: 200MB
  per_file_p50_max: 2ms
  per_file_p99_max: 50ms
  files_per_sec_min: 2000
  parse_only_ratio_max: 1.15
  note: from the issue
`

func TestParseValid(t *testing.T) {
	m, err := Parse("demo.yaml", []byte(validManifest))
	require.NoError(t, err)
	assert.Equal(t, "demo", m.Name)
	assert.Equal(t, DebianBinary, m.Source.Type)
	assert.Equal(t, "usr/src/linux-source-6.12.tar.xz", m.Source.Member)
	require.Len(t, m.Artefacts, 1)
	assert.Equal(t, int64(153476148), m.Artefacts[0].Size)
	assert.Equal(t, 86600, m.Estimate.Files)
	assert.Equal(t, int64(1_340_000_000), m.Estimate.Bytes)
	assert.Equal(t, int64(153_500_000), m.Estimate.Download)
	assert.True(t, m.Pinned())
	assert.Equal(t, 3, m.Fingerprint.Files)
	assert.Equal(t, "demo", m.Fingerprint.Name)
	assert.Equal(t, Targets{ColdWallMax: 5 * time.Minute, WarmWallMax: 3 * time.Second, PeakRSSMax: 200_000_000,
		PerFileP50Max: 2 * time.Millisecond, PerFileP99Max: 50 * time.Millisecond, FilesPerSecMin: 2000, ParseOnlyRatioMax: 1.15, Note: "from the issue"}, m.Targets)
	assert.Equal(t, "demo.yaml", m.File)
}

func TestParseErrors(t *testing.T) {
	base := "name: demo\nsource:\n  type: goroot\n"
	cases := []struct {
		name string
		yaml string
		want []string // substrings of the error, all required
	}{
		{"empty", "", []string{"is empty"}},
		{"unknown top-level field", base + "colour: blue\n", []string{"line 4", `unknown field "colour"`, "known fields: name, description"}},
		{"unknown target field", base + "targets:\n  cold_wall: 5m\n", []string{"line 5", `unknown field "cold_wall"`, "cold_wall_max"}},
		{"unknown source field", "name: demo\nsource:\n  type: dir\n  path: /x\n  branch: main\n", []string{"line 5", `unknown field "branch"`}},
		{"unknown source", "name: demo\nsource:\n  type: git\n", []string{"line 3", `field source.type: unknown source "git"`, "goroot, debian-binary, debian-source, npm, dir, archive"}},
		{"missing source", "name: demo\n", []string{"missing required field source.type"}},
		{"missing name", "source:\n  type: goroot\n", []string{"missing required field name"}},
		{"bad name", "name: My Workload\nsource:\n  type: goroot\n", []string{"line 1", "field name"}},
		{"field of another source", "name: demo\nsource:\n  type: goroot\n  package: x\n", []string{"line 4", "source.package does not apply to source goroot"}},
		{"missing required source field", "name: demo\nsource:\n  type: debian-binary\n  package: x\n", []string{"missing required field source.version", "debian-binary"}},
		{"npm range", "name: demo\nsource:\n  type: npm\n  packages: [react@^19]\n", []string{"line 4", `"react@^19"`, "exact version"}},
		{"bad duration", base + "targets:\n  cold_wall_max: 5 minutes\n", []string{"line 5", "field targets.cold_wall_max", `"5 minutes" is not a duration`}},
		{"negative duration", base + "targets:\n  warm_wall_max: -3s\n", []string{"line 5", "must be positive"}},
		{"bad size", base + "targets:\n  peak_rss_max: 200 furlongs\n", []string{"line 5", "field targets.peak_rss_max", "is not a size"}},
		{"size with a time unit", base + "targets:\n  peak_rss_max: 200ms\n", []string{"line 5", "the unit must be B, KB, MB"}},
		{"bad rate", base + "targets:\n  files_per_sec_min: fast\n", []string{"line 5", "files_per_sec_min"}},
		{"ratio under 1", base + "targets:\n  parse_only_ratio_max: 0.9\n", []string{"line 5", "parse_only_ratio_max", "at least 1"}},
		{"half a fingerprint", base + "fingerprint:\n  files: 3\n", []string{"line 4", "pin files, bytes and hash together"}},
		{"bad fingerprint hash", base + "fingerprint:\n  files: 3\n  bytes: 4\n  hash: md5:abc\n", []string{"line 7", "fingerprint.hash"}},
		{"approximate fingerprint bytes", base + "fingerprint:\n  files: 3\n  bytes: 1.3GB\n  hash: sha256:0000000000000000000000000000000000000000000000000000000000000000\n", []string{"line 6", "fingerprint.bytes", "exact"}},
		{"artefacts on a local source", base + "artefacts:\n  - file: x.tgz\n    size: 3\n", []string{"line 4", "artefacts does not apply to source goroot"}},
		{"bad sha256", "name: demo\nsource:\n  type: npm\n  packages: [react@19.1.0]\nartefacts:\n  - file: react-19.1.0.tgz\n    sha256: abc\n", []string{"line 7", "artefacts[0].sha256"}},
		{"artefact pins nothing", "name: demo\nsource:\n  type: npm\n  packages: [react@19.1.0]\nartefacts:\n  - file: react-19.1.0.tgz\n", []string{"pins nothing"}},
		{"archive not a tarball", "name: demo\nsource:\n  type: archive\n  path: /tmp/x.zip\n", []string{"line 4", "not a .tar"}},
		{"type error", base + "estimate:\n  files: [1]\n", []string{"line 5"}},
		{"two documents", base + "---\nname: other\n", []string{"second YAML document"}},
		{"not yaml", "name: [unclosed\n", []string{"demo.yaml"}},
		// Names that would alias one of the cache's own entries.
		{"name ending in .partial", "name: linux.partial\nsource:\n  type: goroot\n", []string{"line 1", `"linux.partial" cannot name a workload`, ".partial"}},
		{"name ending in .complete", "name: linux.complete\nsource:\n  type: goroot\n", []string{"line 1", ".complete"}},
		{"name ending in .lock", "name: linux.lock\nsource:\n  type: goroot\n", []string{"line 1", ".lock"}},
		{"name of something moved aside", "name: linux.bad-x\nsource:\n  type: goroot\n", []string{"line 1", ".bad-"}},
		{"artefact ..", npmWith("..", ""), []string{"artefacts[0].file", `".."`, "names a directory"}},
		{"artefact .", npmWith(".", ""), []string{"artefacts[0].file", "names a directory"}},
		{"artefact path", npmWith("a/b.tgz", ""), []string{"artefacts[0].file", "is a path"}},
		{"artefact .source", npmWith(".source", ""), []string{"artefacts[0].file", "starts with '.'"}},
		{"artefact .partial", npmWith("react.partial", ""), []string{"artefacts[0].file", ".partial"}},
		{"artefact .lock", npmWith("react.lock", ""), []string{"artefacts[0].file", ".lock"}},
		{"artefact .complete", npmWith("react.complete", ""), []string{"artefacts[0].file", ".complete"}},
		// Content pins and unpack limits.
		{"content without the fingerprint", base + "fingerprint:\n  content: sha256:0000000000000000000000000000000000000000000000000000000000000000\n", []string{"line 5", "fingerprint.content", "with files, bytes and hash"}},
		{"bad content", base + "fingerprint:\n  files: 3\n  bytes: 4\n  hash: sha256:0000000000000000000000000000000000000000000000000000000000000000\n  content: abc\n", []string{"line 8", "fingerprint.content"}},
		{"unpack on a local source", base + "unpack:\n  max_bytes: 1GB\n", []string{"unpack does not apply to source goroot"}},
		{"unknown unpack field", "name: demo\nsource:\n  type: archive\n  path: x.tgz\nunpack:\n  max_size: 1GB\n", []string{"line 6", `unknown field "max_size"`, "max_bytes, max_files"}},
		{"bad max_bytes", "name: demo\nsource:\n  type: archive\n  path: x.tgz\nunpack:\n  max_bytes: lots\n", []string{"line 6", "unpack.max_bytes"}},
		{"zero max_files", "name: demo\nsource:\n  type: archive\n  path: x.tgz\nunpack:\n  max_files: 0\n", []string{"line 6", "unpack.max_files", "positive"}},
		{"huge max_files", "name: demo\nsource:\n  type: archive\n  path: x.tgz\nunpack:\n  max_files: 1e300\n", []string{"line 6", "unpack.max_files", "too large"}},
		{"NaN estimate", base + "estimate:\n  files: NaN\n", []string{"line 5", "estimate.files", "not a file count"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("demo.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err), "bad manifests are exit 2")
			assert.Contains(t, err.Error(), "workload manifest demo.yaml", "the error names the file")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// npmWith is an npm manifest pinning one artefact named file.
func npmWith(file, extra string) string {
	return "name: demo\nsource:\n  type: npm\n  packages: [react@19.1.0]\nartefacts:\n  - file: " + file + "\n    size: 3\n" + extra
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := Parse("x.yaml", []byte("name: x\nsource:\n  type: goroot\ntargets:\n  cold_wall_max: soon\n  peak_rss_max: lots\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cold_wall_max")
	assert.Contains(t, err.Error(), "peak_rss_max", "a manifest is fixed in one pass")
}

func TestEmptyFingerprintIsUnpinned(t *testing.T) {
	m, err := Parse("x.yaml", []byte("name: x\nsource:\n  type: goroot\nfingerprint:\n  files:\n  bytes:\n  hash:\n"))
	require.NoError(t, err)
	assert.False(t, m.Pinned())
	assert.True(t, m.Fingerprint.IsZero())
}

func TestParseSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  bool
	}{
		{"200MB", 200_000_000, false},
		{"200 MB", 200_000_000, false},
		{"1.5GiB", 1610612736, false},
		{"512", 512, false},
		{"1.34GB", 1_340_000_000, false},
		{"-5MB", 0, true},
		{"MB", 0, true},
		{"5 parsecs", 0, true},
	}
	for _, c := range cases {
		got, err := parseSize(c.in)
		if c.err {
			assert.Error(t, err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestBuiltinManifests(t *testing.T) {
	s, err := Builtin()
	require.NoError(t, err)
	assert.Equal(t, []string{"chromium-150", "go-stdlib", "linux-6.12", "react", "tomcat-10", "typescript"}, s.Names())
	want := map[string]SourceType{"chromium-150": DebianSource, "go-stdlib": Goroot, "linux-6.12": DebianBinary, "react": NPM,
		"tomcat-10": DebianSource, "typescript": NPM}
	for _, m := range s.All() {
		assert.Equal(t, want[m.Name], m.Source.Type, m.Name)
		assert.NotEmpty(t, m.Description, m.Name)
		assert.False(t, m.Targets.IsZero(), "%s has targets", m.Name)
		if !m.Source.Type.Local() && m.Source.Type != DebianSource {
			assert.NotEmpty(t, m.Artefacts, "%s pins its downloads", m.Name)
		}
	}
	chromium, err := s.Get("chromium-150")
	require.NoError(t, err)
	assert.Equal(t, "150.0.7871.100-1~deb12u1", chromium.Source.Version)
	assert.Equal(t, "chromium_150.0.7871.100.orig.tar.xz", chromium.Source.Tarball)
	tomcat, err := s.Get("tomcat-10")
	require.NoError(t, err)
	assert.Equal(t, 1.15, tomcat.Targets.ParseOnlyRatioMax, "the performance issue's bound for every language")
}

func TestLoadUserManifests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	mine := write("mine.yaml", "name: mine\nsource:\n  type: dir\n  path: src\n")
	override := write("react.yaml", "name: react\nsource:\n  type: dir\n  path: /abs/react\n")
	s, err := Load([]string{mine, override}, nil)
	require.NoError(t, err)
	m, err := s.Get("mine")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "src"), m.Source.Path, "relative paths are relative to the manifest")
	r, err := s.Get("react")
	require.NoError(t, err)
	assert.Equal(t, Dir, r.Source.Type, "a user manifest replaces the built-in of the same name")
	assert.Contains(t, s.Names(), "linux-6.12", "built-ins stay")

	sub := filepath.Join(dir, "more")
	require.NoError(t, os.Mkdir(sub, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(sub, "a.yml"), []byte("name: aaa\nsource:\n  type: goroot\n"), 0o644))
	s, err = Load(nil, []string{sub})
	require.NoError(t, err)
	assert.Contains(t, s.Names(), "aaa")

	cases := []struct {
		name        string
		files, dirs []string
		want        string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.yaml")}, nil, "does not exist"},
		{"missing dir", nil, []string{filepath.Join(dir, "nodir")}, "--manifests"},
		{"dir without manifests", nil, []string{t.TempDir()}, "no *.yaml"},
		{"same name twice", []string{mine, write("mine2.yaml", "name: mine\nsource:\n  type: goroot\n")}, nil, "defined in both"},
		{"bad manifest", []string{write("bad.yaml", "name: bad\nsource:\n  type: svn\n")}, nil, "bad.yaml: line 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.files, c.dirs)
			require.Error(t, err)
			assert.Equal(t, exitcode.Usage, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A manifest that is a named pipe (a FIFO among --manifests DIR's *.yaml)
// is refused at once, not waited on for a writer.
func TestLoadRefusesANamedPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := Load(nil, []string{dir})
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second): // a liveness bound, not a measurement
		if f, oerr := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); oerr == nil {
			f.Close() // release the blocked reader
		}
		t.Fatal("Load blocked on a manifest that is a named pipe")
	}
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "pipe.yaml")
	assert.Contains(t, err.Error(), "named pipe")
}

func TestGetUnknownSuggests(t *testing.T) {
	s, err := Builtin()
	require.NoError(t, err)
	_, err = s.Get("linux-6.1")
	require.Error(t, err)
	assert.Equal(t, exitcode.Usage, exitcode.Code(err))
	assert.Contains(t, err.Error(), "did you mean linux-6.12")
	assert.Contains(t, err.Error(), "go-stdlib")

	m, err := s.Get("dir:" + t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, Dir, m.Source.Type)
	assert.Regexp(t, `^[a-z0-9][a-z0-9._-]*$`, m.Name)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validManifest))
	f.Add([]byte("name: x\nsource:\n  type: npm\n  packages: [a@1.2.3]\n"))
	f.Add([]byte("name: x\nsource: {type: dir, path: .}\ntargets: {peak_rss_max: 1e3MB}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage {
				t.Fatalf("parse error with exit code %d, want %d: %v", exitcode.Code(err), exitcode.Usage, err)
			}
			return
		}
		if m.Name == "" || m.Source.Type == "" {
			t.Fatalf("accepted a manifest without name or source: %+v", m)
		}
		if m.Targets.PeakRSSMax < 0 || m.Targets.ColdWallMax < 0 {
			t.Fatalf("accepted a negative target: %+v", m.Targets)
		}
	})
}

// FuzzManifestSizes holds the manifest's size and count readers (sizes of
// artefacts, limits, targets; file counts of estimates and limits) to an
// independent reading in arbitrary precision: what they accept is within
// range and is the number written, to within float64's rounding.
func FuzzManifestSizes(f *testing.F) {
	for _, s := range []string{"200MB", "1.34 GB", "512MiB", "153476148", "1e3MB", "9e18", "NaN", "86.6k", "3M", "1e300", "-1", "0.4", "2 KiB"} {
		f.Add(s)
	}
	units := map[string]float64{"": 1, "B": 1, "byte": 1, "bytes": 1, "KB": 1e3, "kB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s); err == nil {
			assert.GreaterOrEqual(t, n, int64(0), "%q", s)
			assert.LessOrEqual(t, n, int64(math.MaxInt64/2), "%q", s)
			if m := quantityRE.FindStringSubmatch(s); m != nil {
				if mult, ok := units[m[2]]; ok {
					want, _, err := big.ParseFloat(m[1], 10, 200, big.ToNearestEven)
					require.NoError(t, err)
					want.Mul(want, big.NewFloat(mult))
					got := new(big.Float).SetInt64(n)
					diff := new(big.Float).Sub(got, want)
					tol := new(big.Float).Mul(want, big.NewFloat(1e-12))
					tol.Add(tol, big.NewFloat(0.5))
					assert.True(t, diff.Abs(diff).Cmp(tol) <= 0, "%q read as %d, is %s", s, n, want.Text('g', 20))
				}
			}
		} else {
			assert.Contains(t, err.Error(), strconv.Quote(s))
		}
		if n, err := parseCount(s); err == nil {
			assert.GreaterOrEqual(t, n, 0, "%q", s)
			assert.LessOrEqual(t, n, maxCount, "%q", s)
		} else {
			assert.Contains(t, err.Error(), strconv.Quote(s))
		}
	})
}
