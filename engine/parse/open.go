package parse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Every file the analyzer reads from a tree is opened by openRegular or
// openDir, never by os.Open. A tree may hold named pipes and devices: an
// open(2) for reading of a pipe without a writer blocks for ever, in a
// goroutine that no context or signal reaches, and a check before the open
// (a stat) can be overtaken by a rename. So the open itself must not block
// (O_NONBLOCK), and the check is made on what was opened (fstat).

// notRegularError is a path that is not what the caller may read.
type notRegularError struct {
	mode fs.FileMode
	want string
}

func (e *notRegularError) Error() string {
	return fmt.Sprintf("not a %s: %s", e.want, kind(e.mode))
}

// kind names a file type the way people do.
func kind(m fs.FileMode) string {
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
	return "irregular file (" + m.Type().String() + ")"
}

// openRegular opens path for reading if it is a regular file (after
// following symlinks) and returns it with its fstat. Anything else is
// closed again and refused with a *notRegularError inside a *fs.PathError.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: &notRegularError{mode: fi.Mode(), want: "regular file"}}
	}
	return f, fi, nil
}

// readDir lists a directory the walk found. Unless it is the root the user
// named, a symlink is refused rather than followed (O_NOFOLLOW): the walk
// does not follow symlinked directories, even one swapped in after the
// listing. O_DIRECTORY refuses anything that is not a directory.
func readDir(path string, root bool) ([]fs.DirEntry, error) {
	flags := os.O_RDONLY | syscall.O_DIRECTORY | syscall.O_NONBLOCK
	if !root {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		if !root && errors.Is(err, syscall.ELOOP) {
			return nil, &fs.PathError{Op: "open", Path: path, Err: &notRegularError{mode: fs.ModeSymlink, want: "directory"}}
		}
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	// The walk promises name order (as os.ReadDir gives).
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}
