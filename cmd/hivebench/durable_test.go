package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file hivebench leaves for others is written durably: the temporary
// file is fsynced before it is renamed into place, and the directory after
// (internal/atomicfile). Only the system calls show that, so the test runs
// the built hivebench under strace.
func TestOutputFilesAreSyncedBeforeAndAfterTheRename(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed: the order of fsync and rename cannot be observed")
	}
	results := testRun(t)
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		files []string // written atomically, relative to dir
	}{
		{"report --out", []string{"report", "--tier", "", "--format", "html", "--out", filepath.Join(dir, "run.html"), results}, []string{"run.html"}},
		{"load --report and --out", []string{"load", "--target", refusedTarget(t), "--users", "1", "--think", "20ms", "--duration", "200ms",
			"--report", filepath.Join(dir, "load.json"), "--out", filepath.Join(dir, "load-results.json")}, []string{"load.json", "load-results.json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			trace := filepath.Join(t.TempDir(), "trace")
			args := append([]string{"-f", "-y", "-s", "4096", "-o", trace, "-e", "trace=fsync,rename,renameat,renameat2", needHivebench(t)}, c.args...)
			out, _ := exec.Command(strace, args...).CombinedOutput()
			data, err := os.ReadFile(trace)
			if err != nil || strings.Contains(string(out), "PTRACE_TRACEME") || strings.Contains(string(out), "Operation not permitted") {
				t.Skipf("strace cannot trace here: %v %s", err, out)
			}
			lines := strings.Split(string(data), "\n")
			for _, name := range c.files {
				final := filepath.Join(dir, name)
				tmp := regexp.QuoteMeta(filepath.Join(dir, "."+name+".tmp-")) + `\d+`
				syncTmp := regexp.MustCompile(`fsync\(\d+<` + tmp + `>`)
				renamed := regexp.MustCompile(`rename(at2?)?\(.*"` + tmp + `".*"` + regexp.QuoteMeta(final) + `"`)
				syncDir := regexp.MustCompile(`fsync\(\d+<` + regexp.QuoteMeta(dir) + `>`)
				i, j, k := index(lines, syncTmp, 0), -1, -1
				if i >= 0 {
					j = index(lines, renamed, i)
				}
				if j >= 0 {
					k = index(lines, syncDir, j)
				}
				assert.True(t, i >= 0 && j > i && k > j, "%s: want fsync of the temporary file (line %d), then the rename (line %d), then fsync of %s (line %d); trace:\n%s\noutput:\n%s",
					name, i, j, dir, k, data, out)
				_, err := os.Stat(final)
				require.NoError(t, err)
			}
		})
	}
}

// index is the first line at or after from that re matches, or -1.
func index(lines []string, re *regexp.Regexp, from int) int {
	for i := from; i < len(lines); i++ {
		if re.MatchString(lines[i]) {
			return i
		}
	}
	return -1
}
