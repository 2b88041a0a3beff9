package workloads

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

// FetchOptions change how Fetch treats what is already there.
type FetchOptions struct {
	// Force fetches and unpacks again even when the tree is complete.
	Force bool
	// KeepDownloads keeps NAME.partial/ (the .deb, the tarballs) after a
	// successful unpack; by default it is removed to save the space.
	KeepDownloads bool
}

// FetchReport says what Fetch did.
type FetchReport struct {
	Tree *Tree
	// AlreadyCached: the tree was complete and nothing was done.
	AlreadyCached bool
	// Artefacts are the downloads as measured (size, sha256).
	Artefacts []Artefact
	// Unpinned are the artefacts the manifest does not pin; add them to it.
	Unpinned []Artefact
	// Resumed names artefacts taken over from an interrupted fetch.
	Resumed []string
	// Restarted names partial downloads that were discarded.
	Restarted []string
	// Unpack says what the unpack made of the archives: counts of what
	// is in the tree, what was normalised and what was skipped. For an
	// already cached tree it is what the fetch that unpacked it recorded.
	Unpack *UnpackReport
}

// acquirer is what differs between artefact sources: which tools they
// need, what they expect to download, how they download and unpack.
type acquirer interface {
	// tools lists the external programs the whole fetch needs, checked
	// before anything is written.
	tools() []string
	// plan returns the artefacts expected before downloading (file, and
	// size and sha256 where the tool's index knows them), all of them or
	// none: an empty plan means "unknown until downloaded".
	plan(ctx context.Context, staging string) ([]Artefact, error)
	// resumes reports whether the download continues a file shorter than
	// want, in a way that is verified before the file is used: against
	// want's sha256, or by checking the part already there (otherwise
	// Fetch deletes it so the tool starts over).
	resumes(want Artefact) bool
	// download fetches into staging and returns the artefact file names.
	download(ctx context.Context, staging string, expected []Artefact) ([]string, error)
	// unpack unpacks the artefacts into the unpacker's (empty) tree.
	unpack(ctx context.Context, staging string, files []string, u *unpacker) error
}

