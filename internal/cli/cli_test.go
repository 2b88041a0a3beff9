package cli

import (
	"bytes"
	"context"
	"errors"
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
