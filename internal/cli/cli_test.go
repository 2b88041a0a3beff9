package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

func testApp(ran *[]string) *App {
	a := &App{Name: "t", Summary: "test app"}
	a.Register(Command{Name: "ok", Summary: "succeeds", Run: func(ctx context.Context, env *Env, args []string) error {
		*ran = append(*ran, "ok")
		return nil
	}})
	a.Register(Command{Name: "flags", Summary: "parses flags", Run: func(ctx context.Context, env *Env, args []string) error {
		fs := FlagSet(env, "t", "flags")
		n := fs.Int("n", 1, "a number")
		if err := ParseFlags(fs, args); err != nil {
			return err
		}
		*ran = append(*ran, "flags")
		_ = n
		return nil
	}})
	a.Register(Command{Name: "fail", Summary: "fails", Run: func(ctx context.Context, env *Env, args []string) error {
		return errors.New("boom")
	}})
	sub := func(name string, run func(fs *flag.FlagSet)) Command {
		return Command{Name: name, Summary: name + " it", Run: func(ctx context.Context, env *Env, args []string) error {
			fs := FlagSet(env, "t", "store "+name)
			run(fs)
			if err := ParseFlags(fs, args); err != nil {
				return err
			}
			*ran = append(*ran, "store "+name)
			return nil
		}}
	}
	a.Register(Command{Name: "store", Summary: "subcommands only", Subcommands: []Command{
		sub("stats", func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON"); fs.String("db", "", "database `path`") }),
		sub("path", func(fs *flag.FlagSet) { fs.String("db", "", "database `path`") }),
	}})
	a.Register(Command{Name: "trend", Summary: "subcommands, or flags alone",
		Run: func(ctx context.Context, env *Env, args []string) error {
			fs := FlagSet(env, "t", "trend")
			fs.Int("limit", 5, "newest `N` runs")
			if err := ParseFlags(fs, args); err != nil {
				return err
			}
			*ran = append(*ran, "trend")
			return nil
		},
		Subcommands: []Command{sub("show", func(fs *flag.FlagSet) { fs.Int("limit", 5, "newest `N` runs") })},
	})
	a.Register(VersionCommand("t"))
	return a
}

func TestRun(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantRan  []string
		wantErr  string
	}{
		{"no command", nil, exitcode.Usage, nil, "no command"},
		{"unknown", []string{"nope"}, exitcode.Usage, nil, `unknown command "nope"`},
		{"typo suggests the nearest", []string{"flgs"}, exitcode.Usage, nil, `unknown command "flgs" (did you mean "flags"?)`},
		{"help of a command", []string{"help", "flags"}, exitcode.OK, nil, ""},
		{"subcommand", []string{"store", "stats", "--json"}, exitcode.OK, []string{"store stats"}, ""},
		{"subcommand -h", []string{"store", "stats", "-h"}, exitcode.OK, nil, ""},
		{"subcommand --help", []string{"store", "--help"}, exitcode.OK, nil, ""},
		{"missing subcommand", []string{"store"}, exitcode.Usage, nil, "t store: missing subcommand; want stats or path"},
		{"flags where the subcommand goes", []string{"store", "--json"}, exitcode.Usage, nil, "missing subcommand"},
		{"subcommand typo", []string{"store", "stat"}, exitcode.Usage, nil, `unknown subcommand "stat" (did you mean "stats"?)`},
		{"group with flags alone", []string{"trend", "--limit", "3"}, exitcode.OK, []string{"trend"}, ""},
		{"group alone", []string{"trend"}, exitcode.OK, []string{"trend"}, ""},
		{"group's subcommand", []string{"trend", "show"}, exitcode.OK, []string{"store show"}, ""},
		{"--version", []string{"--version"}, exitcode.OK, nil, ""},
		{"version --json", []string{"version", "--json"}, exitcode.OK, nil, ""},
		{"ok", []string{"ok"}, exitcode.OK, []string{"ok"}, ""},
		{"help", []string{"help"}, exitcode.OK, nil, ""},
		{"bad flag", []string{"flags", "-n", "x"}, exitcode.Usage, nil, "invalid value"},
		{"flag -h is clean", []string{"flags", "-h"}, exitcode.OK, nil, ""},
		{"plain error is infra", []string{"fail"}, exitcode.Infra, nil, "boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ran []string
			var out, errb bytes.Buffer
			err := testApp(&ran).Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, c.args)
			assert.Equal(t, c.wantCode, exitcode.Code(err))
			assert.Equal(t, c.wantRan, ran)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
			}
		})
	}
}