// Fetch materialises m's tree in the cache (a local source is only checked
// and fingerprinted). It is safe to interrupt at any point and to run
// again: see Cache for the layout that makes that so.
//
// Errors: a missing tool, a failed download, a checksum mismatch (the file
// is moved aside to FILE.bad-TIMESTAMP) or a tree that differs from the
// manifest's pinned fingerprint are infrastructure errors (exit 3).
func (c *Cache) Fetch(ctx context.Context, m *Manifest, opts FetchOptions) (*FetchReport, error) {
	if m.Source.Type.Local() {
		t, err := c.Tree(ctx, m)
		if err != nil {
			return nil, err
		}
		return &FetchReport{Tree: t, AlreadyCached: true}, nil
	}
	acq, err := c.acquirer(m)
	if err != nil {
		return nil, err
	}
	// Check tools before touching the cache: a missing xz found after a
	// 150 MB download wastes the user's time.
	if _, err := c.tools().need("fetching workload "+m.Name+" ("+string(m.Source.Type)+")", acq.tools()...); err != nil {
		return nil, err
	}
	if st := c.State(ctx, m); st.Status == Complete && !opts.Force {
		mk := st.Marker
		return &FetchReport{Tree: &Tree{Manifest: m, Root: st.Root, Fingerprint: mk.Fingerprint, Content: mk.Content}, AlreadyCached: true, Artefacts: mk.Artefacts, Unpack: mk.Unpacked}, nil
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, exitcode.InfraError("workload cache %s: %v", c.Dir, unwrapPath(err))
	}
	unlock, err := c.lock(m.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rep, err := c.fetchLocked(ctx, m, acq, opts)
	if err != nil {
		// A staging directory with nothing downloaded in it would list the
		// workload as "partial"; it holds nothing worth resuming.
		if dirBytes(c.stagingDir(m.Name)) == 0 {
			_ = os.RemoveAll(c.stagingDir(m.Name))
		}
		return nil, err
	}
	return rep, nil
}

// fetchLocked is Fetch once the tools are found and the lock is held.
func (c *Cache) fetchLocked(ctx context.Context, m *Manifest, acq acquirer, opts FetchOptions) (*FetchReport, error) {
	// Whatever is not a complete, current tree goes: first the marker (so a
	// crash here cannot leave a marker over a half-deleted tree), then the
	// tree and any abandoned unpack.
	if err := c.clear(m.Name); err != nil {
		return nil, err
	}

	rep := &FetchReport{}
	staging := c.stagingDir(m.Name)
	if err := c.prepareStaging(m, staging); err != nil {
		return nil, err
	}
	planned, err := acq.plan(ctx, staging)
	if err != nil {
		return nil, err
	}
	expected, err := mergePins(m, planned)
	if err != nil {
		return nil, err
	}
	for _, a := range expected {
		if err := checkArtefactName(m, a.File, "its download tool's index"); err != nil {
			return nil, err
		}
	}
	have, err := c.sortPartials(expected, staging, acq, rep)
	if err != nil {
		return nil, err
	}

	// The download is skipped only when the plan names every artefact the
	// source produces and all of them are already here and verified.
	var files []string
	if len(planned) > 0 && len(have) == len(planned) {
		for _, a := range expected {
			files = append(files, a.File)
		}
	} else {
		total := m.Estimate.Download
		if s := sumSizes(expected); s > 0 {
			total = s
		}
		p := startProgress(c.progress(), "fetch "+m.Name+": downloading", total, func() int64 { return dirBytes(staging) })
		files, err = acq.download(ctx, staging, expected)
		p.stop(err == nil)
		if err != nil {
			return nil, err
		}
	}

	for _, f := range files {
		if err := checkArtefactName(m, f, "the download"); err != nil {
			return nil, err
		}
	}
	// Verify every artefact against its pin (or the tool's index).
	byName := map[string]Artefact{}
	for _, a := range expected {
		byName[a.File] = a
	}
	for _, f := range files {
		got, err := measure(filepath.Join(staging, f))
		if err != nil {
			return nil, exitcode.InfraError("workload %s: downloaded file %s: %v", m.Name, f, unwrapPath(err))
		}
		got.File = f
		if want, ok := byName[f]; ok {
			if err := c.checkArtefact(m, staging, want, got); err != nil {
				return nil, err
			}
		}
		rep.Artefacts = append(rep.Artefacts, got)
		if pin, ok := m.Artefact(f); !ok || pin.SHA256 == "" {
			rep.Unpinned = append(rep.Unpinned, got)
		}
	}
	for _, a := range m.Artefacts {
		if !contains(files, a.File) {
			return nil, exitcode.InfraError("workload %s: the manifest pins %s but the download produced %s; check the manifest's source and artefacts", m.Name, a.File, strings.Join(files, ", "))
		}
	}

	tree, unpacked, err := c.unpackInto(ctx, m, acq, staging, files)
	if err != nil {
		return nil, err
	}
	rep.Unpack = unpacked
	mk := &Marker{Workload: m.Name, Source: m.Source.Key(), Artefacts: rep.Artefacts, Fingerprint: tree.Fingerprint, Content: tree.Content,
		Unpacked: unpacked, FetchedAt: c.now().UTC().Truncate(1e9)}
	if err := c.writeMarker(m.Name, mk); err != nil {
		return nil, exitcode.InfraError("workload %s: write %s: %v", m.Name, c.markerPath(m.Name), err)
	}
	if !opts.KeepDownloads {
		_ = os.RemoveAll(staging)
	}
	rep.Tree = tree
	return rep, nil
}

// unpackInto unpacks into a fresh hidden directory, fingerprinting it as it
// writes it, checks the pins and renames it into place.
func (c *Cache) unpackInto(ctx context.Context, m *Manifest, acq acquirer, staging string, files []string) (*Tree, *UnpackReport, error) {
	tmp, err := os.MkdirTemp(c.Dir, "."+m.Name+".unpack-")
	if err != nil {
		return nil, nil, exitcode.InfraError("workload %s: %v", m.Name, unwrapPath(err))
	}
	var done atomic.Int64
	total := int64(0)
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(staging, f)); err == nil {
			total += fi.Size()
		}
	}
	limits := m.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits
	}
	u := newUnpacker(tmp, limits, m.File, func(n int64) { done.Add(n) })
	p := startProgress(c.progress(), "fetch "+m.Name+": unpacking", total, done.Load)
	err = acq.unpack(ctx, staging, files, u)
	var fp results.Fingerprint
	if err == nil {
		fp, err = u.finish()
	}
	p.stop(err == nil)
	if err != nil {
		os.RemoveAll(tmp)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, exitcode.InfraError("workload %s: %v", m.Name, err)
	}
	rep := &u.rep
	// The fingerprint is the unpacker's, of the bytes as they were
	// written: reading the tree again would double the cost of a fetch.
	fp.Name = m.Name
	tree := &Tree{Manifest: m, Root: tmp, Fingerprint: fp, Content: fp.Content}
	if problems := pinProblems(m, tree); len(problems) > 0 {
		bad, rerr := c.moveAside(tmp, m.Name)
		if rerr != nil {
			os.RemoveAll(tmp)
			bad = "(could not keep it: " + rerr.Error() + ")"
		}
		return nil, nil, exitcode.InfraError("workload %s differs from its manifest %s: %s. The tree was moved aside to %s for inspection; if the source legitimately changed, update the fingerprint in the manifest",
			m.Name, m.File, strings.Join(problems, "; "), bad)
	}
	// MkdirTemp made it private; the tree is ordinary source for anyone
	// who may read the cache.
	_ = os.Chmod(tmp, 0o755)
	dst := c.treeDir(m.Name)
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		return nil, nil, exitcode.InfraError("workload %s: move the unpacked tree into place: %v", m.Name, err)
	}
	tree.Root = dst
	return tree, rep, nil
}

