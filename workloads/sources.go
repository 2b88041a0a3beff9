package workloads

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/engine/exitcode"
)

// DebSrcHint is what a user must do for a debian-source workload when apt
// has no deb-src entry. hivebench never edits apt's sources itself: that
// is the machine owner's decision, and it needs root.
const DebSrcHint = "apt-get source needs a deb-src entry in apt's sources, and there is none. hivebench does not change apt's sources by itself; as root, either " +
	"(a) in /etc/apt/sources.list.d/debian.sources change `Types: deb` to `Types: deb deb-src` in the stanza of the suite that has the package " +
	"(for Debian 12 security updates such as chromium, the one with `Suites: bookworm-security`), or " +
	"(b) add the line `deb-src http://deb.debian.org/debian-security bookworm-security main` to /etc/apt/sources.list; " +
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
		return &archiveCopy{tb: tb, m: m, path: c.expandHome(m.Source.Path)}, nil
	}
	return nil, exitcode.UsageError("workload %s: source %q cannot be fetched", m.Name, m.Source.Type)
}

// compressionTool is the program tar runs for a compression flag.
func compressionTool(name string) []string {
	switch flag, _ := compressionOf(name); flag {
	case "-J":
		return []string{"xz"}
	case "-z":
		return []string{"gzip"}
	case "-j":
		return []string{"bzip2"}
	}
	return nil
}

// untar streams a tarball (compressed per name) into dest with the
// system's tar, which knows every compression and refuses paths that
// climb out of dest. onBytes counts the compressed bytes consumed.
func untar(ctx context.Context, tb toolbox, r io.Reader, name, dest string, onBytes func(int64)) error {
	tarBin, err := tb.look("tar", "unpacking "+name)
	if err != nil {
		return err
	}
	args := []string{"-x"}
	if flag, _ := compressionOf(name); flag != "" {
		args = append(args, flag)
	}
	// --no-same-owner: unpacking as root must not hand files to the uids
	// recorded in the archive.
	args = append(args, "-f", "-", "-C", dest, "--no-same-owner")
	return tb.pipeInto(ctx, &countingReader{ctx: ctx, r: r, on: onBytes}, "", tarBin, args...)
}

