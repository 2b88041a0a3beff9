package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/buildinfo"
)

// Every command and subcommand answers -h and --help as the tools people
// know do: usage on stdout, nothing on stderr, exit 0.
func TestEveryCommandAnswersHelp(t *testing.T) {
	var paths [][]string
	for _, c := range app.Commands() {
		paths = append(paths, []string{c.Name})
		for _, s := range c.Subcommands {
			paths = append(paths, []string{c.Name, s.Name})
		}
	}
	paths = append(paths, nil) // hive -h itself
	assert.Contains(t, paths, []string{"db", "stats"})
	for _, p := range paths {
		for _, h := range []string{"-h", "--help"} {
			args := append(append([]string{}, p...), h)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				out, stderr, code := run(t, nil, args...)
				assert.Equal(t, 0, code, stderr)
				assert.Empty(t, stderr)
				assert.Contains(t, strings.ToLower(out), "usage")
				assert.NotRegexp(t, `\(default -[0-9]`, out, "a sentinel default shows in the help")
			})
		}
	}
}

func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, code := run(t, nil, args...)
		assert.Equal(t, 0, code)
		assert.Equal(t, buildinfo.Get().Line("hive")+"\n", out)
	}
}

func TestMistypedCommandSuggests(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"anlyze", "."}, `unknown command "anlyze" (did you mean "analyze"?)`},
		{[]string{"serv"}, `(did you mean "serve"?)`},
		{[]string{"db", "stat"}, `unknown subcommand "stat" (did you mean "stats"?)`},
		{[]string{"completion", "fis"}, `(did you mean "fish"?)`},
	}
	for _, c := range cases {
		_, stderr, code := run(t, nil, c.args...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, c.want)
	}
}

// hive completion bash|zsh|fish: each script parses in its shell and
// completes hive's subcommands (the shells are installed by
// ci/test-tools.sh; the kit's own tests drive each one in detail).
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			out, stderr, code := run(t, nil, "completion", shell)
			require.Equal(t, 0, code, stderr)
			for _, word := range []string{"analyze", "vacuum", "files-out"} {
				assert.Contains(t, out, word)
			}
			bin, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("SKIP: %s is not installed; its script was generated but not run (ci/test-tools.sh installs it)", shell)
			}
			script := filepath.Join(t.TempDir(), "hive."+shell)
			require.NoError(t, os.WriteFile(script, []byte(out), 0o644))
			var drv string
			switch shell {
			case "bash":
				drv = "source " + script + "\nCOMP_WORDS=(hive db va); COMP_CWORD=2; _hive; echo \"${COMPREPLY[@]}\""
			case "zsh":
				drv = "_describe() { local a=${@[-1]}; print -rl -- ${(P)a} }; compdef() { : }\nsource " + script + "\nwords=(hive db va); CURRENT=3; _hive"
			case "fish":
				drv = "source " + script + "; complete -C 'hive db va'"
			}
			got, err := exec.Command(bin, "-c", drv).CombinedOutput()
			require.NoError(t, err, "%s", got)
			assert.Contains(t, string(got), "vacuum")
		})
	}
}
