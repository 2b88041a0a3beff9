package workloads

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/hiveperf/hive/engine/exitcode"
)

// The content fingerprint is what a manifest pins as fingerprint.content
// and NAME.complete records: a sha256 over one line per entry of the tree
// (the root itself excluded), sorted by path, after a version line:
//
//	hive-tree-content v1
//	TYPE MODE SIZE DIGEST PATH
//
// TYPE is f (regular file), d (directory), l (symlink), or p, c, b, s, ?
// for a named pipe, character device, block device, socket or anything
// else. MODE is the permission bits with setuid, setgid and sticky, in
// four octal digits (a symlink's is 0000: Linux has no modes for links).
// SIZE is a file's length in bytes, a symlink's target's length, else 0.
// DIGEST is the sha256 of a file's bytes or of a symlink's target, else -.
// PATH is slash-separated and relative to the root, Go-quoted if it holds a
// newline or tab or starts with a quote. Unlike harness/results'
// fingerprint (names and sizes of regular files only), a changed byte, a
// chmod, a new empty directory or a device node all change it.
//
// A fetch computes it while unpacking, from the bytes as they are written
// (no second read of the tree); verify, and a local source, read the tree.

const contentVersion = "hive-tree-content v1\n"

// entry is one line of the content fingerprint.
type entry struct {
	path   string
	kind   byte
	mode   fs.FileMode // permission and special bits only
	size   int64
	digest *[sha256.Size]byte // nil: "-"
}

func (e *entry) line(w io.Writer) {
	d := "-"
	if e.digest != nil {
		d = hex.EncodeToString(e.digest[:])
	}
	fmt.Fprintf(w, "%c %04o %d %s %s\n", e.kind, unixMode(e.mode), e.size, d, encodePath(e.path))
}

// contentHash hashes entries (in any order; they are sorted here).
func contentHash(entries []*entry) string {
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	h := sha256.New()
	io.WriteString(h, contentVersion)
	for _, e := range entries {
		e.line(h)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// unixMode turns Go's mode bits into the octal a Unix user reads.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		u |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		u |= 0o1000
	}
	return u
}

// modeBits keeps what the fingerprint records of a mode.
func modeBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

// kindOf is the TYPE letter of a mode.
func kindOf(m fs.FileMode) byte {
	switch {
	case m.IsRegular():
		return 'f'
	case m.IsDir():
		return 'd'
	case m&fs.ModeSymlink != 0:
		return 'l'
	case m&fs.ModeNamedPipe != 0:
		return 'p'
	case m&fs.ModeCharDevice != 0:
		return 'c'
	case m&fs.ModeDevice != 0:
		return 'b'
	case m&fs.ModeSocket != 0:
		return 's'
	}
	return '?'
}

// encodePath keeps the line format unambiguous, as harness/results does.
func encodePath(p string) string {
	if strings.ContainsAny(p, "\t\n") || strings.HasPrefix(p, `"`) {
		return strconv.Quote(p)
	}
	return p
}

func digestOf(h hash.Hash) *[sha256.Size]byte {
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return &d
}

// ContentHash reads the tree under root and returns its content
// fingerprint. Every regular file is read (in parallel); nothing that is
// not a regular file is opened, so a named pipe or device in the tree is
// recorded by type, never read. A tree that changes while it is read is an
// infrastructure error.
func ContentHash(root string) (string, error) {
	// A root given as a symlink (a dir source) is the tree it points to;
	// WalkDir would not descend into it.
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	var entries []*entry
	var files []*entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := &entry{path: filepath.ToSlash(rel), kind: kindOf(info.Mode()), mode: modeBits(info.Mode())}
		switch e.kind {
		case 'f':
			files = append(files, e)
		case 'l':
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			e.mode = 0
			e.size = int64(len(target))
			sum := sha256.Sum256([]byte(target))
			e.digest = &sum
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return "", exitcode.InfraError("content fingerprint of %s: %v", root, err)
	}
	if err := hashFiles(root, files); err != nil {
		return "", err
	}
	return contentHash(entries), nil
}

// hashFiles reads each file once, GOMAXPROCS at a time, filling in its
// size, digest and (from the open file) mode.
func hashFiles(root string, files []*entry) error {
	work := make(chan *entry)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for e := range work {
				if err := hashFile(filepath.Join(root, filepath.FromSlash(e.path)), e, buf); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, e := range files {
		select {
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		case work <- e:
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func hashFile(path string, e *entry, buf []byte) error {
	// The walk saw a regular file; what is opened is checked again, and a
	// symlink or pipe swapped in since is neither followed nor waited on.
	f, fi, err := openRegular(path, false)
	if err != nil {
		return exitcode.InfraError("content fingerprint: %s changed while it was read: %v", path, unwrapPath(err))
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, buf)
	if err != nil {
		return exitcode.InfraError("content fingerprint: read %s: %v", path, unwrapPath(err))
	}
	e.size, e.digest, e.mode = n, digestOf(h), modeBits(fi.Mode())
	return nil
}

// openRegular opens path for reading only if it is a regular file, checked
// on the opened file (fstat), not before: a named pipe would block open(2)
// for reading until a writer came, so the open does not block (O_NONBLOCK);
// and with follow false a symlink is not followed (O_NOFOLLOW).
func openRegular(path string, follow bool) (*os.File, fs.FileInfo, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		if !follow && errors.Is(err, syscall.ELOOP) {
			return nil, nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("is a symbolic link, not a regular file")}
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("not a regular file but a %s", describeKind(fi.Mode()))}
	}
	return f, fi, nil
}

// readRegular reads a small file (at most max bytes) that must be a
// regular file, opened as openRegular opens it.
func readRegular(path string, follow bool, max int64) ([]byte, error) {
	f, _, err := openRegular(path, follow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %s", FormatBytes(max))}
	}
	return data, nil
}

// describeKind names a file type for messages.
func describeKind(m fs.FileMode) string {
	switch kindOf(m) {
	case 'f':
		return "regular file"
	case 'd':
		return "directory"
	case 'l':
		return "symbolic link"
	case 'p':
		return "named pipe"
	case 'c':
		return "character device"
	case 'b':
		return "block device"
	case 's':
		return "socket"
	}
	return "file of type " + m.Type().String()
}
