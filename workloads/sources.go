package workloads

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

// DebSrcHint is what a user must do for a debian-source workload when apt
// has no deb-src entry. hivebench never edits apt's sources itself: that
// is the machine owner's decision, and it needs root.
const DebSrcHint = "apt-get source needs a deb-src entry in apt's sources, and there is none. hivebench does not change apt's sources by itself; as root, either " +
	"(a) in /etc/apt/sources.list.d/debian.sources change `Types: deb` to `Types: deb deb-src` in the stanza of the suite that has the package " +
	"(for Debian 12 security updates such as chromium, the one with `Suites: bookworm-security`), or " +
	"(b) add to /etc/apt/sources.list a `deb-src` line for `bookworm-security main` with the same URI as apt's `deb` entry for bookworm-security; " +
	"then run `apt-get update` and fetch again (see workloads/README.md, \"Chromium needs deb-src\")"

// acquirer returns the fetcher of m's source.
func (c *Cache) acquirer(m *Manifest) (acquirer, error) {
	tb := c.tools()
	switch m.Source.Type {
	case DebianBinary:
		return &aptBinary{tb: tb, m: m}, nil
	case DebianSource:
		return &aptSource{tb: tb, m: m}, nil
	case NPM:
		return &npmPack{tb: tb, m: m}, nil
	case Archive:
		return &archiveCopy{tb: tb, m: m, path: c.expandHome(m.Source.Path), log: c.logf}, nil
	}
	return nil, exitcode.UsageError("workload %s: source %q cannot be fetched", m.Name, m.Source.Type)
}

// compressionTool is the external program a tarball's compression needs:
// xz only, gzip and bzip2 are read in process (see openTarStream).
func compressionTool(name string) []string {
	if flag, _ := compressionOf(name); flag == "-J" {
		return []string{"xz"}
	}
	return nil
}

// untarFile unpacks the tarball at path (in the staging directory) into
// the unpacker's tree, under prefix.
func untarFile(ctx context.Context, tb toolbox, path string, u *unpacker, prefix string) error {
	f, _, err := regularfile.Open(path, false)
	if err != nil {
		return exitcode.InfraError("unpack %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	return u.tarball(ctx, tb, f, filepath.Base(path), prefix)
}

// countingReader reports progress and stops a long copy when ctx ends.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	on  func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if n > 0 && c.on != nil {
		c.on(int64(n))
	}
	return n, err
}

// aptURIRE matches one line of `apt-get ... --print-uris`:
// 'URL' FILE SIZE HASHTYPE:HASH
var aptURIRE = regexp.MustCompile(`^'([^']+)'\s+(\S+)\s+([0-9]+)(?:\s+(\S+))?`)

