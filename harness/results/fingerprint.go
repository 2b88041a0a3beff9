package results

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/hiveperf/hive/internal/regularfile"
)

// Fingerprint identifies the input tree a run measured. Two runs are only
// comparable when their fingerprints describe the same tree: parsing 9,000
// files is not slower than parsing 8,000, it is different, and neither is
// parsing the same names with other bytes in them.
type Fingerprint struct {
	// Name is the workload's name (from its manifest, or the tree's base
	// name).
	Name  string `json:"name"`
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"`
	// Hash is "sha256:" + hex of the sorted "path\tsize\n" lines of the
	// regular files, with paths relative to the root and slash-separated.
	// It sees names and sizes only; Content sees the rest.
	Hash string `json:"hash"`
	// Content is the content fingerprint (content.go): every entry's path,
	// type, mode, size and the sha256 of its bytes. Results files written
	// before it existed have none; SameTree then compares Hash, Files and
	// Bytes alone, and ContentCompared says so.
	Content string `json:"content,omitempty"`
}

// IsZero reports whether no workload was recorded (a suite that measures
// only startup and idle memory has none).
func (fp Fingerprint) IsZero() bool { return fp == Fingerprint{} }

// SameTree reports whether two fingerprints describe the same tree: the
// same files and bytes, the same names and sizes, and, when both carry
// one, the same content fingerprint. When either lacks Content (a results
// file written before contents were fingerprinted), contents are not
// compared: check ContentCompared and say so. The name is not compared:
// renaming a workload does not change what was measured.
func (fp Fingerprint) SameTree(other Fingerprint) bool {
	if fp.Hash != other.Hash || fp.Files != other.Files || fp.Bytes != other.Bytes {
		return false
	}
	return !fp.ContentCompared(other) || fp.Content == other.Content
}

// ContentCompared reports whether SameTree compares the two trees'
// contents, not only their names and sizes: both carry Content.
func (fp Fingerprint) ContentCompared(other Fingerprint) bool {
	return fp.Content != "" && other.Content != ""
}

func (fp Fingerprint) String() string {
	if fp.IsZero() {
		return "no workload"
	}
	s := fmt.Sprintf("%s (%d files, %d bytes, %s", fp.Name, fp.Files, fp.Bytes, shortHash(fp.Hash))
	if fp.Content != "" {
		s += ", content " + shortHash(fp.Content)
	}
	return s + ")"
}

// shortHash is "sha256:" and the first 12 hex digits.
func shortHash(h string) string {
	h = strings.TrimPrefix(h, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return "sha256:" + h
}

// FingerprintTree reads the tree under root and returns its fingerprint,
// named after root's base name. Files, Bytes and Hash count the regular
// files (symlinks and special files are not files of the workload: the
// analyzer does not follow symlinked directories, nor read pipes); Content
// covers every entry. Every regular file is read, GOMAXPROCS at a time;
// nothing that is not a regular file is opened, so a named pipe or device
// in the tree is recorded by type, never read. A root given as a symlink is
// the tree it points to.
//
// Errors: a missing root, or a tree that cannot be read whole (an
// unreadable file, a file swapped for something else while it is read),
// is an infrastructure error (exit 3); a root that is not a directory is a
// usage error (exit 2).
func FingerprintTree(root string) (Fingerprint, error) {
	fi, err := os.Stat(root)
	if err != nil {
		if os.IsNotExist(err) {
			return Fingerprint{}, exitcode.InfraError("workload tree %s does not exist: %v", root, err)
		}
		return Fingerprint{}, exitcode.InfraError("workload tree %s: %v", root, err)
	}
	if !fi.IsDir() {
		return Fingerprint{}, exitcode.UsageError("workload tree %s is not a directory", root)
	}
	name := filepath.Base(filepath.Clean(root))
	if abs, err := filepath.Abs(root); err == nil {
		name = filepath.Base(abs)
	}
	// WalkDir does not descend into a root that is a symlink.
	walkRoot := root
	if r, err := filepath.EvalSymlinks(root); err == nil {
		walkRoot = r
	}
	entries, err := readTree(walkRoot)
	if err != nil {
		return Fingerprint{}, err
	}
	fp := FingerprintEntries(entries)
	fp.Name = name
	return fp, nil
}

// readTree lists the tree under root and reads every regular file of it.
func readTree(root string) ([]TreeEntry, error) {
	var entries []TreeEntry
	var files []int // indexes of the regular files in entries
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := TreeEntry{Path: filepath.ToSlash(rel)}
		switch {
		case d.Type().IsRegular():
			// Its mode comes from the fstat of the open file (hashFile):
			// an lstat here would be one more system call per file.
			files = append(files, len(entries))
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			e = SymlinkEntry(e.Path, target)
		default:
			info, err := d.Info()
			if err != nil {
				return err
			}
			e.Mode = info.Mode()
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, exitcode.InfraError("fingerprint %s: %v", root, err)
	}
	if err := hashFiles(root, entries, files); err != nil {
		return nil, err
	}
	return entries, nil
}

// hashFiles reads the files entries[i] for i in files, GOMAXPROCS at a
// time, and fills in each one's size, digest and (from the open file)
// mode. The first error stops the rest.
func hashFiles(root string, entries []TreeEntry, files []int) error {
	work := make(chan *TreeEntry)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Go(func() {
			buf := make([]byte, 256<<10)
			for e := range work {
				if err := hashFile(filepath.Join(root, filepath.FromSlash(e.Path)), e, buf); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	var err error
feed:
	for _, i := range files {
		select {
		case err = <-errs:
			break feed
		case work <- &entries[i]:
		}
	}
	close(work)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func hashFile(path string, e *TreeEntry, buf []byte) error {
	// The walk saw a regular file; what is opened is checked again, and a
	// symlink or pipe swapped in since is neither followed nor waited on.
	f, fi, err := regularfile.Open(path, false)
	if err != nil {
		return exitcode.InfraError("fingerprint: %s cannot be read as the regular file it was when listed: %v", path, unwrapPath(err))
	}
	defer f.Close()
	// A plain read loop, not io.CopyBuffer: *os.File's WriteTo would
	// take over the copy with a fresh 32 KiB buffer per file.
	h := sha256.New()
	var n int64
	for {
		k, err := f.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return exitcode.InfraError("fingerprint: read %s: %v", path, unwrapPath(err))
		}
	}
	e.Size, e.Mode = n, fi.Mode()
	h.Sum(e.Digest[:0])
	return nil
}

// unwrapPath drops the "op path:" of a *PathError whose path the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// encodePath keeps the line formats unambiguous: a path containing a tab or
// newline (or starting with a quote) is written Go-quoted.
func encodePath(p string) string {
	if strings.ContainsAny(p, "\t\n") || strings.HasPrefix(p, `"`) {
		return strconv.Quote(p)
	}
	return p
}
