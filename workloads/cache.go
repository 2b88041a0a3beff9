package workloads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

// Cache is the on-disk home of fetched workloads. For a workload NAME it
// holds:
//
//	NAME/                  the unpacked tree, used only when NAME.complete exists
//	NAME.complete          JSON Marker: source, artefact checksums, fingerprints, unpack report
//	NAME.partial/          downloads in progress (kept across interruptions)
//	.NAME.unpack-*/        an unpack in progress (never used; removed by the next fetch)
//	FILE.bad-TIMESTAMP     a download whose checksum did not match, kept for inspection
//	NAME.bad-TIMESTAMP     a tree that did not match its manifest's pins, kept for inspection
//	NAME.lock              held while a fetch runs
//
// A second thing moved aside in the same second gets -2, -3, ... appended;
// nothing moved aside is overwritten. Names that would alias one of these
// entries are refused as workload and artefact names (names.go).
//
// A tree is renamed into place only once it is completely unpacked and
// fingerprinted, and the marker is written after the rename: a crash at any
// point leaves either no tree or a tree without marker, which is never
// taken as complete.
type Cache struct {
	// Dir is the cache directory (DefaultDir, or --cache-dir).
	Dir string
	// Getenv reads PATH (to find apt-get, npm, tar, ...), GOROOT and HOME.
	Getenv func(string) string
	// Log receives notes; nil is silent.
	Log io.Writer
	// Progress shows a fetch's download and unpacking (cli.NewProgress: a
	// bar redrawn in place on a terminal that can, a line every
	// cli.LineEvery anywhere else); nil writes those lines on Log.
	Progress *cli.Progress
	// Now stamps .bad-TIMESTAMP files; nil means time.Now.
	Now func() time.Time
}

// DefaultDir is $XDG_CACHE_HOME/hive/workloads, else ~/.cache/hive/workloads.
func DefaultDir(getenv func(string) string) string {
	if x := getenv("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "hive", "workloads")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".cache", "hive", "workloads")
}

// Marker is the content of NAME.complete: what was fetched, and the tree's
// fingerprint right after unpacking, so verify can tell "the manifest
// changed" from "someone edited the cached tree".
type Marker struct {
	Workload  string     `json:"workload"`
	Source    string     `json:"source"`
	Artefacts []Artefact `json:"artefacts,omitempty"`
	// Fingerprint is the tree's, computed while it was unpacked. On disk
	// its content is not repeated (it is Content); a marker read back has
	// Fingerprint.Content filled in from Content.
	Fingerprint results.Fingerprint `json:"fingerprint"`
	// Content is the tree's content fingerprint, computed while it was
	// unpacked. A marker without one was written by a hivebench that let
	// the system's tar unpack (device nodes, setuid bits and all): its tree
	// is stale.
	Content string `json:"content,omitempty"`
	// Unpacked is what the unpack made of the archives.
	Unpacked  *UnpackReport `json:"unpacked,omitempty"`
	FetchedAt time.Time     `json:"fetched_at"`
}

// Status is where a workload stands in the cache.
type Status string

// The statuses. Only Local and Complete are usable trees.
const (
	// Local: a goroot or dir source whose directory exists.
	Local Status = "local"
	// Missing: a local source whose directory does not exist.
	Missing Status = "missing"
	// Complete: fetched, unpacked and marked.
	Complete Status = "cached"
	// Absent: nothing in the cache.
	Absent Status = "not fetched"
	// Partial: a download was interrupted; fetch continues or restarts it.
	Partial Status = "partial"
	// Stale: fetched from another version of the manifest's source.
	Stale Status = "stale"
)

// State is a workload's status and, when usable, its tree.
type State struct {
	Status Status
	// Root is the tree to analyse (usable states) or where it would be.
	Root   string
	Marker *Marker
	// PartialBytes is the size of an interrupted download.
	PartialBytes int64
	// Detail explains the status in a few words.
	Detail string
}

// Usable reports whether Root may be analysed.
func (s State) Usable() bool { return s.Status == Local || s.Status == Complete }

// String is the status for listings.
func (s State) String() string {
	if s.Detail == "" {
		return string(s.Status)
	}
	return string(s.Status) + " (" + s.Detail + ")"
}

func (c *Cache) treeDir(name string) string    { return filepath.Join(c.Dir, name) }
func (c *Cache) markerPath(name string) string { return filepath.Join(c.Dir, name+".complete") }
func (c *Cache) stagingDir(name string) string { return filepath.Join(c.Dir, name+".partial") }
func (c *Cache) lockPath(name string) string   { return filepath.Join(c.Dir, name+".lock") }

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) getenv(k string) string {
	if c.Getenv == nil {
		return os.Getenv(k)
	}
	return c.Getenv(k)
}

