package reports

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/hiveperf/hive/internal/atomicfile"
	"github.com/hiveperf/hive/internal/exitcode"
)

// WriteFile renders into the file at path, atomically and durably
// (internal/atomicfile), so that a CI artifact is never half a report. A
// directory that does not exist or a file that may not be written is a
// usage error; an error of render is returned as it is.
func WriteFile(path string, render func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return exitcode.UsageError("cannot write %s: directory %s does not exist", path, dir)
	}
	var renderErr error
	err := atomicfile.WriteWith(path, 0o644, func(w io.Writer) error {
		renderErr = render(w)
		return renderErr
	})
	switch {
	case err == nil:
		return nil
	case renderErr != nil:
		return renderErr
	case errors.Is(err, os.ErrPermission):
		return exitcode.UsageError("cannot %v", err)
	}
	return exitcode.InfraError("%v", err)
}
