package probe

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/hiveperf/hive/internal/exitcode"
)

// helloWorld is the program of startup.floor: what every Go binary pays
// to start and exit, and nothing else.
const helloWorld = `package main

import "os"

func main() { os.Stdout.WriteString("hello\n") }
`

// FloorBinary returns the hello-world of startup.floor for the Go toolchain
// that built bin (read from its build info), building it on first use, so
// that the floor carries the same runtime as hive; a bin without build info
// (another implementation, or a script around hive) gets the toolchain that
// built the harness. The binary is kept in
// the user's cache directory (hive/floor/TOOLCHAIN-GOOS-GOARCH), and
// remembered by the process, so that a gate's time budget is not spent on
// a build. Without a Go toolchain the floor cannot be measured, and that is
// an error, not a missing row.
func FloorBinary(ctx context.Context, bin string) (string, error) {
	toolchain := runtime.Version()
	if bi, err := buildinfo.ReadFile(bin); err == nil {
		toolchain = bi.GoVersion
	}
	floors.mu.Lock()
	defer floors.mu.Unlock()
	if p, ok := floors.built[toolchain]; ok {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	dir, err := floorDir(toolchain)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "hello")
	if fi, err := os.Stat(out); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o100 != 0 {
		floors.built[toolchain] = out
		return out, nil
	}
	if err := buildFloor(ctx, toolchain, dir, out); err != nil {
		return "", err
	}
	floors.built[toolchain] = out
	return out, nil
}

var floors = struct {
	mu    sync.Mutex
	built map[string]string
}{built: map[string]string{}}

// floorDir is where the floor of toolchain is kept: the user's cache, or a
// temporary directory when there is none.
func floorDir(toolchain string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "hive", "floor", toolchain+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", exitcode.InfraError("probe startup: the startup.floor cache: %v", err)
	}
	return dir, nil
}

// buildFloor builds the hello-world into out with GOTOOLCHAIN=toolchain, in
// a scratch directory under dir, and renames it into place: processes that
// build at once each get a whole binary.
func buildFloor(ctx context.Context, toolchain, dir, out string) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return exitcode.InfraError("probe startup: startup.floor builds a Go hello-world and needs the go command on PATH: %v", err)
	}
	src, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return exitcode.InfraError("probe startup: %v", err)
	}
	defer os.RemoveAll(src)
	for name, body := range map[string]string{"go.mod": "module hellofloor\n\ngo 1.21\n", "main.go": helloWorld} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			return exitcode.InfraError("probe startup: %v", err)
		}
	}
	tmp := filepath.Join(src, "hello")
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = src
	// GOTOOLCHAIN picks hive's own toolchain (the go command fetches it
	// when the local one differs); GOFLAGS of the user's would change
	// what is built.
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return exitcode.InfraError("probe startup: building the startup.floor hello-world with GOTOOLCHAIN=%s: %v: %s", toolchain, err, strings.TrimSpace(stderr.String()))
	}
	if err := os.Rename(tmp, out); err != nil {
		return exitcode.InfraError("probe startup: %v", err)
	}
	return nil
}

// InitTrace collects the lines GODEBUG=inittrace=1 prints, one per
// package init:
//
//	init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
type InitTrace struct {
	Packages []PackageInit
}

// PackageInit is one package's init: its clock time in ms.
type PackageInit struct {
	Package string
	ClockMS float64
}

var initLineRE = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, `)

// Line takes one stderr line; lines that are not init traces are ignored.
func (t *InitTrace) Line(line string) {
	m := initLineRE.FindStringSubmatch(line)
	if m == nil {
		return
	}
	v, err := strconv.ParseFloat(m[2], 64)
	if err != nil {
		return
	}
	t.Packages = append(t.Packages, PackageInit{Package: m[1], ClockMS: v})
}

// Total is the sum of the packages' clock times, in ms.
func (t *InitTrace) Total() float64 {
	var sum float64
	for _, p := range t.Packages {
		sum += p.ClockMS
	}
	return sum
}