// parseAptURIs reads the files apt would download from its --print-uris
// output; other lines (progress, notes) are passed over. A line of that
// shape whose size does not fit, whose SHA256 is not 64 hex digits or whose
// file name is not a plain name is an error: a plan built on it would check
// downloads against nothing, or write outside the download directory.
func parseAptURIs(out string) ([]Artefact, error) {
	var as []Artefact
	for _, line := range strings.Split(out, "\n") {
		m := aptURIRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		a := Artefact{File: m[2]}
		size, err := strconv.ParseInt(m[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("apt lists %s with size %s, which is not a byte count", m[2], m[3])
		}
		a.Size = size
		if h, ok := strings.CutPrefix(m[4], "SHA256:"); ok {
			a.SHA256 = strings.ToLower(h)
			if !sha256RE.MatchString(a.SHA256) {
				return nil, fmt.Errorf("apt lists %s with SHA256 %q, which is not 64 hex digits", m[2], h)
			}
		}
		if why := reservedName(a.File); why != "" {
			return nil, fmt.Errorf("apt lists a file %q, which cannot be a download in the cache: %s", a.File, why)
		}
		as = append(as, a)
	}
	return as, nil
}

// aptError turns apt's failure into advice.
func aptError(m *Manifest, err error, stderr string) error {
	spec := m.Source.Package + "=" + m.Source.Version
	policy := "apt-cache policy " + m.Source.Package
	if m.Source.Type == DebianSource {
		policy = "apt-cache showsrc " + m.Source.Package
	}
	switch {
	case strings.Contains(stderr, "deb-src"):
		return exitcode.InfraError("workload %s: %s", m.Name, DebSrcHint)
	case strings.Contains(stderr, "was not found"), strings.Contains(stderr, "Can not find version"),
		strings.Contains(stderr, "Unable to locate package"), strings.Contains(stderr, "Unable to find a source package"):
		return exitcode.InfraError("workload %s: apt does not know %s (%s). Run `apt-get update` (as root) and see `%s` for the versions served; the archive drops old versions, so to use another one copy %s, change source.version (drop its artefacts and fingerprint), and pass it with --manifest",
			m.Name, spec, cli.LastLines(stderr, 2), policy, m.File)
	}
	return err
}

// aptBinary: `apt-get download PKG=VER`, then unpack the .deb (or one
// tarball inside it).
type aptBinary struct {
	tb      toolbox
	m       *Manifest
	planned []Artefact
}

func (a *aptBinary) tools() []string {
	t := []string{"apt-get", "dpkg-deb"}
	if a.m.Source.Member != "" {
		t = append(t, compressionTool(a.m.Source.Member)...)
	}
	return t
}

func (a *aptBinary) resumes(Artefact) bool { return false } // apt-get download starts a short file over

func (a *aptBinary) plan(ctx context.Context, staging string) ([]Artefact, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	out, stderr, err := a.tb.run(ctx, staging, apt, "download", "--print-uris", a.m.Source.Package+"="+a.m.Source.Version)
	if err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	if a.planned, err = parseAptURIs(out); err != nil {
		return nil, exitcode.InfraError("workload %s: `apt-get download --print-uris`: %v", a.m.Name, err)
	}
	if len(a.planned) == 0 {
		return nil, exitcode.InfraError("workload %s: `apt-get download --print-uris %s=%s` listed no file: %s", a.m.Name, a.m.Source.Package, a.m.Source.Version, cli.LastLines(stderr+out, 3))
	}
	return a.planned, nil
}

func (a *aptBinary) download(ctx context.Context, staging string, expected []Artefact) ([]string, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	if _, stderr, err := a.tb.run(ctx, staging, apt, "download", a.m.Source.Package+"="+a.m.Source.Version); err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	return presentFiles(a.m, staging, expected)
}

func (a *aptBinary) unpack(ctx context.Context, staging string, files []string, u *unpacker) error {
	if len(files) != 1 {
		return exitcode.InfraError("workload %s: expected one .deb, got %s", a.m.Name, strings.Join(files, ", "))
	}
	deb := filepath.Join(staging, files[0])
	dpkg, err := a.tb.look("dpkg-deb", "unpacking "+files[0])
	if err != nil {
		return err
	}
	cmd, _, errb := a.tb.command(ctx, "", dpkg, "--fsys-tarfile", deb)
	cmd.Stdout = nil
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return exitcode.InfraError("dpkg-deb: %v", err)
	}
	if err := cmd.Start(); err != nil {
		return exitcode.InfraError("start dpkg-deb: %v", err)
	}
	var unpackErr error
	if a.m.Source.Member == "" {
		unpackErr = u.tarball(ctx, a.tb, pipe, "data.tar", "")
	} else {
		unpackErr = a.unpackMember(ctx, pipe, u)
	}
	// Drain so dpkg-deb is not killed by SIGPIPE when we stop reading
	// after the member; its exit status then means what it says.
	_, _ = io.Copy(io.Discard, pipe)
	waitErr := cmd.Wait()
	if unpackErr != nil {
		return unpackErr
	}
	if waitErr != nil {
		return toolError(dpkg, []string{"--fsys-tarfile", deb}, waitErr, errb.String())
	}
	return nil
}

// unpackMember finds the member tarball in the package's data stream and
// unpacks it, without writing the (large) member to disk first.
func (a *aptBinary) unpackMember(ctx context.Context, r io.Reader, u *unpacker) error {
	want := strings.TrimPrefix(a.m.Source.Member, "/")
	tr := tar.NewReader(r)
	var seen []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return exitcode.InfraError("workload %s: reading the package's data: %v", a.m.Name, err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if name == want && h.Typeflag == tar.TypeReg {
			return u.tarball(ctx, a.tb, tr, want, "")
		}
		if isTarball(name) {
			seen = append(seen, name)
		}
	}
	hint := "it has no tarball"
	if len(seen) > 0 {
		hint = "its tarballs are " + strings.Join(seen, ", ")
	}
	return exitcode.InfraError("workload %s: package %s has no member %s (%s); fix source.member in %s", a.m.Name, a.m.Source.Package, want, hint, a.m.File)
}

// aptSource: `apt-get source --download-only PKG=VER`, then unpack one of
// the downloaded tarballs (the .orig).
type aptSource struct {
	tb toolbox
	m  *Manifest
}

func (a *aptSource) tools() []string {
	return append([]string{"apt-get"}, compressionTool(a.m.Source.Tarball)...)
}

// apt's source download (pkgAcqFile) continues a file already in the
// directory, so a shorter file is left for it, but only when the sha256 to
// verify the result is known: a continued file is never used unverified.
func (a *aptSource) resumes(want Artefact) bool { return want.SHA256 != "" }