func TestUsageListsCommands(t *testing.T) {
	var ran []string
	var out bytes.Buffer
	testApp(&ran).Usage(&out)
	for _, name := range []string{"ok", "flags", "fail", "Exit codes"} {
		assert.Contains(t, out.String(), name)
	}
}

func TestHelp(t *testing.T) {
	cases := []struct {
		arg  string
		help bool
	}{
		{"-h", true}, {"-help", true}, {"--help", true}, {"help", true},
		{"list", false}, {"--h", false}, {"-hh", false}, {"", false}, {"HELP", false},
	}
	for _, c := range cases {
		t.Run(c.arg, func(t *testing.T) {
			var out bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &bytes.Buffer{}}
			assert.Equal(t, c.help, Help(env, c.arg, "Usage: t sub\n"))
			if c.help {
				assert.Equal(t, "Usage: t sub\n", out.String())
			} else {
				assert.Empty(t, out.String())
			}
		})
	}
}

// Asking for help prints usage on stdout and succeeds, at every level and
// in every spelling; a mistake prints on stderr and fails.
func TestHelpGoesToStdout(t *testing.T) {
	cases := []struct {
		args       []string
		wantCode   int
		wantStdout string // "" wants stdout empty
		wantStderr string // "" wants stderr empty
	}{
		{[]string{"-h"}, exitcode.OK, "Commands:", ""},
		{[]string{"--help"}, exitcode.OK, "Commands:", ""},
		{[]string{"help"}, exitcode.OK, "Commands:", ""},
		{[]string{"flags", "-h"}, exitcode.OK, "-n int", ""},
		{[]string{"flags", "--help"}, exitcode.OK, "a number", ""},
		{[]string{"flags", "-help"}, exitcode.OK, "a number", ""},
		{[]string{"help", "flags"}, exitcode.OK, "a number", ""},
		{[]string{"store", "-h"}, exitcode.OK, "stats it", ""},
		{[]string{"store", "--help"}, exitcode.OK, "stats it", ""},
		{[]string{"store", "help"}, exitcode.OK, "path it", ""},
		{[]string{"store", "stats", "-h"}, exitcode.OK, "database path", ""},
		{[]string{"store", "stats", "--help"}, exitcode.OK, "print JSON", ""},
		{[]string{"help", "store", "stats"}, exitcode.OK, "print JSON", ""},
		{[]string{"trend", "--help"}, exitcode.OK, "show it", ""},
		{[]string{"version", "-h"}, exitcode.OK, "print as JSON", ""},
		{[]string{"flags", "-x"}, exitcode.Usage, "", "flag provided but not defined: -x"},
		{[]string{"store", "stats", "--nope"}, exitcode.Usage, "", "Usage of t store stats"},
		{[]string{"store"}, exitcode.Usage, "", "stats it"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.args), func(t *testing.T) {
			var ran []string
			var out, errb bytes.Buffer
			err := testApp(&ran).Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, c.args)
			assert.Equal(t, c.wantCode, exitcode.Code(err), "%v", err)
			if c.wantStdout == "" {
				assert.Empty(t, out.String())
			} else {
				assert.Contains(t, out.String(), c.wantStdout)
			}
			if c.wantStderr == "" {
				assert.Empty(t, errb.String())
			} else {
				assert.Contains(t, errb.String(), c.wantStderr)
			}
		})
	}
}

// A command's own fs.Usage() call, outside parsing, is on stderr: it goes
// with the usage error the command returns next.
func TestExplicitUsageGoesToStderr(t *testing.T) {
	var out, errb bytes.Buffer
	fs := FlagSet(&Env{Stdout: &out, Stderr: &errb}, "t", "x")
	fs.Int("n", 1, "a number")
	fs.Usage()
	assert.Empty(t, out.String())
	assert.Contains(t, errb.String(), "a number")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var ran []string
		var out bytes.Buffer
		err := testApp(&ran).Run(context.Background(), &Env{Stdout: &out, Stderr: &bytes.Buffer{}}, args)
		require.NoError(t, err)
		assert.Regexp(t, `^t \S+ \(commit \S+, go1\.\S+, \w+/\w+\)\n$`, out.String(), "%v", args)
	}
	var out bytes.Buffer
	require.NoError(t, testApp(new([]string)).Run(context.Background(), &Env{Stdout: &out, Stderr: &bytes.Buffer{}}, []string{"version", "--json"}))
	var info map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &info))
	for _, k := range []string{"version", "commit", "dirty", "go_version", "os", "arch"} {
		assert.Contains(t, info, k)
	}
}
