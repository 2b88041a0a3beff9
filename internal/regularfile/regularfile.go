// Package regularfile opens the files and directories of a tree that hive
// does not control (a source tree to analyse, a workload's tree, a cache
// someone else can write to) so that opening one never hangs and never
// follows what it was not asked to follow.
//
// Why a package: a tree may hold named pipes and devices. An open(2) for
// reading of a named pipe without a writer blocks for ever, in a goroutine
// that no context or signal reaches (SIGTERM cannot stop `hive analyze`
// stuck there). A check before the open (a stat) does not help: the file can
// be renamed over between the check and the open. So the open itself must
// not block (O_NONBLOCK, which changes nothing for reading a regular file or
// listing a directory), and the type is checked on what was opened (fstat),
// after the open. engine/parse (the analyzer), workloads (manifests, the
// cache, unpacking) and harness/results (the workload fingerprint, which
// reads every file of a tree) all need exactly this; one copy keeps them from
// drifting apart.
//
//	f, fi, err := regularfile.Open(path, false) // a symlink at path is refused
//	var te *regularfile.TypeError
//	if errors.As(err, &te) { /* a pipe, a device, a directory, a symlink: te.Error() says which */ }
//
// Errors are *fs.PathError naming the path; a file of the wrong type has a
// *TypeError inside.
package regularfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
)

// TypeError is a path that is not the type of file the caller may read.
type TypeError struct {
	// Want is what was asked for: "regular file" or "directory".
	Want string
	// Mode is what was there (its type bits; fs.ModeSymlink for a symlink
	// that was not followed).
	Mode fs.FileMode
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("not a %s: %s", e.Want, Kind(e.Mode))
}

// Kind names a file type the way people do: "regular file", "directory",
// "symbolic link", "named pipe", "character device", "block device",
// "socket".
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "regular file"
	}
	return "file of type " + m.Type().String()
}

// Open opens path for reading if it is a regular file and returns it with
// its fstat. With follow false a symlink at path is refused (O_NOFOLLOW), not
// followed; with follow true it is followed and what it leads to is checked.
// Anything that is not a regular file is closed again and refused with a
// *TypeError inside a *fs.PathError.
func Open(path string, follow bool) (*os.File, fs.FileInfo, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, nil, symlinkRefused(err, path, follow, "regular file")
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: &TypeError{Want: "regular file", Mode: fi.Mode().Type()}}
	}
	return f, fi, nil
}

// ReadDir lists the directory at path in name order (as os.ReadDir does).
// With follow false a symlink at path is refused rather than followed, so
// a walk that does not follow symlinked directories does not follow one
// swapped in after the listing that showed a directory. Anything that is
// not a directory is refused by the open itself (O_DIRECTORY): ENOTDIR,
// which is also what Linux answers for a symlink not followed (O_NOFOLLOW
// with O_DIRECTORY); a system that answers ELOOP gets a TypeError. On an
// error part-way, what was listed is returned with it.
func ReadDir(path string, follow bool) ([]fs.DirEntry, error) {
	flags := os.O_RDONLY | syscall.O_DIRECTORY | syscall.O_NONBLOCK
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, symlinkRefused(err, path, follow, "directory")
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// symlinkRefused turns the ELOOP of an O_NOFOLLOW open of a symlink into a
// TypeError that says so; other errors are returned as they are.
func symlinkRefused(err error, path string, follow bool, want string) error {
	if !follow && errors.Is(err, syscall.ELOOP) {
		return &fs.PathError{Op: "open", Path: path, Err: &TypeError{Want: want, Mode: fs.ModeSymlink}}
	}
	return err
}