func (a *aptSource) plan(ctx context.Context, staging string) ([]Artefact, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	out, stderr, err := a.tb.run(ctx, staging, apt, "source", "--print-uris", "--download-only", a.m.Source.Package+"="+a.m.Source.Version)
	if err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	planned, err := parseAptURIs(out)
	if err != nil {
		return nil, exitcode.InfraError("workload %s: `apt-get source --print-uris`: %v", a.m.Name, err)
	}
	names := make([]string, len(planned))
	for i, p := range planned {
		names[i] = p.File
	}
	if !contains(names, a.m.Source.Tarball) {
		return nil, exitcode.InfraError("workload %s: source package %s=%s has no file %s (it has %s); fix source.tarball in %s",
			a.m.Name, a.m.Source.Package, a.m.Source.Version, a.m.Source.Tarball, strings.Join(names, ", "), a.m.File)
	}
	return planned, nil
}

func (a *aptSource) download(ctx context.Context, staging string, expected []Artefact) ([]string, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	if _, stderr, err := a.tb.run(ctx, staging, apt, "source", "--download-only", a.m.Source.Package+"="+a.m.Source.Version); err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	return presentFiles(a.m, staging, expected)
}

func (a *aptSource) unpack(ctx context.Context, staging string, files []string, u *unpacker) error {
	return untarFile(ctx, a.tb, filepath.Join(staging, a.m.Source.Tarball), u, "")
}

// npmPack: `npm pack NAME@VERSION...`, each tarball unpacked into a
// directory named after it (react-19.1.0/package/...).
type npmPack struct {
	tb toolbox
	m  *Manifest
}

func (n *npmPack) tools() []string       { return []string{"npm"} }
func (n *npmPack) resumes(Artefact) bool { return false }

// plan knows the tarballs only from the manifest's pins, and only when
// there is one per package (npm names them NAME-VERSION.tgz).
func (n *npmPack) plan(ctx context.Context, staging string) ([]Artefact, error) {
	if len(n.m.Artefacts) != len(n.m.Source.Packages) {
		return nil, nil
	}
	return append([]Artefact(nil), n.m.Artefacts...), nil
}

func (n *npmPack) download(ctx context.Context, staging string, expected []Artefact) ([]string, error) {
	npm, err := n.tb.look("npm", "fetching "+n.m.Name)
	if err != nil {
		return nil, err
	}
	args := append([]string{"pack", "--json", "--pack-destination", staging}, n.m.Source.Packages...)
	out, stderr, err := n.tb.run(ctx, staging, npm, args...)
	if err != nil {
		return nil, exitcode.InfraError("workload %s: %v", n.m.Name, err)
	}
	packed, err := parseNpmPack([]byte(out), len(n.m.Source.Packages))
	if err != nil {
		return nil, exitcode.InfraError("workload %s: %v: %s", n.m.Name, err, cli.LastLines(out+stderr, 4))
	}
	files := make([]string, len(packed))
	for i, p := range packed {
		files[i] = p.Filename
		if _, err := os.Lstat(filepath.Join(staging, files[i])); err != nil {
			return nil, exitcode.InfraError("workload %s: npm reported %s for %s but it is not in %s", n.m.Name, files[i], p.ID, staging)
		}
	}
	return files, nil
}

// npmPacked is one tarball `npm pack --json` reports.
type npmPacked struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
}

