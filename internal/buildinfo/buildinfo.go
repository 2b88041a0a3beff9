// Package buildinfo says which build of hive is running: version, commit,
// dirty flag and Go version. Version and Commit are set by the Makefile with
// -ldflags "-X"; when they are not, the VCS stamp that the go command embeds
// (debug.ReadBuildInfo) is used, so a plain `go build` still reports a commit.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at link time: -X github.com/hiveperf/hive/internal/buildinfo.Version=...
var (
	Version = "dev"
	Commit  = ""
	Dirty   = ""
)

// Info is the identity of the running binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Dirty     bool   `json:"dirty"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

// Get returns the build identity.
func Get() Info {
	info := Info{
		Version:   Version,
		Commit:    Commit,
		Dirty:     Dirty == "true",
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
	}
	if info.Commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					info.Commit = s.Value
				case "vcs.modified":
					info.Dirty = s.Value == "true"
				}
			}
		}
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// String is the one-line form printed by `hive version`.
func (i Info) String() string { return i.Line("hive") }

// Line is the one-line form printed by `NAME version`: both binaries are
// built from one module, so they report the same fields.
func (i Info) Line(name string) string {
	dirty := ""
	if i.Dirty {
		dirty = "-dirty"
	}
	return fmt.Sprintf("%s %s (commit %s%s, %s, %s/%s)", name, i.Version, i.Commit, dirty, i.GoVersion, i.OS, i.Arch)
}
