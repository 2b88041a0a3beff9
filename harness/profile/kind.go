package profile

import (
	"strings"

	"github.com/hiveperf/hive/internal/profiling"
)

// Kind is one profile hive can write.
type Kind struct {
	Name string // cpu, fgprof, heap, allocs, mutex, block
	Env  string // internal/profiling variable that makes the binary write it
	Path string // /debug/ path on hive serve ("": only through Env)
}

// Kinds are the profiles hive can write, in the order they are captured.
var Kinds = []Kind{
	{"cpu", profiling.EnvCPU, "/debug/pprof/profile"},
	{"fgprof", profiling.EnvFgprof, "/debug/fgprof"},
	{"heap", profiling.EnvHeap, "/debug/pprof/heap"},
	{"allocs", profiling.EnvAllocs, "/debug/pprof/allocs"},
	// The server sets no mutex or block rate itself; the env variables
	// set it at start and write the profile at exit.
	{"mutex", profiling.EnvMutex, ""},
	{"block", profiling.EnvBlock, ""},
}

// DefaultKinds are captured when Options.Kinds is empty: cpu and fgprof.
var DefaultKinds = []Kind{Kinds[0], Kinds[1]}

func hasKind(kinds []Kind, name string) bool {
	for _, k := range kinds {
		if k.Name == name {
			return true
		}
	}
	return false
}

func kindNames(kinds []Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}
