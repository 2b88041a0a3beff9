package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Outputs are where a finished run is written besides its text report; an
// empty path writes no file.
type Outputs struct {
	// JSON is the full report (Report.WriteJSON), Results the results file
	// (ToResults).
	JSON, Results string
	// HiveBin, when set, is the binary the harness started: StampBuild
	// records its build in the results file.
	HiveBin string
	// Log receives a line per results file written, and the warnings; nil
	// discards them.
	Log io.Writer
}

// Save writes the files of o, then the text report on w (WriteText). The
// files come first: they are the record, and a stdout closed by its reader
// (`| head`) or by a hung-up terminal must not cost them. A failure does
// not stop the other writes; every one is returned, joined.
func Save(ctx context.Context, w io.Writer, rep *Report, o Outputs) error {
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	var saved []string
	var failed []error
	save := func(path string, write func(string) error) {
		if path == "" {
			return
		}
		if err := write(path); err != nil {
			failed = append(failed, err)
			return
		}
		saved = append(saved, path)
	}
	save(o.JSON, rep.WriteJSON)
	save(o.Results, func(path string) error {
		f := ToResults(rep)
		if o.HiveBin != "" {
			if err := StampBuild(ctx, f, o.HiveBin); err != nil {
				fmt.Fprintf(log, "hivebench load: warning: `%s version --json`: %v; the results file carries hivebench's build stamp\n", o.HiveBin, err)
			}
		}
		if err := f.Write(path); err != nil {
			return err
		}
		fmt.Fprintf(log, "hivebench load: results written to %s\n", path)
		return nil
	})
	if err := WriteText(w, rep); err != nil {
		note := ""
		if len(saved) > 0 {
			note = "; the run is saved in " + strings.Join(saved, " and ")
		}
		failed = append(failed, exitcode.InfraError("hivebench load: writing the report to stdout: %v%s", err, note))
	}
	return errors.Join(failed...)
}

// Finish saves a finished run (Save) and returns its exit status: the
// report goes on w as text, or as JSON when asJSON; then Report.Verdict,
// interrupted when ctx was cancelled.
func Finish(ctx context.Context, w io.Writer, rep *Report, o Outputs, asJSON bool) error {
	text := w
	if asJSON {
		text = io.Discard
	}
	failed := Save(ctx, text, rep, o)
	if asJSON {
		failed = errors.Join(failed, writeJSONTo(w, rep))
	}
	// The verdict first, so that a failed threshold keeps exit 1 whatever
	// else went wrong.
	if err := rep.Verdict(ctx.Err() != nil); err != nil {
		return errors.Join(fmt.Errorf("hivebench load: %w", err), failed)
	}
	return failed
}

// writeJSONTo is the report as JSON on stdout (w).
func writeJSONTo(w io.Writer, rep *Report) error {
	data, err := rep.MarshalIndent()
	if err != nil {
		return exitcode.InfraError("hivebench load: encoding the report: %v", err)
	}
	if _, err := w.Write(data); err != nil {
		return exitcode.InfraError("hivebench load: writing the report to stdout: %v", err)
	}
	return nil
}