func untarFile(ctx context.Context, tb toolbox, path, dest string, onBytes func(int64)) error {
	f, err := os.Open(path)
	if err != nil {
		return exitcode.InfraError("unpack %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	return untar(ctx, tb, f, filepath.Base(path), dest, onBytes)
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

func parseAptURIs(out string) []Artefact {
	var as []Artefact
	for _, line := range strings.Split(out, "\n") {
		m := aptURIRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		a := Artefact{File: m[2]}
		a.Size, _ = strconv.ParseInt(m[3], 10, 64)
		if h, ok := strings.CutPrefix(m[4], "SHA256:"); ok {
			a.SHA256 = strings.ToLower(h)
		}
		as = append(as, a)
	}
	return as
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
			m.Name, spec, lastLines(stderr, 2), policy, m.File)
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
	t := []string{"apt-get", "dpkg-deb", "tar"}
	if a.m.Source.Member != "" {
		t = append(t, compressionTool(a.m.Source.Member)...)
	}
	return t
}

func (a *aptBinary) continues() bool { return false } // apt-get download starts a short file over

func (a *aptBinary) plan(ctx context.Context, staging string) ([]Artefact, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	out, stderr, err := a.tb.run(ctx, staging, apt, "download", "--print-uris", a.m.Source.Package+"="+a.m.Source.Version)
	if err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	a.planned = parseAptURIs(out)
	if len(a.planned) == 0 {
		return nil, exitcode.InfraError("workload %s: `apt-get download --print-uris %s=%s` listed no file: %s", a.m.Name, a.m.Source.Package, a.m.Source.Version, lastLines(stderr+out, 3))
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

func (a *aptBinary) unpack(ctx context.Context, staging string, files []string, dest string, onBytes func(int64)) error {
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
		unpackErr = untar(ctx, a.tb, pipe, "data.tar", dest, onBytes)
	} else {
		unpackErr = a.unpackMember(ctx, pipe, dest, onBytes)
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
func (a *aptBinary) unpackMember(ctx context.Context, r io.Reader, dest string, onBytes func(int64)) error {
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
			return untar(ctx, a.tb, tr, want, dest, onBytes)
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
	return append([]string{"apt-get", "tar"}, compressionTool(a.m.Source.Tarball)...)
}

// apt's source download (pkgAcqFile) continues a file already in the
// directory, so a shorter file is left for it.
func (a *aptSource) continues() bool { return true }

func (a *aptSource) plan(ctx context.Context, staging string) ([]Artefact, error) {
	apt, err := a.tb.look("apt-get", "fetching "+a.m.Name)
	if err != nil {
		return nil, err
	}
	out, stderr, err := a.tb.run(ctx, staging, apt, "source", "--print-uris", "--download-only", a.m.Source.Package+"="+a.m.Source.Version)
	if err != nil {
		return nil, aptError(a.m, err, stderr)
	}
	planned := parseAptURIs(out)
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

func (a *aptSource) unpack(ctx context.Context, staging string, files []string, dest string, onBytes func(int64)) error {
	return untarFile(ctx, a.tb, filepath.Join(staging, a.m.Source.Tarball), dest, onBytes)
}

// npmPack: `npm pack NAME@VERSION...`, each tarball unpacked into a
// directory named after it (react-19.1.0/package/...).
type npmPack struct {
	tb toolbox
	m  *Manifest
}

func (n *npmPack) tools() []string { return []string{"npm", "tar", "gzip"} }
func (n *npmPack) continues() bool { return false }

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
	var packed []struct {
		ID       string `json:"id"`
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal([]byte(out), &packed); err != nil {
		return nil, exitcode.InfraError("workload %s: `npm pack --json` printed something that is not its JSON list (%v): %s", n.m.Name, err, lastLines(out+stderr, 4))
	}
	if len(packed) != len(n.m.Source.Packages) {
		return nil, exitcode.InfraError("workload %s: npm packed %d tarballs for %d packages", n.m.Name, len(packed), len(n.m.Source.Packages))
	}
	files := make([]string, len(packed))
	for i, p := range packed {
		// npm names scoped packages @scope/name → scope-name-VERSION.tgz.
		files[i] = filepath.Base(p.Filename)
		if _, err := os.Stat(filepath.Join(staging, files[i])); err != nil {
			return nil, exitcode.InfraError("workload %s: npm reported %s for %s but it is not in %s", n.m.Name, files[i], p.ID, staging)
		}
	}
	return files, nil
}

func (n *npmPack) unpack(ctx context.Context, staging string, files []string, dest string, onBytes func(int64)) error {
	for _, f := range files {
		sub := filepath.Join(dest, strings.TrimSuffix(f, ".tgz"))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return exitcode.InfraError("workload %s: %v", n.m.Name, unwrapPath(err))
		}
		if err := untarFile(ctx, n.tb, filepath.Join(staging, f), sub, onBytes); err != nil {
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
}

func (a *archiveCopy) tools() []string { return append([]string{"tar"}, compressionTool(a.path)...) }
func (a *archiveCopy) continues() bool { return true }

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
	if err := copyResume(ctx, a.path, filepath.Join(staging, name)); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, exitcode.InfraError("workload %s: copy %s: %v", a.m.Name, a.path, unwrapPath(err))
	}
	return []string{name}, nil
}

func (a *archiveCopy) unpack(ctx context.Context, staging string, files []string, dest string, onBytes func(int64)) error {
	return untarFile(ctx, a.tb, filepath.Join(staging, files[0]), dest, onBytes)
}

// copyResume copies src to dst, continuing after the bytes dst already
// has. The checksum check after it catches a dst that was not a prefix.
func copyResume(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	fi, err := out.Stat()
	if err != nil {
		out.Close()
		return err
	}
	off := fi.Size()
	if off > st.Size() {
		if err := out.Truncate(0); err != nil {
			out.Close()
			return err
		}
		off = 0
	}
	if _, err := in.Seek(off, io.SeekStart); err != nil {
		out.Close()
		return err
	}
	if _, err := out.Seek(off, io.SeekStart); err != nil {
		out.Close()
		return err
	}
	if _, err := io.Copy(out, &countingReader{ctx: ctx, r: in}); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
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
