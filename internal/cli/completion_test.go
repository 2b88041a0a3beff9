package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// completionCases are what a user typing the last word should be offered,
// in every shell: the words' completions, or files (the shell's default).
var completionCases = []struct {
	name      string
	words     []string // the last one is the word being completed
	want      []string
	wantFiles bool
}{
	{"command prefix", []string{"t", "fl"}, []string{"flags"}, false},
	{"every command", []string{"t", ""}, []string{"fail", "flags", "help", "ok", "store", "trend", "version"}, false},
	{"top-level flags", []string{"t", "--v"}, []string{"--version"}, false},
	{"subcommand", []string{"t", "store", "s"}, []string{"stats"}, false},
	{"every subcommand", []string{"t", "store", ""}, []string{"help", "path", "stats"}, false},
	{"flag of a subcommand", []string{"t", "store", "stats", "--j"}, []string{"--json"}, false},
	{"flags of a subcommand", []string{"t", "store", "path", "--"}, []string{"--db", "--help"}, false},
	{"value of a flag", []string{"t", "store", "stats", "--db", ""}, nil, true},
	{"value of a single-dash flag", []string{"t", "store", "stats", "-db", ""}, nil, true},
	{"after a boolean flag", []string{"t", "store", "stats", "--json", "--d"}, []string{"--db"}, false},
	{"flags of a group's own run", []string{"t", "trend", "--l"}, []string{"--limit"}, false},
	{"flags of a group's subcommand", []string{"t", "trend", "show", "--"}, []string{"--help", "--limit"}, false},
	{"argument", []string{"t", "flags", "x"}, nil, true},
	{"flag of a command", []string{"t", "flags", "-"}, []string{"--help", "--n"}, false},
}

func script(t *testing.T, shell string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, testApp(new([]string)).Completion(&buf, shell))
	path := filepath.Join(t.TempDir(), "t."+shell)
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// shellPath finds shell or skips, naming the script that installs it.
func shellPath(t *testing.T, shell string) string {
	t.Helper()
	p, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("SKIP: %s is not installed, its completion script is not run (ci/test-tools.sh installs it)", shell)
	}
	return p
}

func runShell(t *testing.T, dir, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=dumb"}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

// filesMarker is the file in the completion's working directory: a shell
// that falls back to file completion offers it.
const filesMarker = "afile.txt"

func offered(t *testing.T, shell string, words []string) (names []string, files bool) {
	t.Helper()
	bin := shellPath(t, shell)
	path := script(t, shell)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, filesMarker), nil, 0o644))
	cur := words[len(words)-1]
	var lines []string
	switch shell {
	case "bash":
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = shQuote(w)
		}
		drv := "source " + shQuote(path) + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
			"\n_t\necho \"n=${#COMPREPLY[@]}\"\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		out := runShell(t, dir, bin, "--norc", "--noprofile", "-c", drv)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		require.NotEmpty(t, lines)
		if lines[0] == "n=0" {
			// complete -o default: bash completes file names.
			return nil, true
		}
		lines = lines[1:]
	case "zsh":
		// Outside a completion widget, _describe and _files are stubs that
		// print what they were given; zsh itself filters by the prefix.
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = shQuote(w)
		}
		drv := "_describe() { local a=${@[-1]}; print -rl -- ${(P)a} }\n_files() { print -r -- " + filesMarker + " }\ncompdef() { : }\n" +
			"source " + shQuote(path) + "\nwords=(" + strings.Join(quoted, " ") + ")\nCURRENT=" + strconv.Itoa(len(words)) + "\n_t\n"
		out := runShell(t, dir, bin, "-f", "-c", drv)
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			name := strings.ReplaceAll(strings.SplitN(strings.ReplaceAll(l, `\:`, "\x00"), ":", 2)[0], "\x00", ":")
			if name == filesMarker || strings.HasPrefix(name, cur) {
				lines = append(lines, name)
			}
		}
	case "fish":
		line := strings.Join(words, " ")
		out := runShell(t, dir, bin, "--no-config", "-c", "source "+fishQuote(path)+"; complete -C "+fishQuote(line))
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if l != "" {
				lines = append(lines, strings.SplitN(l, "\t", 2)[0])
			}
		}
	}
	for _, l := range lines {
		if l == filesMarker {
			files = true
		} else if l != "" {
			names = append(names, l)
		}
	}
	sort.Strings(names)
	return names, files
}

// TestCompletionScripts runs each shell's script in that shell.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range Shells {
		t.Run(shell, func(t *testing.T) {
			for _, c := range completionCases {
				t.Run(c.name, func(t *testing.T) {
					got, files := offered(t, shell, c.words)
					assert.Equal(t, c.want, got, "words %q", c.words)
					assert.Equal(t, c.wantFiles, files, "file completion for %q", c.words)
				})
			}
		})
	}
}

func TestCompletionCommand(t *testing.T) {
	a := testApp(new([]string))
	a.Register(CompletionCommand(a))
	cases := []struct {
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{[]string{"completion", "bash"}, exitcode.OK, "complete -o default -F _t t", ""},
		{[]string{"completion", "zsh"}, exitcode.OK, "#compdef t", ""},
		{[]string{"completion", "fish"}, exitcode.OK, "complete -c t ", ""},
		{[]string{"completion", "-h"}, exitcode.OK, "source <(t completion bash)", ""},
		{[]string{"completion"}, exitcode.Usage, "", "want one shell (bash, zsh or fish)"},
		{[]string{"completion", "bsh"}, exitcode.Usage, "", `unknown shell "bsh" (did you mean "bash"?)`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			err := a.Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, c.args)
			assert.Equal(t, c.wantCode, exitcode.Code(err))
			assert.Contains(t, out.String(), c.wantOut)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}
