package workloads

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

// An archive is outside input: whoever built it chose its members' types,
// modes and names, and hivebench may well run as root. So archives are
// not handed to the system's tar (which, as root, recreates device nodes,
// setuid bits and named pipes, and keeps a mode-000 file unreadable) but
// read here, with archive/tar, and only three kinds of member become part
// of the tree:
//
//   - regular files, mode 0644, or 0755 if the archive gave any execute
//     bit; setuid, setgid and sticky bits are dropped;
//   - directories, mode 0755;
//   - symlinks whose target, resolved through the tree's own entries,
//     exists inside the tree (never through anything above its root).
//
// A hard link becomes a copy of the file it names, if that was unpacked.
// Everything else is skipped and counted: devices, named pipes, names that
// are absolute or climb out with "..", symlinks that leave the tree or lead
// nowhere, and names taken by a member of another type. Nothing is ever
// written through a symlink: symlinks are created last, and no directory on
// the way to a file may be one.
//
// Limits cap what one fetch may write, against decompression bombs: a
// stream that inflates to more bytes or more members than the manifest
// allows stops the fetch (exit 3) before the disk fills.

// Limits bound one fetch's unpack. A manifest sets them under unpack:.
type Limits struct {
	// MaxBytes caps the bytes of file content written.
	MaxBytes int64
	// MaxFiles caps the archive members read: files, directories, links,
	// and the members skipped.
	MaxFiles int
}

// DefaultLimits are generous: several times the largest built-in workload
// (chromium-150: 5.6 GB and 448k files unpacked).
var DefaultLimits = Limits{MaxBytes: 20_000_000_000, MaxFiles: 2_000_000}

// maxExamples bounds the member names an UnpackReport keeps.
const maxExamples = 20

// UnpackReport says what an unpack made of the archive.
type UnpackReport struct {
	// Members is how many archive members were read.
	Members int `json:"members"`
	// Files, Dirs, Symlinks and Bytes describe the tree as unpacked.
	Files    int   `json:"files"`
	Dirs     int   `json:"dirs"`
	Symlinks int   `json:"symlinks"`
	Bytes    int64 `json:"bytes"`
	// HardLinks were unpacked as copies of the file they link to.
	HardLinks int `json:"hard_links,omitempty"`
	// ModesNormalised counts members whose mode was not the one they got
	// (0644, 0755); SpecialBits those of them that had setuid, setgid or
	// sticky set.
	ModesNormalised int `json:"modes_normalised,omitempty"`
	SpecialBits     int `json:"special_bits_dropped,omitempty"`
	// Skipped counts members left out, by reason.
	Skipped Skipped `json:"skipped"`
	// Examples names the first few members skipped or changed, with what
	// was done, for inspection.
	Examples []string `json:"examples,omitempty"`
}

// Skipped counts the members an unpack left out, by reason.
type Skipped struct {
	Devices      int `json:"devices,omitempty"`
	FIFOs        int `json:"fifos,omitempty"`
	UnsafePaths  int `json:"unsafe_paths,omitempty"`
	SymlinksOut  int `json:"symlinks_out,omitempty"`
	HardLinksOut int `json:"hard_links_out,omitempty"`
	Conflicts    int `json:"conflicts,omitempty"`
	Other        int `json:"other,omitempty"`
}

// Total is the number of members skipped.
func (s Skipped) Total() int {
	return s.Devices + s.FIFOs + s.UnsafePaths + s.SymlinksOut + s.HardLinksOut + s.Conflicts + s.Other
}

