package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

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
	}
	for _, c := range cases {
		_, stderr, code := run(t, nil, c.args...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, c.want)
	}
}
