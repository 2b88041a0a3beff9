// Package cli is the small command dispatcher shared by hive and hivebench:
// a table of subcommands, each a function that gets its arguments and
// injected writers and returns an error. main stays thin: it calls Main,
// which maps the error to an exit code in one place (internal/exitcode).
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
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

	// flagSets, when set, collects every flag set FlagSet makes: the
	// completion scripts learn each command's flags by running it with -h.
	flagSets *[]*flag.FlagSet
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for the usage listing
	// Run executes the command with the arguments after its name. For a
	// command with Subcommands it is optional: it then runs when the first
	// argument is a flag or there is none (hivebench history --limit 5).
	Run func(ctx context.Context, env *Env, args []string) error
	// Subcommands are dispatched by name from the first argument (hive db
	// stats), each answering -h itself; -h in their place prints Usage.
	Subcommands []Command
	// Usage is what -h prints for a command with subcommands; without it,
	// the subcommands and their summaries are listed.
	Usage string
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
	if c.Run == nil && len(c.Subcommands) == 0 {
		panic("cli: command " + c.Name + " has neither Run nor Subcommands")
	}
	a.commands[c.Name] = c
}

// Commands returns the registered commands sorted by name.
func (a *App) Commands() []Command {
	out := make([]Command, 0, len(a.commands))
	for _, c := range a.commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Usage writes the listing of commands.
func (a *App) Usage(w io.Writer) {
	fmt.Fprintf(w, "%s — %s\n\nUsage:\n  %s <command> [flags] [args]\n\nCommands:\n", a.Name, a.Summary, a.Name)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range a.Commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRun '%s <command> -h' for a command's flags, '%s --version' for the build.\nExit codes: 0 ok, 1 regression or target missed, 2 usage or bad input, 3 infrastructure failure.\nSIGINT, SIGTERM or SIGHUP asks a command to stop; a second one exits at once with code 3, abandoning its cleanup.\n", a.Name, a.Name)
}

// Run dispatches args (without the program name) and returns the command's
// error. -h, -help, --help and help print usage on stdout and succeed, at
// every level: hive -h, hive help db, hive db --help, hive db stats -h.
func (a *App) Run(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		a.Usage(env.Stderr)
		return exitcode.UsageError("%s: no command given", a.Name)
	}
	name := args[0]
	switch {
	case isHelp(name) && len(args) > 1:
		// "hive help db stats" is "hive db stats -h".
		return a.Run(ctx, env, append(slices.Clone(args[1:]), "-h"))
	case isHelp(name):
		a.Usage(env.Stdout)
		return nil
	case isVersion(name):
		if c, ok := a.commands["version"]; ok {
			return a.run(ctx, env, c, a.Name, args[1:])
		}
	}
	c, ok := a.commands[name]
	if !ok {
		return exitcode.UsageError("%s: unknown command %q%s; '%s -h' lists the commands", a.Name, name, didYouMean(name, a.commandNames()), a.Name)
	}
	return a.run(ctx, env, c, a.Name+" "+c.Name, args[1:])
}

// run runs c (named path, e.g. "hive db") with its arguments, dispatching
// to a subcommand when c has them.
func (a *App) run(ctx context.Context, env *Env, c Command, path string, args []string) error {
	if len(c.Subcommands) > 0 {
		switch {
		case len(args) > 0 && isHelp(args[0]):
			writeGroupUsage(env.Stdout, c, path)
			return nil
		case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
			for _, s := range c.Subcommands {
				if s.Name == args[0] {
					return a.run(ctx, env, s, path+" "+s.Name, args[1:])
				}
			}
			return exitcode.UsageError("%s: unknown subcommand %q%s; want %s ('%s -h' says more)",
				path, args[0], didYouMean(args[0], subNames(c)), orList(subNames(c)), path)
		case c.Run == nil:
			writeGroupUsage(env.Stderr, c, path)
			return exitcode.UsageError("%s: missing subcommand; want %s", path, orList(subNames(c)))
		}
	}
	err := c.Run(ctx, env, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func (a *App) commandNames() []string {
	names := make([]string, 0, len(a.commands))
	for _, c := range a.Commands() {
		names = append(names, c.Name)
	}
	return names
}

func subNames(c Command) []string {
	names := make([]string, len(c.Subcommands))
	for i, s := range c.Subcommands {
		names[i] = s.Name
	}
	return names
}

// didYouMean is the "; did you mean …?" of an unknown name, or "".
func didYouMean(name string, candidates []string) string {
	if n := Nearest(name, candidates); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// writeGroupUsage is -h of a command with subcommands.
func writeGroupUsage(w io.Writer, c Command, path string) {
	if c.Usage != "" {
		fmt.Fprint(w, c.Usage)
		return
	}
	fmt.Fprintf(w, "Usage: %s <subcommand> [flags] [args]\n\n%s\n\nSubcommands:\n", path, c.Summary)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range c.Subcommands {
		fmt.Fprintf(tw, "  %s\t%s\n", s.Name, s.Summary)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRun '%s <subcommand> -h' for its flags.\n", path)
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

func isVersion(arg string) bool { return arg == "--version" || arg == "-version" }

// Help writes usage to env.Stdout and reports true when arg, the word
// where a subcommand would be, asks for help (-h, -help, --help or help).
// Commands with subcommands get this from Command.Subcommands; Help is for
// a command that reads a word of its own.
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
// exiting. What the flag package prints while parsing goes to env.Stdout
// when it is the answer to -h (usage is then what was asked for, as with
// every tool people know) and to env.Stderr otherwise (a bad flag); what a
// command prints with fs.Usage() itself goes to env.Stderr. Parse errors
// become usage errors through ParseFlags.
func FlagSet(env *Env, app, cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet(app+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{env: env})
	if env.flagSets != nil {
		*env.flagSets = append(*env.flagSets, fs)
	}
	return fs
}

// flagOutput holds what the flag package writes during Parse until the
// outcome says whether it is help (stdout) or an error (stderr).
type flagOutput struct {
	env     *Env
	parsing bool
	buf     bytes.Buffer
}

func (o *flagOutput) Write(p []byte) (int, error) {
	if o.parsing {
		return o.buf.Write(p)
	}
	if o.env.Stderr == nil {
		return len(p), nil
	}
	return o.env.Stderr.Write(p)
}

// ParseFlags parses args and wraps a bad flag as a usage error (exit 2).
// -h returns flag.ErrHelp, which Run turns into a clean exit.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	out, _ := fs.Output().(*flagOutput)
	if out != nil {
		out.parsing = true
	}
	err := fs.Parse(args)
	if out != nil {
		out.parsing = false
		dst := out.env.Stderr
		if errors.Is(err, flag.ErrHelp) {
			dst = out.env.Stdout
		}
		if out.buf.Len() > 0 && dst != nil {
			dst.Write(out.buf.Bytes())
		}
		out.buf.Reset()
	}
	if err != nil {
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