// String is one line: what the tree holds, what was normalised, what was
// skipped.
func (r *UnpackReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unpacked %d archive members: %s, %s, %s, %s", r.Members,
		plural(r.Files, "file"), plural(r.Dirs, "directory"), plural(r.Symlinks, "symlink"), FormatBytes(r.Bytes))
	if r.HardLinks > 0 {
		fmt.Fprintf(&b, " (%s copied)", plural(r.HardLinks, "hard link"))
	}
	if r.ModesNormalised > 0 {
		fmt.Fprintf(&b, "; normalised %s to 0644/0755", plural(r.ModesNormalised, "mode"))
		if r.SpecialBits > 0 {
			fmt.Fprintf(&b, " (%d with setuid/setgid/sticky bits dropped)", r.SpecialBits)
		}
	}
	s := r.Skipped
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{
		{s.Devices, "device"}, {s.FIFOs, "named pipe"}, {s.UnsafePaths, "unsafe path (absolute or ..)"},
		{s.SymlinksOut, "symlink leaving the tree or leading nowhere"}, {s.HardLinksOut, "hard link to nothing unpacked"},
		{s.Conflicts, "name taken by another member"}, {s.Other, "member of another type"},
	} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.what))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "; skipped %s", strings.Join(parts, ", "))
	} else {
		b.WriteString("; skipped nothing")
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	switch {
	case strings.HasSuffix(what, "y"):
		what = strings.TrimSuffix(what, "y") + "ies"
	case strings.Contains(what, " ("):
		i := strings.Index(what, " (")
		what = what[:i] + "s" + what[i:]
	case strings.Contains(what, " "):
		i := strings.Index(what, " ")
		what = what[:i] + "s" + what[i:]
	default:
		what += "s"
	}
	return fmt.Sprintf("%d %s", n, what)
}

// pendingLink is a symlink member, created after every other member.
type pendingLink struct {
	path, target string
}

// unpacker unpacks one or more tar streams into root and fingerprints what
// it wrote as it writes it.
type unpacker struct {
	root     string
	limits   Limits
	manifest string // for messages: where the limits come from
	onBytes  func(int64)
	rep      UnpackReport
	entries  map[string]results.TreeEntry // the tree, by slash path; the root is ""
	links    []pendingLink
	written  int64 // bytes written, counting a file written twice twice
	buf      []byte
}

func newUnpacker(root string, limits Limits, manifest string, onBytes func(int64)) *unpacker {
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultLimits.MaxBytes
	}
	if limits.MaxFiles <= 0 {
		limits.MaxFiles = DefaultLimits.MaxFiles
	}
	return &unpacker{root: root, limits: limits, manifest: manifest, onBytes: onBytes,
		entries: map[string]results.TreeEntry{"": {Mode: fs.ModeDir}}, buf: make([]byte, 256<<10)}
}

// note keeps an example of what was done to a member. Member names are the
// archive's: they are shortened, and quoted if they hold anything that is
// not printable, so that no name can forge a line of fetch's output or
// bloat the marker past what readMarker accepts.
func (u *unpacker) note(format string, args ...any) {
	if len(u.rep.Examples) >= maxExamples {
		return
	}
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = shown(a)
		case quoted:
			args[i] = strconv.Quote(truncated(string(a)))
		case error:
			args[i] = shown(a.Error())
		}
	}
	u.rep.Examples = append(u.rep.Examples, fmt.Sprintf(format, args...))
}

// quoted is a note's argument always shown in quotes (a symlink target).
type quoted string

// maxShown bounds a name in an example.
const maxShown = 200

func truncated(s string) string {
	if len(s) > maxShown {
		return s[:maxShown] + "..."
	}
	return s
}

// shown is s as it is if it is printable, else Go-quoted.
func shown(s string) string {
	s = truncated(s)
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// tarball unpacks the tarball named name, read from r (compressed as its
// name says), under the directory prefix of the tree ("" for its root).
func (u *unpacker) tarball(ctx context.Context, tb toolbox, r io.Reader, name, prefix string) error {
	counted := &countingReader{ctx: ctx, r: r, on: u.onBytes}
	ts, err := openTarStream(ctx, tb, counted, name)
	if err != nil {
		return err
	}
	if err := u.extract(ctx, ts, name, prefix); err != nil {
		ts.abort()
		return err
	}
	return ts.finish()
}

// extract reads members until the end of the archive.
func (u *unpacker) extract(ctx context.Context, r io.Reader, name, prefix string) error {
	if prefix != "" {
		if err := u.mkdirs(prefix); err != nil {
			return exitcode.InfraError("unpack %s: %v", name, err)
		}
	}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return exitcode.InfraError("unpack %s: %v (after %d members)", name, err, u.rep.Members)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue // metadata for the archive (git archive's commit id), not a member
		}
		u.rep.Members++
		if u.rep.Members > u.limits.MaxFiles {
			return u.overLimit(name, "max_files", fmt.Sprintf("%d members", u.limits.MaxFiles), h.Name)
		}
		rel, ok := memberPath(prefix, h.Name)
		if !ok {
			u.rep.Skipped.UnsafePaths++
			u.note("%s: skipped, an unsafe path (absolute or climbing out with ..)", h.Name)
			continue
		}
		if err := u.member(h, tr, rel, prefix, name); err != nil {
			return err
		}
	}
}

