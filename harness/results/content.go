package results

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// The content fingerprint (Fingerprint.Content, and what a workload
// manifest pins as fingerprint.content) is a sha256 over one line per entry
// of the tree (the root itself excluded), sorted by path, after a version
// line:
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
// newline or tab or starts with a quote. Unlike Fingerprint.Hash (names and
// sizes of regular files only), a changed byte, a chmod, a new empty
// directory or a device node all change it.
//
// Its bytes are fixed: manifests pin values of it, and results files
// carry it. Another definition needs another version line.

const contentVersion = "hive-tree-content v1\n"

// TreeEntry is one entry of a tree, as the fingerprints see it. A reader of
// a tree (FingerprintTree) and a writer of one (workloads' unpacker, which
// hashes what it writes) make the same entries, so both get the same
// fingerprint without reading the tree twice.
type TreeEntry struct {
	// Path is slash-separated and relative to the root.
	Path string
	// Mode holds the type bits and the permission, setuid, setgid and
	// sticky bits; other bits are not recorded.
	Mode fs.FileMode
	// Size is a regular file's length or a symlink target's length; it is
	// not recorded for other types.
	Size int64
	// Digest is the sha256 of a regular file's bytes or of a symlink's
	// target; it is not recorded for other types.
	Digest [sha256.Size]byte
}

// SymlinkEntry is the entry of a symlink at path to target.
func SymlinkEntry(path, target string) TreeEntry {
	return TreeEntry{Path: path, Mode: fs.ModeSymlink, Size: int64(len(target)), Digest: sha256.Sum256([]byte(target))}
}

// FingerprintEntries returns the fingerprint of the tree made of entries
// (every entry but the root, in any order; they are sorted by path in
// place): Files, Bytes and Hash from its regular files, Content from all of
// them. Name is left for the caller.
func FingerprintEntries(entries []TreeEntry) Fingerprint {
	slices.SortFunc(entries, func(a, b TreeEntry) int { return strings.Compare(a.Path, b.Path) })
	var fp Fingerprint
	names, content := sha256.New(), sha256.New()
	io.WriteString(content, contentVersion)
	for i := range entries {
		e := &entries[i]
		path := encodePath(e.Path)
		if e.Mode.IsRegular() {
			fp.Files++
			fp.Bytes += e.Size
			fmt.Fprintf(names, "%s\t%d\n", path, e.Size)
		}
		kind, mode, size, digest := kindLetter(e.Mode), unixMode(e.Mode), int64(0), "-"
		switch kind {
		case 'f':
			size, digest = e.Size, hex.EncodeToString(e.Digest[:])
		case 'l':
			mode, size, digest = 0, e.Size, hex.EncodeToString(e.Digest[:])
		}
		fmt.Fprintf(content, "%c %04o %d %s %s\n", kind, mode, size, digest, path)
	}
	fp.Hash = "sha256:" + hex.EncodeToString(names.Sum(nil))
	fp.Content = "sha256:" + hex.EncodeToString(content.Sum(nil))
	return fp
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

// kindLetter is the TYPE letter of a mode.
func kindLetter(m fs.FileMode) byte {
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
