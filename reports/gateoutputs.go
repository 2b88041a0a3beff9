package reports

import (
	"io"
	"os"
	"path/filepath"

	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// GateOutputs are the files a gate writes into Dir: the two sides' results
// (base.json, head.json) and the comparison as Markdown, JUnit XML and HTML
// (summary.md, junit.xml and report.html, unless Markdown, JUnit or HTML
// gives another path).
type GateOutputs struct {
	Dir                   string
	Markdown, JUnit, HTML string
}

// WriteSides writes the sides' results into Dir, creating it: head.json,
// and base.json unless base was read from a file (a stored baseline, which
// has a Source). A nil side is skipped.
func (o GateOutputs) WriteSides(base, head *results.File) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return exitcode.UsageError("--out %s: %v", o.Dir, err)
	}
	if base != nil && base.Source == "" {
		if err := base.Write(filepath.Join(o.Dir, "base.json")); err != nil {
			return err
		}
	}
	if head != nil {
		if err := head.Write(filepath.Join(o.Dir, "head.json")); err != nil {
			return err
		}
	}
	return nil
}

// Write writes c's sides (WriteSides), then its three reports (WriteFile).
func (o GateOutputs) Write(c Comparison) error {
	if err := o.WriteSides(c.Base, c.Head); err != nil {
		return err
	}
	for _, r := range []struct {
		path, def string
		f         Format
	}{{o.Markdown, "summary.md", Markdown}, {o.JUnit, "junit.xml", JUnit}, {o.HTML, "report.html", HTML}} {
		path := r.path
		if path == "" {
			path = filepath.Join(o.Dir, r.def)
		}
		if err := WriteFile(path, func(w io.Writer) error { return WriteComparison(w, r.f, c) }); err != nil {
			return err
		}
	}
	return nil
}

// Judge decides the gate on c (harness/gate Decide) with the metrics
// missing, records in c those the decision lists, writes c (Write), then
// its summary on w in format f. Call c.CheckTier first. The verdict's Err
// is the gate's failure; the error returned is one of writing.
func (o GateOutputs) Judge(w io.Writer, f Format, c *Comparison, missing []gate.Missing, allowMissing bool) (gate.Verdict, error) {
	v := gate.Decide(gate.Input{Results: c.Results, Tier: c.Tier, Outcomes: c.Outcomes, Missing: missing, AllowMissing: allowMissing})
	c.Missing, c.MissingAllowed = v.Missing, allowMissing
	if err := o.Write(*c); err != nil {
		return v, err
	}
	if err := WriteComparison(w, f, *c); err != nil {
		return v, exitcode.InfraError("hivebench gate: writing the summary: %v", err)
	}
	return v, nil
}
