package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hiveperf/hive/harness/gobench"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/cli"
	"github.com/hiveperf/hive/internal/exitcode"
)

func init() {
	app.Register(cli.Command{
		Name:    "import",
		Summary: "read benchmarks from other tools into a results file (gotest: go test -bench output)",
		Run:     runImport,
	})
}

func runImport(ctx context.Context, env *cli.Env, args []string) error {
	fs := cli.FlagSet(env, "hivebench", "import")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: hivebench import gotest FILE [--out results.json]

Reads the output of go test -bench (the Go benchmark format that benchstat
reads; FILE "-" is standard input) into a hivebench results file, so compare
and gate can judge your own Go benchmarks with hivebench's statistics. Each
benchmark name and unit becomes one benchmark "gobench.NAME[_UNIT]", and each
result line (each -count repetition) one sample. ns/op is stored in ns, B/op
and NAME-bytes (peak-RSS-bytes) in bytes, allocs/op in allocs; see the
harness/gobench package doc.

Lines that cannot be read are printed as FILE:LINE: problem and skipped.
Exit status is 2 only when nothing could be imported (no benchmark line, or
FILE unreadable); problems alongside usable results still exit 0.

Without --out the results JSON goes to standard output.

Flags:
`)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "write the results JSON to this `file` (atomically) instead of standard output")
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "gotest" {
		return exitcode.UsageError("hivebench import: want \"gotest FILE\" (the only source so far is go test -bench output), got %q", strings.Join(pos, " "))
	}
	path := pos[1]
	if *out != "" {
		if err := checkOutDir("--out", *out); err != nil {
			return err
		}
	}
	var r io.Reader
	name := path
	if path == "-" {
		if env.Stdin == nil {
			return exitcode.UsageError("hivebench import gotest -: no standard input")
		}
		r, name = env.Stdin, "<stdin>"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return exitcode.UsageError("hivebench import gotest %s: %v", path, err)
		}
		defer fh.Close()
		r = fh
	}
	f, problems, err := gobench.Import(r, name)
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, p.String())
	}
	if err != nil {
		return exitcode.With(exitcode.Usage, fmt.Errorf("hivebench import gotest: %w", err))
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
		return fmt.Errorf("hivebench import gotest: %w", err) // Write's error carries its exit code
	}
	fmt.Fprintf(env.Stderr, "imported %d benchmarks from %s into %s (%d problems)\n", len(f.Benchmarks), name, *out, len(problems))
	return nil
}
