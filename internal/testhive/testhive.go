// Package testhive builds the real hive (and hivebench) binaries for tests
// that run them as processes (the harness measures bin/hive, so its tests
// do too). It is only imported by _test.go files.
package testhive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build builds ./cmd/hive of this module, with the FTS5 build tag the
// store needs, into dir and returns the binary's path. The error carries
// the compiler's output.
func Build(dir string) (string, error) { return build(dir, "hive") }

// BuildHivebench builds ./cmd/hivebench into dir, for tests that need the
// harness itself as a process: a real signal, a real closed pipe, a real
// exit code.
func BuildHivebench(dir string) (string, error) { return build(dir, "hivebench") }

func build(dir, cmdName string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD is %q: not inside the hive module", gomod)
	}
	bin := filepath.Join(dir, cmdName)
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/"+cmdName)
	cmd.Dir = filepath.Dir(gomod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %w\n%s", cmdName, err, stderr.String())
	}
	return bin, nil
}

// BuildTinySubject builds harness/subject/testdata/tiny, the smallest real
// subject, into dir and writes a subject file for it there (the one in
// testdata, with dir pointing at the build). It returns the subject file's
// path, for `hivebench run --subject`.
func BuildTinySubject(dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	src := filepath.Join(root, "harness", "subject", "testdata")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "tiny"), "./tiny")
	cmd.Dir = src
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build the tiny subject: %w\n%s", err, stderr.String())
	}
	yml, err := os.ReadFile(filepath.Join(src, "tiny.yaml"))
	if err != nil {
		return "", err
	}
	yml = bytes.Replace(yml, []byte("\ndir: tiny\n"), []byte("\ndir: .\n"), 1)
	path := filepath.Join(dir, "tiny.yaml")
	return path, os.WriteFile(path, yml, 0o644)
}
