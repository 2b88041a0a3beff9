package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hiveperf/hive/harness/importers"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{
		Name:    "import",
		Summary: "read benchmarks from other tools into a results file (gotest, benchfmt, hyperfine, k6)",
		Run:     runImport,
	})
}

func runImport(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "import")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench import FORMAT FILE [--out results.json] [flags]

Reads what another tool wrote (FILE "-" is standard input) into a hivebench
results file, so compare and gate judge it with hivebench's statistics:
hivebench gate --base-file A.json --head-file B.json. FORMAT is one of:

%s
Every benchmark keeps its unit, and its tool's own name as its label; go doc
github.com/hiveperf/hive/harness/importers and .../harness/gobench give
the mapping. Parts that cannot be read are printed as FILE:LINE: problem
and skipped. Exit status is 2 only when nothing could be imported (or FILE
is unreadable); problems alongside usable results still exit 0.

Without --out the results JSON goes to standard output.

Flags:
`, formatList())
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "write the results JSON to this `file` (atomically) instead of standard output")
	names := fs.String("name", "", "hyperfine: comma-separated `ids` for the commands, in the order of the export (e.g. mytool), so base and head match whatever their command lines")
	commit := fs.String("commit", "", "the `commit` that was measured, recorded as env.commit (no format carries it)")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return exitcode.UsageError("hivebench import: want FORMAT FILE (FORMAT one of %s), got %q", strings.Join(importers.FormatNames(), ", "), strings.Join(pos, " "))
	}
	format, path := pos[0], pos[1]
	if !slices.Contains(importers.FormatNames(), format) {
		return exitcode.UsageError("hivebench import: unknown format %q; want one of %s", format, strings.Join(importers.FormatNames(), ", "))
	}
	if *out != "" {
		if err := checkOutDir("--out", *out); err != nil {
			return err
		}
	}
	var r io.Reader
	name := path
	if path == "-" {
		if env.Stdin == nil {
			return exitcode.UsageError("hivebench import %s -: no standard input", format)
		}
		r, name = env.Stdin, "<stdin>"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return exitcode.UsageError("hivebench import %s %s: %v", format, path, err)
		}
		defer fh.Close()
		r = fh
	}
	f, problems, err := importers.Import(format, r, name, importers.Options{Names: splitList(*names), Commit: *commit})
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, p.String())
	}
	if err != nil {
		// A read that failed carries its code (3); anything else is input
		// that could not be imported (2).
		var coded interface{ ExitCode() int }
		if errors.As(err, &coded) {
			return fmt.Errorf("hivebench import %s: %w", format, err)
		}
		return exitcode.With(exitcode.Usage, fmt.Errorf("hivebench import %s: %w", format, err))
	}
	if *out == "" {
		data, err := results.Encode(f)
		if err != nil {
			return err
		}
		_, err = env.Stdout.Write(data)
		return err
	}
	if err := f.Write(*out); err != nil {
		return fmt.Errorf("hivebench import %s: %w", format, err) // Write's error carries its exit code
	}
	fmt.Fprintf(env.Stderr, "imported %d benchmarks from %s into %s (%d problems)\n", len(f.Benchmarks), name, *out, len(problems))
	return nil
}

func formatList() string {
	var b strings.Builder
	for _, f := range importers.Formats {
		fmt.Fprintf(&b, "  %-10s %s\n", f.Name, f.What)
	}
	return b.String()
}