// pinProblems lists how a tree differs from what its manifest pins.
func pinProblems(m *Manifest, t *Tree) []string {
	var out []string
	if m.Pinned() && !t.Fingerprint.SameTree(m.Fingerprint) {
		out = append(out, fmt.Sprintf("its files are %s; the manifest pins %s", describeFP(t.Fingerprint), describeFP(m.Fingerprint)))
	}
	if m.PinsContent() && t.Content != m.Content {
		out = append(out, fmt.Sprintf("its content is %s; the manifest pins content %s", t.Content, m.Content))
	}
	return out
}

// checkArtefactName refuses a file name that would alias an entry of the
// cache (see names.go); from says who named it.
func checkArtefactName(m *Manifest, name, from string) error {
	if why := reservedName(name); why != "" {
		return exitcode.InfraError("workload %s: %s names a file %q, which cannot be a download in the cache: %s", m.Name, from, name, why)
	}
	return nil
}

// clear removes a stale or unfinished tree, its marker and abandoned
// unpack directories.
func (c *Cache) clear(name string) error {
	if err := os.Remove(c.markerPath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return exitcode.InfraError("workload %s: remove %s: %v", name, c.markerPath(name), unwrapPath(err))
	}
	if err := os.RemoveAll(c.treeDir(name)); err != nil {
		return exitcode.InfraError("workload %s: remove the old tree %s: %v", name, c.treeDir(name), unwrapPath(err))
	}
	old, _ := filepath.Glob(filepath.Join(c.Dir, "."+name+".unpack-*"))
	for _, o := range old {
		if err := os.RemoveAll(o); err != nil {
			return exitcode.InfraError("workload %s: remove an abandoned unpack %s: %v", name, o, unwrapPath(err))
		}
	}
	return nil
}

