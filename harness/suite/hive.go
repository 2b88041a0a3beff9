package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/probe/proc"
	"github.com/hiveperf/hive/internal/exitcode"
)

// HiveInfo is what `hive version --json` says about a binary.
type HiveInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Dirty     bool   `json:"dirty"`
	GoVersion string `json:"go_version"`
}

// HiveVersion runs `BIN version --json`. It doubles as the pre-flight check
// of a binary the harness is about to measure: a path that is missing, not
// executable, or a program that does not start is an infrastructure error
// (exit 3) naming the binary and quoting the last lines of its stderr,
// before any probe spends time on it.
func HiveVersion(ctx context.Context, label, bin string) (*HiveInfo, error) {
	if bin == "" {
		return nil, exitcode.UsageError("%s: no hive binary given; build one with `make build` (bin/hive)", label)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, exitcode.InfraError("%s binary %s: %v", label, bin, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return nil, exitcode.InfraError("%s binary %s: %v; build it with `make build`", label, abs, err)
	case fi.IsDir():
		return nil, exitcode.InfraError("%s binary %s is a directory; want the built hive binary", label, abs)
	case fi.Mode().Perm()&0o111 == 0:
		return nil, exitcode.InfraError("%s binary %s is not executable (mode %v); rebuild it or chmod +x it", label, abs, fi.Mode().Perm())
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out bytes.Buffer
	p, err := proc.Start(ctx, proc.Spec{Path: abs, Args: []string{"version", "--json"}, Stdout: &out, Env: scrubbedEnv()})
	if err != nil {
		return nil, exitcode.InfraError("%s binary %s does not start: %v", label, abs, err)
	}
	if err := p.Wait(ctx); err != nil {
		_ = p.Terminate()
		if ctx.Err() != nil {
			return nil, stopped(ctx, exitcode.InfraError("%s binary %s: `version --json` did not finish within a minute", label, abs))
		}
		return nil, exitcode.InfraError("%s binary %s: `version --json` failed (%v)%s", label, abs, err, tailOf(p))
	}
	var info HiveInfo
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || info.Version == "" {
		return nil, exitcode.InfraError("%s binary %s: `version --json` printed %q, not hive's version JSON; is it a hive binary?%s",
			label, abs, truncate(out.String(), 200), tailOf(p))
	}
	return &info, nil
}

// tailOf formats a process's stderr tail for an error message.
func tailOf(p *proc.Process) string {
	t := strings.TrimSpace(p.Tail())
	if t == "" {
		return " (its stderr was empty)"
	}
	return "\nlast lines of its stderr:\n  " + strings.ReplaceAll(t, "\n", "\n  ")
}

// scrubbedEnv is the harness's environment without HIVE_* variables, so a
// user's profiling or database settings never reach a measured binary.
func scrubbedEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HIVE_") || strings.HasPrefix(kv, "OPENROUTER_API_KEY=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Label is a binary's identity in one line, for reports.
func (h *HiveInfo) Label() string {
	if h == nil {
		return "unknown"
	}
	d := ""
	if h.Dirty {
		d = "-dirty"
	}
	c := h.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("hive %s (commit %s%s)", h.Version, c, d)
}
