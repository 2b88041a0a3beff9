package reports

import (
	"io"

	"github.com/hiveperf/hive/harness/gobench"
)

// runBenchfmt writes the run's raw samples in the Go benchmark format
// (harness/gobench.Export) for benchstat. Targets are not part of that
// format and are left out.
func runBenchfmt(w io.Writer, r Run) error {
	return gobench.Export(w, r.File)
}

// comparisonBenchfmt writes both runs into one stream, told apart by a
// "run" config key (the side's label), for `benchstat -col run -table "" FILE`.
// benchstat then does its own statistics on the raw samples.
func comparisonBenchfmt(w io.Writer, c Comparison) error {
	base, head := c.BaseLabel, c.HeadLabel
	if base == "" {
		base = c.Base.Label()
	}
	if head == "" {
		head = c.Head.Label()
	}
	if err := gobench.ExportRun(w, c.Base, base); err != nil {
		return err
	}
	return gobench.ExportRun(w, c.Head, head)
}