func (c *Cache) tools() toolbox { return toolbox{getenv: c.getenv} }

// localRoot resolves the directory of a goroot or dir source.
func (c *Cache) localRoot(ctx context.Context, m *Manifest) (string, error) {
	switch m.Source.Type {
	case Goroot:
		g, err := c.tools().gorootDir(ctx)
		if err != nil {
			return "", err
		}
		sub := m.Source.Subdir
		if sub == "" {
			sub = "src"
		}
		return filepath.Join(g, sub), nil
	case Dir:
		return c.expandHome(m.Source.Path), nil
	}
	return "", fmt.Errorf("workload %s: source %s is not local", m.Name, m.Source.Type)
}

func (c *Cache) expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok || p == "~" {
		home := c.getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, rest)
	}
	return p
}

// State reports where m stands, without changing anything.
func (c *Cache) State(ctx context.Context, m *Manifest) State {
	if m.Source.Type.Local() {
		root, err := c.localRoot(ctx, m)
		if err != nil {
			return State{Status: Missing, Detail: err.Error()}
		}
		fi, err := os.Stat(root)
		switch {
		case err != nil:
			return State{Status: Missing, Root: root, Detail: root + " does not exist"}
		case !fi.IsDir():
			return State{Status: Missing, Root: root, Detail: root + " is not a directory"}
		}
		return State{Status: Local, Root: root, Detail: root}
	}
	root := c.treeDir(m.Name)
	st := State{Status: Absent, Root: root}
	mk, err := c.readMarker(m.Name)
	if err == nil {
		fi, serr := os.Stat(root)
		switch {
		case serr != nil || !fi.IsDir():
			st.Detail = "marker without tree"
		case mk.Source != m.Source.Key():
			st.Status, st.Marker = Stale, mk
			st.Detail = "fetched from " + mk.Source + "; the manifest now says " + m.Source.Key()
		case mk.Content == "":
			st.Status, st.Marker = Stale, mk
			st.Detail = "unpacked by an older hivebench, without the checks on archive members and without a content fingerprint; fetch again"
		case !artefactsMatch(m, mk):
			st.Status, st.Marker = Stale, mk
			st.Detail = "the manifest pins other artefact checksums"
		default:
			st.Status, st.Marker = Complete, mk
			st.Detail = fmt.Sprintf("%d files, %s, fetched %s", mk.Fingerprint.Files, FormatBytes(mk.Fingerprint.Bytes), mk.FetchedAt.Format("2006-01-02"))
			return st
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		st.Detail = err.Error()
	}
	if n := dirBytes(c.stagingDir(m.Name)); n > 0 && st.Status == Absent {
		st.Status, st.PartialBytes = Partial, n
		st.Detail = FormatBytes(n) + " downloaded; fetch continues or restarts it"
	} else if st.Status == Absent && st.Detail == "" {
		if _, err := os.Stat(root); err == nil {
			st.Detail = "an unfinished tree without marker; fetch replaces it"
		}
	}
	return st
}

// artefactsMatch reports whether every artefact the manifest pins by
// checksum was fetched with that checksum.
func artefactsMatch(m *Manifest, mk *Marker) bool {
	for _, pin := range m.Artefacts {
		if pin.SHA256 == "" {
			continue
		}
		ok := false
		for _, a := range mk.Artefacts {
			if a.File == pin.File && a.SHA256 == pin.SHA256 {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (c *Cache) readMarker(name string) (*Marker, error) {
	f, _, err := regularfile.Open(c.markerPath(name), false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A marker is a few hundred bytes; a bound keeps a corrupt one small.
	data, err := io.ReadAll(io.LimitReader(f, maxMarker+1))
	if err != nil {
		return nil, err
	}
	mk, err := parseMarker(name, data)
	if err != nil {
		return nil, fmt.Errorf("marker %s %v", c.markerPath(name), err)
	}
	return mk, nil
}

// maxMarker bounds the size of NAME.complete.
const maxMarker = 1 << 20

// parseMarker reads NAME.complete's JSON. It trusts nothing: a marker that
// is not exactly one JSON object for workload name, with well-formed
// fingerprints and artefacts, is an error, and the tree it describes is
// not used. The error completes "marker FILE ...".
func parseMarker(name string, data []byte) (*Marker, error) {
	if len(data) > maxMarker {
		return nil, fmt.Errorf("is corrupt: larger than %d bytes", maxMarker)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var mk Marker
	if err := dec.Decode(&mk); err != nil {
		return nil, fmt.Errorf("is corrupt: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("is corrupt: more than one JSON value")
	}
	fp := mk.Fingerprint
	switch {
	case mk.Workload != name:
		return nil, fmt.Errorf("does not describe workload %s", name)
	case !fpHashRE.MatchString(fp.Hash) || fp.Files < 0 || fp.Bytes < 0:
		return nil, fmt.Errorf("is corrupt: its fingerprint is not files, bytes and a sha256 hash")
	case mk.Content != "" && !fpHashRE.MatchString(mk.Content):
		return nil, fmt.Errorf("is corrupt: its content fingerprint %q is not a sha256 hash", mk.Content)
	case fp.Content != "" && fp.Content != mk.Content:
		return nil, fmt.Errorf("is corrupt: its fingerprint's content %q is not its content fingerprint %q", fp.Content, mk.Content)
	}
	mk.Fingerprint.Content = mk.Content
	for _, a := range mk.Artefacts {
		if why := reservedName(a.File); why != "" || a.Size < 0 || (a.SHA256 != "" && !sha256RE.MatchString(a.SHA256)) {
			return nil, fmt.Errorf("is corrupt: artefact %q", a.File)
		}
	}
	return &mk, nil
}

func (c *Cache) writeMarker(name string, mk *Marker) error {
	// The content fingerprint is written once, as Content (the format
	// markers had before results fingerprints carried it); parseMarker
	// puts it back into Fingerprint.
	onDisk := *mk
	onDisk.Fingerprint.Content = ""
	data, err := json.MarshalIndent(&onDisk, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(c.markerPath(name), append(data, '\n'))
}

// Tree is a usable workload tree and its fingerprints.
type Tree struct {
	Manifest *Manifest
	Root     string
	// Fingerprint is harness/results', the one a results file carries:
	// names and sizes of the regular files (Files, Bytes, Hash) and the
	// content fingerprint of every entry (Content).
	Fingerprint results.Fingerprint
	// Content is Fingerprint.Content, the value a manifest pins as
	// fingerprint.content.
	Content string
}

// Tree returns m's usable tree, fingerprinted now: every file of it is
// read, once, for both fingerprints. A workload that is not fetched (or
// only partly, or from another manifest version) is an infrastructure
// error (exit 3) saying to run fetch.
//
// A caller that measures the tree after verifying it (replay) takes the
// Verification's fingerprint rather than calling Tree again: reading
// chromium-150 (5.6 GB) costs tens of seconds.
func (c *Cache) Tree(ctx context.Context, m *Manifest) (*Tree, error) {
	st := c.State(ctx, m)
	if !st.Usable() {
		return nil, notUsable(m, st)
	}
	fp, err := fingerprint(m, st.Root)
	if err != nil {
		return nil, err
	}
	return &Tree{Manifest: m, Root: st.Root, Fingerprint: fp, Content: fp.Content}, nil
}

func notUsable(m *Manifest, st State) error {
	if st.Status == Missing {
		return exitcode.InfraError("workload %s is missing: %s", m.Name, st.Detail)
	}
	return exitcode.InfraError("workload %s is %s; run `hivebench workload fetch %s` first", m.Name, st, m.Name)
}

// fingerprint is results.FingerprintTree (which reads every file) named
// after the workload, not after the directory (GOROOT's is "src"). Only
// Tree calls it: a fetch takes the fingerprint the unpacker computed as it
// wrote the tree, and a replay the one its Verify took.
func fingerprint(m *Manifest, root string) (results.Fingerprint, error) {
	fp, err := results.FingerprintTree(root)
	if err != nil {
		return fp, err
	}
	fp.Name = m.Name
	return fp, nil
}

// dirBytes sums the sizes of the regular files under dir (0 if absent),
// leaving out dot files: the staging directory's own .source key is not a
// download.
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
