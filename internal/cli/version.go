package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hiveperf/hive/internal/buildinfo"
	"github.com/hiveperf/hive/internal/exitcode"
)

// VersionCommand is `APP version [--json]`, which `APP --version` runs too:
// one implementation, so hive and hivebench print the same fields
// (internal/buildinfo), one line or the JSON object.
func VersionCommand(app string) Command {
	return Command{Name: "version", Summary: "print version, commit and Go version (--json: as JSON)", Run: func(ctx context.Context, env *Env, args []string) error {
		fs := FlagSet(env, app, "version")
		asJSON := fs.Bool("json", false, "print as JSON")
		if err := ParseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return exitcode.UsageError("%s version: unexpected argument %q; it takes only --json", app, fs.Arg(0))
		}
		info := buildinfo.Get()
		if *asJSON {
			return json.NewEncoder(env.Stdout).Encode(info)
		}
		_, err := fmt.Fprintln(env.Stdout, info.Line(app))
		return err
	}}
}
