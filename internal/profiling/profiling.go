// Package profiling lets any hive command write pprof and fgprof profiles of
// itself, chosen by environment variables, so the harness can profile a CLI
// run (hive analyze over a tree) from outside without each command growing
// its own flags. A server is profiled over HTTP instead (/debug/pprof/,
// /debug/fgprof on hive serve).
//
//	HIVE_CPUPROFILE=FILE    on-CPU profile (runtime/pprof) for the whole command
//	HIVE_FGPROF=FILE        wall-clock profile (felixge/fgprof): on- and off-CPU time
//	HIVE_HEAPPROFILE=FILE   heap profile written when the command ends
//	HIVE_ALLOCSPROFILE=FILE allocs profile written when the command ends
//	HIVE_MUTEXPROFILE=FILE  mutex contention (fraction 1/5) written at the end
//	HIVE_BLOCKPROFILE=FILE  blocking events (rate 10µs) written at the end
//
// A profile that cannot be started or written is reported on stderr and the
// command still runs: a profiling mistake never costs a user the result.
package profiling

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/felixge/fgprof"
)

// Env variable names.
const (
	EnvCPU    = "HIVE_CPUPROFILE"
	EnvFgprof = "HIVE_FGPROF"
	EnvHeap   = "HIVE_HEAPPROFILE"
	EnvAllocs = "HIVE_ALLOCSPROFILE"
	EnvMutex  = "HIVE_MUTEXPROFILE"
	EnvBlock  = "HIVE_BLOCKPROFILE"
)

// Start begins the profiles that getenv asks for and returns the function
// that stops them and writes the end-of-run ones. With none asked it costs
// nothing.
func Start(getenv func(string) string, stderr io.Writer) (stop func()) {
	var stops []func() error
	warn := func(err error) {
		if err != nil {
			fmt.Fprintf(stderr, "hive: profiling: %v\n", err)
		}
	}
	if path := getenv(EnvCPU); path != "" {
		f, err := os.Create(path)
		if err == nil {
			if err = pprof.StartCPUProfile(f); err == nil {
				stops = append(stops, func() error { pprof.StopCPUProfile(); return f.Close() })
			} else {
				f.Close()
			}
		}
		warn(wrap(EnvCPU, path, err))
	}
	if path := getenv(EnvFgprof); path != "" {
		f, err := os.Create(path)
		if err == nil {
			stopFg := fgprof.Start(f, fgprof.FormatPprof)
			stops = append(stops, func() error { return errors.Join(stopFg(), f.Close()) })
		}
		warn(wrap(EnvFgprof, path, err))
	}
	if getenv(EnvMutex) != "" {
		runtime.SetMutexProfileFraction(5)
	}
	if getenv(EnvBlock) != "" {
		runtime.SetBlockProfileRate(10_000)
	}
	for _, p := range []struct{ env, name string }{{EnvHeap, "heap"}, {EnvAllocs, "allocs"}, {EnvMutex, "mutex"}, {EnvBlock, "block"}} {
		if path := getenv(p.env); path != "" {
			stops = append(stops, func() error {
				if p.name == "heap" {
					runtime.GC() // up-to-date live-heap statistics
				}
				return wrap(p.env, path, writeLookup(p.name, path))
			})
		}
	}
	return func() {
		for _, s := range stops {
			warn(s())
		}
	}
}

func writeLookup(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.Lookup(name).WriteTo(f, 0), f.Close())
}

func wrap(env, path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s=%s: %w", env, path, err)
}
