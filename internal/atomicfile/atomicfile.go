// Package atomicfile writes a file so that a reader never sees half of it
// and a write that returned nil survives a crash or a power cut.
//
// Every file hivebench leaves behind for someone else (a results file, a
// report, a CI artifact, a textfile for node-exporter, a cache marker) is
// written this way: the bytes go to a temporary file in the destination's
// directory, the temporary file is fsynced, renamed over the destination,
// and the directory is fsynced so that the rename itself is on disk. A
// process killed at any point leaves either the old file or the new one,
// plus at worst a hidden ".NAME.tmp-*" file; never a truncated NAME.
//
// Use Write for bytes already in memory and WriteWith to stream a
// renderer's output:
//
//	err := atomicfile.WriteWith(path, 0o644, func(w io.Writer) error {
//		return reports.WriteRun(w, format, run)
//	})
//
// Errors wrap the *os.PathError of the step that failed, so a caller can
// test errors.Is(err, fs.ErrPermission) or fs.ErrNotExist and choose its
// exit code; an error of the render function is returned as it is.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Write writes data to path atomically and durably with permissions perm
// (not masked by the umask: a file for another user must be readable by
// them, whatever the harness's umask).
func Write(path string, data []byte, perm fs.FileMode) error {
	return WriteWith(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteWith writes what render writes into path atomically and durably
// with permissions perm. When render fails, path is left as it was and the
// temporary file is removed.
func WriteWith(path string, perm fs.FileMode, render func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := render(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Without this, a crash soon after the rename can leave path naming an
	// empty or partial file on filesystems that order metadata before data.
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The rename lives in the directory; until the directory is synced a
	// crash can bring the old file back. From here on path holds the new
	// content, so a failure is reported without removing anything.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("wrote %s, but syncing its directory failed, so the rename may not survive a crash: %w", path, err)
	}
	return nil
}

// The steps are variables so that the package's tests can record their
// order; nothing else changes them.
var (
	syncFile = (*os.File).Sync
	rename   = os.Rename
	syncDir  = syncDirectory
)

// syncDirectory fsyncs dir. Filesystems that cannot sync a directory
// (EINVAL: some network and FUSE filesystems) have no way to make a rename
// durable; there is nothing more to do, so that is not an error.
func syncDirectory(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}
