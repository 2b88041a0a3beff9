package results

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/hiveperf/hive/internal/buildinfo"
)

// Env is the machine and build a run happened on. Two results files from
// different Envs can still be compared, but a report should say so: a
// different CPU model explains a 20% shift better than any code change.
type Env struct {
	CPUModel   string `json:"cpu_model"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	// Distro is PRETTY_NAME from /etc/os-release, when there is one.
	Distro    string `json:"distro,omitempty"`
	Kernel    string `json:"kernel,omitempty"`
	GoVersion string `json:"go_version"`
	// Commit and Dirty identify the hive code under test. CaptureEnv fills
	// them from this binary's build stamp; a runner that measures a hive
	// binary built elsewhere overwrites them with `hive version --json`.
	Commit string    `json:"commit"`
	Dirty  bool      `json:"dirty"`
	Date   time.Time `json:"date"`
	// HostHash is a prefix of sha256(hostname): enough to tell "same
	// machine" from "another machine" without publishing the hostname.
	HostHash string `json:"host_hash"`
}

// CaptureEnv describes the running machine and build. It never fails: a
// field it cannot read is left empty (or "unknown"), because a missing CPU
// model must not stop a measurement.
func CaptureEnv() Env {
	bi := buildinfo.Get()
	host, _ := os.Hostname()
	return Env{
		CPUModel:   cpuModel("/proc/cpuinfo"),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		Distro:     osRelease("/etc/os-release"),
		Kernel:     firstLine("/proc/sys/kernel/osrelease"),
		GoVersion:  runtime.Version(),
		Commit:     bi.Commit,
		Dirty:      bi.Dirty,
		Date:       time.Now().UTC().Truncate(time.Second),
		HostHash:   HashHostname(host),
	}
}

// ShortCommit is a commit as listings and report headers show it: its first
// 12 characters, or "unknown" when it is empty (a file written by a build
// without a VCS stamp says "unknown" itself; Validate refuses an empty one).
func ShortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	if c == "" {
		return "unknown"
	}
	return c
}

// HashHostname returns the first 12 hex digits of sha256(name), or
// "unknown" for an empty name.
func HashHostname(name string) string {
	if name == "" {
		return "unknown"
	}
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])[:12]
}

// cpuModel reads the CPU model from a /proc/cpuinfo-style file. x86 calls it
// "model name"; arm64 kernels often have only "Hardware" or "CPU part", so
// those are fallbacks.
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	fallback := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name":
			if v != "" {
				return v
			}
		case "Hardware", "CPU part":
			if fallback == "" && v != "" {
				fallback = k + " " + v
			}
		}
	}
	if fallback != "" {
		return fallback
	}
	return "unknown"
}

func osRelease(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

func firstLine(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}