// parseNpmPack reads `npm pack --json`'s output: a JSON list of one object
// per package asked for, each naming the tarball it wrote. The file names
// come back as plain names inside the download directory: npm writes a
// scoped package @scope/name as scope-name-VERSION.tgz, and anything that
// is still a path, a reserved name or not a .tgz is refused.
func parseNpmPack(out []byte, want int) ([]npmPacked, error) {
	var packed []npmPacked
	if err := json.Unmarshal(out, &packed); err != nil {
		return nil, fmt.Errorf("`npm pack --json` printed something that is not its JSON list (%v)", err)
	}
	if len(packed) != want {
		return nil, fmt.Errorf("`npm pack --json` reported %d tarballs for %d packages", len(packed), want)
	}
	seen := map[string]bool{}
	for i, p := range packed {
		name := p.Filename
		if why := reservedName(name); why != "" {
			return nil, fmt.Errorf("`npm pack --json` named the tarball for %q %q, which cannot be a file in the download directory: %s", p.ID, name, why)
		}
		if !strings.HasSuffix(name, ".tgz") {
			return nil, fmt.Errorf("`npm pack --json` named the tarball for %q %q, which is not a .tgz", p.ID, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("`npm pack --json` named two tarballs %q", name)
		}
		seen[name] = true
		packed[i].Filename = name
	}
	return packed, nil
}

func (n *npmPack) unpack(ctx context.Context, staging string, files []string, u *unpacker) error {
	for _, f := range files {
		if err := untarFile(ctx, n.tb, filepath.Join(staging, f), u, strings.TrimSuffix(f, ".tgz")); err != nil {
			return err
		}
	}
	return nil
}

// archiveCopy: a local tarball, copied into the cache with resume (a copy
// from a slow mount can be interrupted too), then unpacked.
type archiveCopy struct {
	tb   toolbox
	m    *Manifest
	path string
	log  func(format string, args ...any)
}

func (a *archiveCopy) tools() []string { return compressionTool(a.path) }

// copyResume checks the part already copied against the source before it
// continues, so a resumed copy is verified with or without a pinned sha256.
func (a *archiveCopy) resumes(Artefact) bool { return true }

func (a *archiveCopy) plan(ctx context.Context, staging string) ([]Artefact, error) {
	fi, err := os.Stat(a.path)
	if err != nil {
		return nil, exitcode.InfraError("workload %s: archive %s: %v", a.m.Name, a.path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, exitcode.InfraError("workload %s: archive %s is not a regular file", a.m.Name, a.path)
	}
	return []Artefact{{File: filepath.Base(a.path), Size: fi.Size()}}, nil
}

func (a *archiveCopy) download(ctx context.Context, staging string, expected []Artefact) ([]string, error) {
	name := filepath.Base(a.path)
	restarted, err := copyResume(ctx, a.path, filepath.Join(staging, name))
	if restarted && a.log != nil {
		a.log("fetch: restarting %s (the part already copied is not the start of %s)\n", name, a.path)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, exitcode.InfraError("workload %s: copy %s: %v", a.m.Name, a.path, unwrapPath(err))
	}
	return []string{name}, nil
}

func (a *archiveCopy) unpack(ctx context.Context, staging string, files []string, u *unpacker) error {
	return untarFile(ctx, a.tb, filepath.Join(staging, files[0]), u, "")
}

// copyResume copies src to dst, continuing after the bytes dst already
// has if they are the start of src: they are compared first (one read of
// each, as long as the part already there), and a dst that is not a prefix
// of src is started over. It reports whether it started over.
func copyResume(ctx context.Context, src, dst string) (restarted bool, err error) {
	in, st, err := regularfile.Open(src, true)
	if err != nil {
		return false, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return false, err
	}
	defer out.Close()
	fi, err := out.Stat()
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%s is a %s, not a partial copy", dst, regularfile.Kind(fi.Mode()))
	}
	off := fi.Size()
	if off > 0 {
		same, err := samePrefix(ctx, in, out, off)
		if err != nil {
			return false, err
		}
		if !same || off > st.Size() {
			if err := out.Truncate(0); err != nil {
				return false, err
			}
			off, restarted = 0, true
		}
	}
	if _, err := in.Seek(off, io.SeekStart); err != nil {
		return restarted, err
	}
	if _, err := out.Seek(off, io.SeekStart); err != nil {
		return restarted, err
	}
	if _, err := io.Copy(out, &countingReader{ctx: ctx, r: in}); err != nil {
		return restarted, err
	}
	if err := out.Sync(); err != nil {
		return restarted, err
	}
	return restarted, out.Close()
}

// samePrefix reports whether the first n bytes of a and b are equal (false
// if either is shorter).
func samePrefix(ctx context.Context, a, b io.ReaderAt, n int64) (bool, error) {
	const chunk = 1 << 20
	ba, bb := make([]byte, chunk), make([]byte, chunk)
	for off := int64(0); off < n; off += chunk {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		k := min(chunk, n-off)
		na, erra := a.ReadAt(ba[:k], off)
		nb, errb := b.ReadAt(bb[:k], off)
		if int64(na) < k || int64(nb) < k {
			if erra != nil && !errors.Is(erra, io.EOF) {
				return false, erra
			}
			if errb != nil && !errors.Is(errb, io.EOF) {
				return false, errb
			}
			return false, nil
		}
		if !bytes.Equal(ba[:k], bb[:k]) {
			return false, nil
		}
	}
	return true, nil
}

// presentFiles returns the expected files after a tool ran, or says which
// one the tool did not produce.
func presentFiles(m *Manifest, staging string, expected []Artefact) ([]string, error) {
	var files []string
	for _, a := range expected {
		if _, err := os.Stat(filepath.Join(staging, a.File)); err != nil {
			entries, _ := os.ReadDir(staging)
			var have []string
			for _, e := range entries {
				if !strings.HasPrefix(e.Name(), ".") {
					have = append(have, e.Name())
				}
			}
			return nil, exitcode.InfraError("workload %s: the download did not produce %s (the directory has: %s)", m.Name, a.File, strings.Join(have, ", "))
		}
		files = append(files, a.File)
	}
	return files, nil
}