// member unpacks one member at rel (the tree's root if rel is prefix).
func (u *unpacker) member(h *tar.Header, r io.Reader, rel, prefix, name string) error {
	switch h.Typeflag {
	case tar.TypeDir:
		if err := u.mkdirs(rel); err != nil {
			u.conflict(h.Name, err)
			return nil
		}
		if rel != prefix {
			u.normalised(h.Name, h.Mode, 0o755)
		}
	case tar.TypeReg, tar.TypeGNUSparse, tar.TypeCont:
		if rel == prefix {
			u.conflict(h.Name, errors.New("a file where the tree's root is"))
			return nil
		}
		return u.file(h, r, rel, name)
	case tar.TypeLink:
		target, ok := memberPath(prefix, h.Linkname)
		t, found := u.entries[target]
		if !ok || !found || !t.Mode.IsRegular() {
			u.rep.Skipped.HardLinksOut++
			u.note("%s: skipped, a hard link to %s, which is not a file unpacked before it", h.Name, h.Linkname)
			return nil
		}
		return u.hardLink(h, rel, target, name)
	case tar.TypeSymlink:
		if rel == prefix {
			u.conflict(h.Name, errors.New("a symlink where the tree's root is"))
			return nil
		}
		u.links = append(u.links, pendingLink{path: rel, target: h.Linkname})
	case tar.TypeChar, tar.TypeBlock:
		u.rep.Skipped.Devices++
		u.note("%s: skipped, a device node (%d, %d)", h.Name, h.Devmajor, h.Devminor)
	case tar.TypeFifo:
		u.rep.Skipped.FIFOs++
		u.note("%s: skipped, a named pipe", h.Name)
	default:
		u.rep.Skipped.Other++
		u.note("%s: skipped, a member of tar type %s", h.Name, quoted(string(h.Typeflag)))
	}
	return nil
}

// memberPath is where a member named name goes: under prefix, cleaned; ok
// is false for an absolute name or one that climbs out of the tree.
func memberPath(prefix, name string) (string, bool) {
	if strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) {
		return "", false
	}
	c := path.Clean(name)
	if c == "." {
		return prefix, true
	}
	if !filepath.IsLocal(c) || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	if prefix == "" {
		return c, true
	}
	return prefix + "/" + c, true
}