// prepareStaging keeps an interrupted download only if it was for the same
// source; a download for another version is worthless and goes.
func (c *Cache) prepareStaging(m *Manifest, staging string) error {
	keyFile := filepath.Join(staging, ".source")
	if data, err := readRegular(keyFile, false, 4096); err == nil {
		if strings.TrimSpace(string(data)) != m.Source.Key() {
			c.logf("fetch %s: discarding an interrupted download of another source (%s)\n", m.Name, strings.TrimSpace(string(data)))
			if err := os.RemoveAll(staging); err != nil {
				return exitcode.InfraError("workload %s: %v", m.Name, unwrapPath(err))
			}
		}
	} else if _, serr := os.Stat(staging); serr == nil {
		// A staging directory without its key is from a crash before the
		// key was written: nothing in it can be trusted to be ours.
		if err := os.RemoveAll(staging); err != nil {
			return exitcode.InfraError("workload %s: %v", m.Name, unwrapPath(err))
		}
	}
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return exitcode.InfraError("workload %s: %v", m.Name, unwrapPath(err))
	}
	if err := writeFileAtomic(keyFile, []byte(m.Source.Key()+"\n")); err != nil {
		return exitcode.InfraError("workload %s: %v", m.Name, unwrapPath(err))
	}
	return nil
}

// sortPartials looks at files left in staging: a complete, verified file is
// kept; a shorter one is kept if the tool continues it, else deleted; a
// longer or corrupt one is deleted. It returns the complete ones.
func (c *Cache) sortPartials(expected []Artefact, staging string, acq acquirer, rep *FetchReport) (map[string]bool, error) {
	have := map[string]bool{}
	for _, want := range expected {
		p := filepath.Join(staging, want.File)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		switch {
		case !fi.Mode().IsRegular():
			c.logf("fetch: restarting %s (a %s is where the download was)\n", want.File, regularfile.Kind(fi.Mode()))
		case want.Size > 0 && fi.Size() < want.Size && acq.resumes(want):
			c.logf("fetch: continuing %s from %s of %s\n", want.File, FormatBytes(fi.Size()), FormatBytes(want.Size))
			rep.Resumed = append(rep.Resumed, want.File)
			continue
		case want.Size > 0 && fi.Size() != want.Size:
			c.logf("fetch: restarting %s (%s of %s were downloaded)\n", want.File, FormatBytes(fi.Size()), FormatBytes(want.Size))
		default:
			got, err := measure(p)
			if err == nil && (want.SHA256 == "" || got.SHA256 == want.SHA256) && (want.Size == 0 || got.Size == want.Size) && want.SHA256 != "" {
				c.logf("fetch: %s is already downloaded and verified\n", want.File)
				rep.Resumed = append(rep.Resumed, want.File)
				have[want.File] = true
				continue
			}
			c.logf("fetch: restarting %s (the interrupted download does not verify)\n", want.File)
		}
		rep.Restarted = append(rep.Restarted, want.File)
		if err := os.Remove(p); err != nil {
			return nil, exitcode.InfraError("fetch: remove %s: %v", p, unwrapPath(err))
		}
	}
	return have, nil
}

