package profile

import (
	"os"

	pprof "github.com/google/pprof/profile"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Read parses a pprof file; a file that is not one is a usage error (it may
// be the user's --diff-base) naming it.
func Read(path string) (*pprof.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, exitcode.UsageError("profile %s: %v", path, err)
	}
	defer f.Close()
	p, err := pprof.Parse(f)
	if err != nil {
		return nil, exitcode.UsageError("profile %s is not a pprof profile: %v", path, err)
	}
	return p, nil
}

func write(path string, p *pprof.Profile) error {
	f, err := os.Create(path)
	if err != nil {
		return exitcode.UsageError("write profile %s: %v", path, err)
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return exitcode.InfraError("write profile %s: %v", path, err)
	}
	return f.Close()
}

// checkWritten fails unless every path is a non-empty file.
func checkWritten(paths []string) error {
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			return exitcode.InfraError("hivebench profile: %s was not written by hive; does this binary support the HIVE_* profiling variables (internal/profiling)?", p)
		}
	}
	return nil
}
