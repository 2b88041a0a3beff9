package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hiveperf/hive/internal/atomicfile"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Encode validates f and returns its JSON form (indented, newline-ended, so
// a baseline diff in review is readable). It refuses to encode a file that
// Read would refuse.
func Encode(f *File) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, exitcode.With(exitcode.Usage, err)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, exitcode.InfraError("encode results %s: %v", f.Label(), err)
	}
	return append(data, '\n'), nil
}

// Write writes f to path atomically and durably (internal/atomicfile), so
// a reader (or a CI job uploading the artifact) never sees half a file,
// even when the run is killed mid-write.
func (f *File) Write(path string) error {
	data, err := Encode(f)
	if err != nil {
		return err
	}
	if err := writeAtomic(path, data); err != nil {
		return err
	}
	f.Source = path
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if fi, statErr := os.Stat(dir); statErr != nil {
		if errors.Is(statErr, os.ErrNotExist) {
			return exitcode.UsageError("cannot write results file %s: directory %s does not exist", path, dir)
		}
		return exitcode.InfraError("cannot write results file %s: %v", path, statErr)
	} else if !fi.IsDir() {
		return exitcode.UsageError("cannot write results file %s: %s is not a directory", path, dir)
	}
	if fi, statErr := os.Stat(path); statErr == nil && fi.IsDir() {
		return exitcode.UsageError("cannot write results file %s: it is a directory", path)
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		if errors.Is(err, os.ErrPermission) {
			return exitcode.UsageError("cannot write results file: %v", err)
		}
		return exitcode.InfraError("cannot write results file: %v", err)
	}
	return nil
}

// String is a one-line description for logs and listings.
func (f *File) String() string {
	state := "complete"
	if !f.Complete {
		state = "incomplete: " + f.IncompleteReason
	}
	return fmt.Sprintf("%s: suite %s, %d benchmarks, commit %s, %s, %s", f.Label(), f.Suite, len(f.Benchmarks), f.Env.Commit, f.Env.Date.Format("2006-01-02 15:04 UTC"), state)
}
