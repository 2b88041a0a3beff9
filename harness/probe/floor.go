package probe

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// helloWorld is the program of startup.floor: what every Go binary pays
// to start and exit, and nothing else.
const helloWorld = `package main

import "os"

func main() { os.Stdout.WriteString("hello\n") }
`

// buildFloor builds the hello-world of startup.floor into dir with the Go
// toolchain that built bin (read from its build info), so that the floor
// carries the same runtime as hive; a bin without build info (another
// implementation) gets the local toolchain. Without a Go toolchain the
// floor cannot be measured, and that is an error, not a missing row.
func buildFloor(ctx context.Context, bin, dir string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", exitcode.InfraError("probe startup: startup.floor builds a Go hello-world and needs the go command on PATH: %v", err)
	}
	toolchain := "local"
	if bi, err := buildinfo.ReadFile(bin); err == nil {
		toolchain = bi.GoVersion
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", exitcode.InfraError("probe startup: %v", err)
	}
	for name, body := range map[string]string{"go.mod": "module hellofloor\n\ngo 1.21\n", "main.go": helloWorld} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return "", exitcode.InfraError("probe startup: %v", err)
		}
	}
	out := filepath.Join(dir, "hello")
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	// GOTOOLCHAIN picks hive's own toolchain (the go command fetches it
	// when the local one differs); GOFLAGS of the user's would change
	// what is built.
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", exitcode.InfraError("probe startup: building the startup.floor hello-world with GOTOOLCHAIN=%s: %v: %s", toolchain, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
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

// String lists the packages, slowest first would hide the order: in init
// order, as the runtime ran them.
func (t *InitTrace) String() string {
	var b strings.Builder
	for _, p := range t.Packages {
		fmt.Fprintf(&b, "%s %.3f ms\n", p.Package, p.ClockMS)
	}
	return b.String()
}