// mergePins combines what the tool's index expects with the manifest's
// pins. Where both give a checksum they must agree: otherwise the archive
// now serves another file than the one the manifest was written for.
func mergePins(m *Manifest, planned []Artefact) ([]Artefact, error) {
	if len(planned) == 0 {
		return append([]Artefact(nil), m.Artefacts...), nil
	}
	out := make([]Artefact, 0, len(planned))
	for _, a := range planned {
		if pin, ok := m.Artefact(a.File); ok {
			if pin.SHA256 != "" && a.SHA256 != "" && pin.SHA256 != a.SHA256 {
				return nil, exitcode.InfraError("workload %s: the manifest %s pins %s with sha256 %s, but its source (%s) now offers sha256 %s: a different file than the one pinned (update the manifest's source and artefacts if that is expected)",
					m.Name, m.File, a.File, pin.SHA256, m.Source, a.SHA256)
			}
			if pin.Size > 0 && a.Size > 0 && pin.Size != a.Size {
				return nil, exitcode.InfraError("workload %s: the manifest %s pins %s at %d bytes, but its source (%s) now offers %d bytes: a different file than the one pinned (update the manifest's source and artefacts if that is expected)",
					m.Name, m.File, a.File, pin.Size, m.Source, a.Size)
			}
			if a.SHA256 == "" {
				a.SHA256 = pin.SHA256
			}
			if a.Size == 0 {
				a.Size = pin.Size
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// checkArtefact compares a download with what was expected; on a mismatch
// the file is moved aside as FILE.bad-TIMESTAMP and the error is exit 3.
func (c *Cache) checkArtefact(m *Manifest, staging string, want, got Artefact) error {
	var why string
	switch {
	case want.Size > 0 && got.Size != want.Size:
		why = fmt.Sprintf("size is %d bytes, expected %d", got.Size, want.Size)
	case want.SHA256 != "" && got.SHA256 != want.SHA256:
		why = fmt.Sprintf("sha256 is %s, expected %s", got.SHA256, want.SHA256)
	default:
		return nil
	}
	bad, err := c.moveAside(filepath.Join(staging, want.File), want.File)
	if err != nil {
		return exitcode.InfraError("workload %s: checksum mismatch for %s: %s; moving it aside failed too: %v", m.Name, want.File, why, err)
	}
	return exitcode.InfraError("workload %s: checksum mismatch for %s: %s. The file was moved aside to %s for inspection; run fetch again to download it afresh, or fix the pin in %s if the source legitimately changed",
		m.Name, want.File, why, bad, m.File)
}

// moveAside moves src (a download or a whole tree) to NAME.bad-TIMESTAMP in
// the cache, or NAME.bad-TIMESTAMP-2, -3, ... if that is taken: each is
// reserved by creating it exclusively (an empty file, or an empty directory
// for a tree) and then replaced by the rename, so nothing moved aside
// before, in the same second or by another fetch, is ever overwritten.
func (c *Cache) moveAside(src, name string) (string, error) {
	fi, err := os.Lstat(src)
	if err != nil {
		return "", err
	}
	base := filepath.Join(c.Dir, name+badMarker+c.now().UTC().Format("20060102T150405Z"))
	for i := 1; i <= 1000; i++ {
		bad := base
		if i > 1 {
			bad = fmt.Sprintf("%s-%d", base, i)
		}
		if fi.IsDir() {
			err = os.Mkdir(bad, 0o700)
		} else {
			var f *os.File
			if f, err = os.OpenFile(bad, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
				f.Close()
			}
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		// syscall.Rename, not os.Rename: os refuses to replace a directory,
		// and the kernel replaces an empty one (the reservation) atomically.
		if err := syscall.Rename(src, bad); err != nil {
			os.Remove(bad)
			return "", &os.LinkError{Op: "rename", Old: src, New: bad, Err: err}
		}
		return bad, nil
	}
	return "", fmt.Errorf("1000 entries named %s-* already exist", base)
}

// lock takes NAME.lock so that two fetches of one workload do not unpack
// over each other; the kernel drops the lock if we die.
func (c *Cache) lock(name string) (func(), error) {
	f, err := os.OpenFile(c.lockPath(name), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, exitcode.InfraError("workload %s: %v", name, unwrapPath(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, exitcode.InfraError("workload %s: another fetch of it is running (lock %s held); wait for it to finish", name, c.lockPath(name))
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func (c *Cache) logf(format string, args ...any) {
	if c.Log != nil {
		if c.Progress != nil {
			c.Progress.Clear() // a note never lands on a half-drawn bar
		}
		fmt.Fprintf(c.Log, format, args...)
	}
}

// progress is where a fetch reports its steps: Progress, else plain lines
// on Log, else nowhere (nil).
func (c *Cache) progress() *cli.Progress {
	switch {
	case c.Progress != nil:
		return c.Progress
	case c.Log != nil:
		return cli.NewProgress(&cli.Env{Stderr: c.Log}, "")
	}
	return nil
}

// measure returns a file's size and sha256.
func measure(path string) (Artefact, error) {
	f, _, err := regularfile.Open(path, false)
	if err != nil {
		return Artefact{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Artefact{}, err
	}
	return Artefact{File: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func sumSizes(as []Artefact) int64 {
	var n int64
	for _, a := range as {
		n += a.Size
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
