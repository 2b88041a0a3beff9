package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/hiveperf/hive/internal/exitcode"
)

// Format is an output format of a report.
type Format string

// The report formats.
const (
	Table    Format = "table"    // terminal, box-drawn (olekukonko/tablewriter)
	Markdown Format = "md"       // GitHub-flavoured Markdown, e.g. for a PR comment
	JSON     Format = "json"     // machine-readable, NaN written as null
	JUnit    Format = "junit"    // JUnit XML for CI test tabs (GitHub, GitLab)
	HTML     Format = "html"     // one self-contained page with ECDF plots
	Benchfmt Format = "benchfmt" // Go benchmark format, raw samples, for benchstat
)

// Formats lists every format, for flag help and errors.
var Formats = []Format{Table, Markdown, JSON, JUnit, HTML, Benchfmt}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	if s == "markdown" {
		return Markdown, nil
	}
	return "", exitcode.UsageError("unknown report format %q; use one of %s", s, formatList())
}

// WriteComparison renders a comparison of two runs in format f.
func WriteComparison(w io.Writer, f Format, c Comparison) error {
	switch f {
	case Table:
		return comparisonTable(w, c)
	case Markdown:
		return comparisonMarkdown(w, c)
	case JSON:
		return comparisonJSON(w, c)
	case JUnit:
		return comparisonJUnit(w, c)
	case HTML:
		return comparisonHTML(w, c)
	case Benchfmt:
		return comparisonBenchfmt(w, c)
	}
	return exitcode.UsageError("unknown report format %q; use one of %s", f, formatList())
}

// WriteRun renders one run with its target outcomes in format f; the table
// format is the run table of `hivebench run`.
func WriteRun(w io.Writer, f Format, r Run) error {
	if r.File == nil {
		return exitcode.UsageError("report: no results file to render")
	}
	switch f {
	case Table:
		return runTable(w, r)
	case Markdown:
		return runMarkdown(w, r)
	case JSON:
		return runJSON(w, r)
	case JUnit:
		return runJUnit(w, r)
	case HTML:
		return runHTML(w, r)
	case Benchfmt:
		return runBenchfmt(w, r)
	}
	return exitcode.UsageError("unknown report format %q; use one of %s", f, formatList())
}

// errWriter remembers the first write error so renderers can print
// line after line and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// runWarnings adds the warnings a run implies by itself.
func runWarnings(r Run) []string {
	w := append([]string(nil), r.Warnings...)
	if !r.File.Complete {
		w = append(w, "the run is incomplete: "+r.File.IncompleteReason)
	}
	if r.File.Env.Dirty {
		w = append(w, "built from a dirty tree: the commit does not say exactly what was measured")
	}
	return w
}
