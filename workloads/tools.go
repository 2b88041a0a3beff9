package workloads

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

// installHint says how to get each external tool on Debian, the distribution
// hive's machines run; the message is what a user needs, not a package name
// alone.
var installHint = map[string]string{
	"apt-get":  "apt-get comes with Debian and Ubuntu; elsewhere fetch the tree by hand and describe it with a dir manifest",
	"dpkg-deb": "install it with `apt-get install dpkg`",
	"npm":      "install Node.js and npm, e.g. `apt-get install npm`",
	"tar":      "install it with `apt-get install tar`",
	"xz":       "install it with `apt-get install xz-utils`",
	"gzip":     "install it with `apt-get install gzip`",
	"bzip2":    "install it with `apt-get install bzip2`",
	"go":       "install Go, e.g. `apt-get install golang-go`, or set GOROOT",
}

// toolbox finds and runs external tools with the PATH of the caller's
// environment (not necessarily the process's: tests pass an empty one).
type toolbox struct {
	getenv func(string) string
}

// look returns the absolute path of a tool, or an infrastructure error
// (exit 3) naming it and saying what to install.
func (t toolbox) look(name, why string) (string, error) {
	path := t.getenv("PATH")
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue // an empty element would mean ".", which exec refuses too
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	hint := installHint[name]
	if hint == "" {
		hint = "install it"
	}
	return "", exitcode.InfraError("%s needs the tool %q, which is not on PATH (%q): %s", why, name, path, hint)
}

// need checks several tools at once, so a user installs everything missing
// in one go; the error names the first missing tool first.
func (t toolbox) need(why string, names ...string) (map[string]string, error) {
	found := map[string]string{}
	var missing []string
	var first error
	for _, n := range names {
		p, err := t.look(n, why)
		if err != nil {
			if first == nil {
				first = err
			}
			missing = append(missing, n)
			continue
		}
		found[n] = p
	}
	if len(missing) > 1 {
		quoted := make([]string, 0, len(missing))
		hints := make([]string, 0, len(missing))
		for _, n := range missing {
			quoted = append(quoted, strconv.Quote(n))
			hints = append(hints, n+": "+installHint[n])
		}
		return nil, exitcode.InfraError("%s needs the tools %s, which are not on PATH (%q): %s", why, strings.Join(quoted, ", "), t.getenv("PATH"), strings.Join(hints, "; "))
	}
	return found, first
}

// environ is the process environment with PATH replaced by the caller's,
// so a child finds the same tools we checked for.
func (t toolbox) environ() []string {
	out := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return append(out, "PATH="+t.getenv("PATH"))
}

// command prepares a tool run in dir. Output is captured, not shown: apt
// and npm are chatty and our own progress line says what is happening; the
// captured text goes into the error when the tool fails.
func (t toolbox) command(ctx context.Context, dir, path string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = t.environ()
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	return cmd, &out, &errb
}

// run runs a tool to completion and returns its stdout; a failure is an
// infrastructure error with the tool's last words.
func (t toolbox) run(ctx context.Context, dir, path string, args ...string) (string, string, error) {
	cmd, out, errb := t.command(ctx, dir, path, args...)
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			return out.String(), errb.String(), ctx.Err()
		}
		return out.String(), errb.String(), toolError(path, args, err, errb.String()+out.String())
	}
	return out.String(), errb.String(), nil
}

func toolError(path string, args []string, err error, output string) error {
	return exitcode.InfraError("%s %s failed (%v): %s", filepath.Base(path), strings.Join(args, " "), err, cli.LastLines(output, 6))
}

// pipeInto runs a tool that reads r on its stdin (tar -x from a stream).
func (t toolbox) pipeInto(ctx context.Context, r io.Reader, dir, path string, args ...string) error {
	cmd, out, errb := t.command(ctx, dir, path, args...)
	cmd.Stdin = r
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return toolError(path, args, err, errb.String()+out.String())
	}
	return nil
}

// gorootDir returns GOROOT: $GOROOT if set, else `go env GOROOT`.
func (t toolbox) gorootDir(ctx context.Context) (string, error) {
	if g := t.getenv("GOROOT"); g != "" {
		return g, nil
	}
	goBin, err := t.look("go", "the goroot source (to find GOROOT)")
	if err != nil {
		return "", err
	}
	out, _, err := t.run(ctx, "", goBin, "env", "GOROOT")
	if err != nil {
		return "", err
	}
	g := strings.TrimSpace(out)
	if g == "" {
		return "", exitcode.InfraError("`go env GOROOT` printed nothing; set GOROOT")
	}
	return g, nil
}

// describeSize is "12.3 MB" or "unknown size".
func describeSize(n int64) string {
	if n <= 0 {
		return "unknown size"
	}
	return FormatBytes(n)
}