// fileMode is the mode a regular file gets: executable or not.
func fileMode(archive int64) fs.FileMode {
	if archive&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

func (u *unpacker) normalised(name string, archive int64, got fs.FileMode) {
	if archive&0o7777 == int64(got) {
		return
	}
	u.rep.ModesNormalised++
	if archive&0o7000 != 0 {
		u.rep.SpecialBits++
	}
	u.note("%s: mode %04o made %04o", name, archive&0o7777, got)
}

func (u *unpacker) conflict(name string, why error) {
	u.rep.Skipped.Conflicts++
	u.note("%s: skipped, %v", name, why)
}

func (u *unpacker) full(rel string) string { return filepath.Join(u.root, filepath.FromSlash(rel)) }

// budget is how many bytes may still be written.
func (u *unpacker) budget() int64 { return u.limits.MaxBytes - u.written }

func (u *unpacker) overLimit(archive, field, limit, member string) error {
	return exitcode.InfraError("unpacking %s went over the limit unpack.%s (%s, from %s) at member %s: a decompression bomb, or a tree larger than the manifest allows; nothing was kept. If the tree really is this large, raise unpack.%s in the manifest",
		archive, field, limit, u.manifest, member, field)
}

// mkdirs makes rel and its parents as real directories (mode 0755). A name
// on the way that is already something else is a conflict: nothing is
// created through a file or a symlink.
func (u *unpacker) mkdirs(rel string) error {
	if rel == "" {
		return nil
	}
	if e, ok := u.entries[rel]; ok {
		if !e.Mode.IsDir() {
			return fmt.Errorf("%s is already a %s", rel, regularfile.Kind(e.Mode))
		}
		return nil
	}
	if err := u.mkdirs(parentOf(rel)); err != nil {
		return err
	}
	full := u.full(rel)
	if err := os.Mkdir(full, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(full, 0o755); err != nil { // whatever the umask
		return err
	}
	u.entries[rel] = results.TreeEntry{Path: rel, Mode: fs.ModeDir | 0o755}
	return nil
}

func parentOf(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

// file writes a regular file, hashing it on the way.
func (u *unpacker) file(h *tar.Header, r io.Reader, rel, name string) error {
	if h.Size > u.budget() {
		return u.overLimit(name, "max_bytes", FormatBytes(u.limits.MaxBytes), fmt.Sprintf("%s (%s)", h.Name, FormatBytes(h.Size)))
	}
	if err := u.mkdirs(parentOf(rel)); err != nil {
		u.conflict(h.Name, err)
		return nil
	}
	if e, ok := u.entries[rel]; ok && !e.Mode.IsRegular() {
		u.conflict(h.Name, fmt.Errorf("%s is already a %s", rel, regularfile.Kind(e.Mode)))
		return nil
	}
	mode := fileMode(h.Mode)
	e, err := u.write(rel, mode, r, name, h.Name)
	if err != nil {
		return err
	}
	if !h.ModTime.IsZero() {
		_ = os.Chtimes(u.full(rel), time.Time{}, h.ModTime)
	}
	u.normalised(h.Name, h.Mode, mode)
	u.entries[rel] = e
	return nil
}

// write creates rel with mode and the bytes of r, within the byte budget.
func (u *unpacker) write(rel string, mode fs.FileMode, r io.Reader, archive, member string) (results.TreeEntry, error) {
	full := u.full(rel)
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return results.TreeEntry{}, exitcode.InfraError("unpack %s: %s: %v", archive, member, err)
	}
	hs := sha256.New()
	budget := u.budget()
	n, err := io.CopyBuffer(io.MultiWriter(f, hs), io.LimitReader(r, budget+1), u.buf)
	u.written += n
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	switch {
	case err != nil:
		return results.TreeEntry{}, exitcode.InfraError("unpack %s: %s: %v", archive, member, err)
	case n > budget:
		return results.TreeEntry{}, u.overLimit(archive, "max_bytes", FormatBytes(u.limits.MaxBytes), member)
	}
	e := results.TreeEntry{Path: rel, Mode: mode, Size: n}
	hs.Sum(e.Digest[:0])
	return e, nil
}

// hardLink unpacks a hard link as a copy of the file it names.
func (u *unpacker) hardLink(h *tar.Header, rel, target, name string) error {
	t := u.entries[target]
	if t.Size > u.budget() {
		return u.overLimit(name, "max_bytes", FormatBytes(u.limits.MaxBytes), h.Name)
	}
	if rel == target {
		return nil
	}
	if err := u.mkdirs(parentOf(rel)); err != nil {
		u.conflict(h.Name, err)
		return nil
	}
	if e, ok := u.entries[rel]; ok && !e.Mode.IsRegular() {
		u.conflict(h.Name, fmt.Errorf("%s is already a %s", rel, regularfile.Kind(e.Mode)))
		return nil
	}
	src, _, err := regularfile.Open(u.full(target), false)
	if err != nil {
		return exitcode.InfraError("unpack %s: hard link %s: %v", name, h.Name, err)
	}
	defer src.Close()
	e, err := u.write(rel, t.Mode.Perm(), src, name, h.Name)
	if err != nil {
		return err
	}
	u.rep.HardLinks++
	u.entries[rel] = e
	return nil
}

// finish creates the symlinks that stay in the tree, drops the ones that
// do not, counts the tree and returns its fingerprint (harness/results'),
// computed from what was written, without reading the tree again. Name is
// left for the caller.
func (u *unpacker) finish() (results.Fingerprint, error) {
	// The last symlink member of a name wins, as a later file does.
	targets := map[string]string{}
	var order []string
	for _, l := range u.links {
		if _, dup := targets[l.path]; !dup {
			order = append(order, l.path)
		}
		targets[l.path] = l.target
	}
	var links []string
	for _, p := range order {
		t := targets[p]
		switch {
		case t == "" || strings.HasPrefix(t, "/") || strings.ContainsRune(t, 0):
			u.rep.Skipped.SymlinksOut++
			u.note("%s: skipped, a symlink to %s, outside the tree", p, quoted(t))
			continue
		case hasEntry(u.entries, p):
			u.conflict(p, fmt.Errorf("a symlink where the archive also has a %s", regularfile.Kind(u.entries[p].Mode)))
			continue
		}
		if err := u.mkdirs(parentOf(p)); err != nil {
			u.conflict(p, err)
			continue
		}
		u.entries[p] = results.SymlinkEntry(p, t)
		links = append(links, p)
	}
	// Which links resolve inside the tree is decided on the entries alone,
	// before any link exists on disk. A link that fails makes every link
	// resolved through it fail too, so one pass decides them all.
	var keep []string
	var bad []string
	for _, p := range links {
		if resolvesInTree(u.entries, targets, p) {
			keep = append(keep, p)
		} else {
			bad = append(bad, p)
		}
	}
	for _, p := range bad {
		u.rep.Skipped.SymlinksOut++
		u.note("%s: skipped, a symlink to %s, which leaves the tree or leads nowhere", p, quoted(targets[p]))
		delete(u.entries, p)
	}
	for _, p := range keep {
		if err := os.Symlink(targets[p], u.full(p)); err != nil {
			return results.Fingerprint{}, exitcode.InfraError("unpack: symlink %s: %v", p, err)
		}
	}
	entries := make([]results.TreeEntry, 0, len(u.entries))
	for rel, e := range u.entries {
		if rel == "" {
			continue
		}
		switch {
		case e.Mode.IsRegular():
			u.rep.Files++
			u.rep.Bytes += e.Size
		case e.Mode.IsDir():
			u.rep.Dirs++
		case e.Mode&fs.ModeSymlink != 0:
			u.rep.Symlinks++
		}
		entries = append(entries, e)
	}
	return results.FingerprintEntries(entries), nil
}

func hasEntry(entries map[string]results.TreeEntry, p string) bool {
	_, ok := entries[p]
	return ok
}

// maxHops bounds the symlinks one resolution follows, as the kernel's
// ELOOP does.
const maxHops = 40

// resolvesInTree reports whether the symlink at rel, followed component by
// component through entries (targets holds every link's target), reaches
// an existing entry without ever going above the root. Nothing on disk is
// consulted, so nothing above the root, and no name of it, can matter.
func resolvesInTree(entries map[string]results.TreeEntry, targets map[string]string, rel string) bool {
	var dir []string
	if p := parentOf(rel); p != "" {
		dir = strings.Split(p, "/")
	}
	todo := strings.Split(targets[rel], "/")
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(dir) == 0 {
				return false
			}
			dir = dir[:len(dir)-1]
			continue
		}
		p := strings.Join(append(dir[:len(dir):len(dir)], c), "/")
		e, ok := entries[p]
		switch {
		case !ok:
			return false
		case e.Mode&fs.ModeSymlink != 0:
			if hops++; hops > maxHops {
				return false
			}
			t := targets[p]
			if strings.HasPrefix(t, "/") {
				return false
			}
			todo = append(strings.Split(t, "/"), todo...)
		case e.Mode.IsDir():
			dir = append(dir, c)
		case len(todo) > 0: // a file cannot be gone through, not even as "f/"
			return false
		default:
			dir = append(dir, c)
		}
	}
	return true
}
