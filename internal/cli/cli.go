// Package cli is the small command dispatcher shared by hive and hivebench:
// a table of subcommands, each a function that gets its arguments and
// injected writers and returns an error. main stays thin: it calls Main,
// which maps the error to an exit code in one place (internal/exitcode).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Env is what a command may touch of the outside world; tests inject it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for the usage listing
	// Run executes the command with the arguments after its name.
	Run func(ctx context.Context, env *Env, args []string) error
}

// App is a binary: a name and its commands.
type App struct {
	Name    string
	Summary string
	// Around, when set, runs before the command in Main and returns what to
	// run after it, before the process exits (profiling uses it).
	Around   func(env *Env) (after func())
	commands map[string]Command
}

// Register adds a command. Command files call it from init, so that adding a
// command never edits a shared file.
func (a *App) Register(c Command) {
	if a.commands == nil {
		a.commands = map[string]Command{}
	}
	if _, dup := a.commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	a.commands[c.Name] = c
}

// Usage writes the listing of commands.
func (a *App) Usage(w io.Writer) {
	fmt.Fprintf(w, "%s — %s\n\nUsage:\n  %s <command> [flags] [args]\n\nCommands:\n", a.Name, a.Summary, a.Name)
	names := make([]string, 0, len(a.commands))
	for n := range a.commands {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", n, a.commands[n].Summary)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRun '%s <command> -h' for a command's flags.\nExit codes: 0 ok, 1 regression or target missed, 2 usage or bad input, 3 infrastructure failure.\nSIGINT, SIGTERM or SIGHUP asks a command to stop; a second one exits at once with code 3, abandoning its cleanup.\n", a.Name)
}

// Run dispatches args (without the program name) and returns the command's error.
func (a *App) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		a.Usage(env.Stderr)
		return exitcode.UsageError("%s: no command given", a.Name)
	}
	name := args[0]
	if isHelp(name) {
		a.Usage(env.Stdout)
		return nil
	}
	c, ok := a.commands[name]
	if !ok {
		a.Usage(env.Stderr)
		return exitcode.UsageError("%s: unknown command %q", a.Name, name)
	}
	err := c.Run(ctx, env, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// isHelp reports whether arg asks for help in the place of a command or
// subcommand name.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// Help is for commands with subcommands (hivebench baseline, history,
// workload): when arg, the word where a subcommand would be, asks for help
// (-h, -help, --help or help, as at the top level), it writes usage to
// env.Stdout and reports true, and the command returns nil.
func Help(env *Env, arg, usage string) bool {
	if !isHelp(arg) {
		return false
	}
	fmt.Fprint(env.Stdout, usage)
	return true
}

// Main runs the app with the process's arguments and environment, prints a
// failing error on stderr as one line, and exits with its code. A stop
// signal (StopSignals: SIGINT, SIGTERM, SIGHUP) cancels the context so
// commands can stop their children and flush partial results; a second one
// exits at once with ForcedExitCode. A write to a stdout closed by its
// reader fails with EPIPE instead of killing the process (see notifyStop).
func (a *App) Main() {
	ctx, stop := notifyStop(a.Name, os.Stderr, os.Exit)
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	after := func() {}
	if a.Around != nil {
		after = a.Around(env)
	}
	err := a.Run(ctx, env, os.Args[1:])
	after()
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, a.Name+":") && !strings.HasPrefix(msg, a.Name+" ") {
			msg = a.Name + ": " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
	}
	// Only now: stderr may be a closed pipe too, and the exit code must
	// survive writing the error there.
	stop()
	os.Exit(exitcode.Code(err))
}

// FlagSet returns a flag set for a subcommand that reports errors instead of
// exiting, writing its usage to env.Stderr. Parse errors become usage errors
// through ParseFlags.
func FlagSet(env *Env, app, cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet(app+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// ParseFlags parses args and wraps a bad flag as a usage error (exit 2).
// -h returns flag.ErrHelp, which Run turns into a clean exit.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitcode.With(exitcode.Usage, fmt.Errorf("%s: %w", fs.Name(), err))
	}
	return nil
}

// ParseInterspersed parses flags that may come before, between or after the
// positional arguments ("analyze PATH --format json", "record a.json --db x
// b.json"), which the flag package alone does not allow, and returns the
// positional arguments in order. The first "--" that is not a flag's value
// ends the flags: it is dropped and everything after it is positional, even
// another "--" or a name that starts with "-". Errors are as ParseFlags's.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := ParseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at the first non-flag, or after consuming "--".
		if endedByDoubleDash(fs, args[:len(args)-len(rest)]) {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// endedByDoubleDash reports whether the tokens the flag package consumed
// end with a "--" that ended the flags, rather than a "--" that was the
// value of a flag ("--format -- a -q": format is "--", and -q is still a
// flag). It walks them as the flag package did; they parsed, so each is a
// flag, a flag's value or that final "--".
func endedByDoubleDash(fs *flag.FlagSet, consumed []string) bool {
	for i := 0; i < len(consumed); i++ {
		a := consumed[i]
		if a == "--" {
			return i == len(consumed)-1
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if hasValue {
			continue
		}
		if fl := fs.Lookup(name); fl != nil {
			if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue
			}
		}
		i++ // the next token is this flag's value
	}
	return false
}
