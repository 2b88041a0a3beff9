package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/buildinfo"
	"github.com/hiveperf/hive/reports"
)

// The commands with subcommands answer -h, -help, --help and help where the
// subcommand would be as the top level does: usage on stdout, exit 0.
func TestSubcommandHelp(t *testing.T) {
	for _, cmd := range []string{"baseline", "history", "workload"} {
		for _, h := range []string{"-h", "-help", "--help", "help"} {
			t.Run(cmd+" "+h, func(t *testing.T) {
				out, stderr, code := run(t, cmd, h)
				assert.Equal(t, 0, code, stderr)
				assert.Empty(t, stderr)
				assert.Contains(t, out, "hivebench "+cmd+" ")
			})
		}
	}
}

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
	paths = append(paths, nil)
	assert.Contains(t, paths, []string{"baseline", "save"})
	for _, p := range paths {
		for _, h := range []string{"-h", "--help"} {
			args := append(append([]string{}, p...), h)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				out, stderr, code := run(t, args...)
				assert.Equal(t, 0, code, stderr)
				assert.Empty(t, stderr)
				assert.Contains(t, strings.ToLower(out), "usage")
				assert.NotRegexp(t, `\(default -[0-9]`, out, "a sentinel default shows in the help")
			})
		}
	}
}

// flagHelp is the usage of one flag in a command's -h output.
func flagHelp(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, stderr, code := run(t, append(args, "-h")...)
	require.Equal(t, 0, code, stderr)
	_, after, found := strings.Cut(out, "\n  -"+name+" ")
	require.True(t, found, "%v -h has no -%s", args, name)
	usage, _, _ := strings.Cut(after, "\n  -")
	return usage
}

// Every --format that takes a report format lists every one of them.
func TestFormatHelpListsEveryFormat(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"compare"}, {"report"}, {"baseline", "show"}} {
		usage := flagHelp(t, "format", args...)
		for _, f := range reports.Formats {
			assert.Contains(t, usage, string(f), "%v --format", args)
		}
	}
}

// hivebench version reports the same fields as hive version --json.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, code := run(t, args...)
		assert.Equal(t, 0, code)
		assert.Equal(t, buildinfo.Get().Line("hivebench")+"\n", out)
	}
	out, _, code := run(t, "version", "--json")
	require.Equal(t, 0, code)
	var got buildinfo.Info
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, buildinfo.Get(), got)
}

func TestMistypedCommandSuggests(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"comapre", "a", "b"}, `unknown command "comapre" (did you mean "compare"?)`},
		{[]string{"baseline", "lst"}, `unknown subcommand "lst" (did you mean "list"?)`},
		{[]string{"workload", "fech", "x"}, `(did you mean "fetch"?)`},
		{[]string{"history", "shw", "x"}, `(did you mean "show"?)`},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.args...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, c.want)
	}
}
