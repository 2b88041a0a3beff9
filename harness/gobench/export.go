package gobench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/results"
)

// Export writes f in the Go benchmark format so benchstat can read it. See
// the package doc for the name and unit mapping. It fails, naming the
// benchmark, when a unit cannot be parsed or a name would not be a single
// benchfmt field.
func Export(w io.Writer, f *results.File) error {
	return ExportRun(w, f, "")
}

// ExportRun is Export with a "run: LABEL" config line (when label is not
// empty), so two runs written into one stream stay apart:
// `benchstat -col run -table "" FILE` compares them side by side (-table ""
// because their commit and other config lines differ, which benchstat would
// otherwise split into separate tables).
func ExportRun(w io.Writer, f *results.File, label string) error {
	bw := bufio.NewWriter(w)
	// Every key is written on every call (benchfmt config lasts until it
	// is set again), so a second run never inherits the first one's.
	complete := "true"
	if !f.Complete {
		complete = "false (" + f.IncompleteReason + ")"
	}
	config := []struct{ key, val string }{
		{"run", label},
		{"goos", f.Env.OS},
		{"goarch", f.Env.Arch},
		{"cpu", f.Env.CPUModel},
		{"commit", f.Env.Commit},
		{"suite", f.Suite},
		{"workload", f.Workload.Hash},
		{"complete", complete},
	}
	for _, c := range config {
		v := oneLine(c.val)
		if v == "" && c.key == "run" {
			continue
		}
		if v == "" {
			v = "unknown"
		}
		fmt.Fprintf(bw, "%s: %s\n", c.key, v)
	}
	for _, b := range f.Benchmarks {
		name, err := GoName(b.Name)
		if err != nil {
			return err
		}
		scale, unit, err := goUnit(b)
		if err != nil {
			return fmt.Errorf("benchmark %s: %w", b.Name, err)
		}
		for _, v := range b.Samples {
			fmt.Fprintf(bw, "%s 1 %s %s\n", name, strconv.FormatFloat(v*scale, 'g', -1, 64), unit)
		}
	}
	return bw.Flush()
}

// GoName maps a results id FAMILY.WHAT to a benchfmt name
// BenchmarkFamily/WHAT (startup.serve → BenchmarkStartup/serve).
func GoName(id string) (string, error) {
	fam, what, ok := strings.Cut(id, ".")
	if !ok || fam == "" || what == "" || strings.ContainsAny(id, " \t\n\r") {
		return "", fmt.Errorf("benchmark name %q is not FAMILY.WHAT without spaces; it cannot be written as a Go benchmark name", id)
	}
	return "Benchmark" + strings.ToUpper(fam[:1]) + fam[1:] + "/" + what, nil
}

// goUnit returns the factor from b's results unit to its benchfmt unit
// and that unit.
func goUnit(b results.Benchmark) (float64, string, error) {
	u := b.Unit
	pu, err := results.ParseUnit(u)
	if err != nil {
		return 0, "", err
	}
	switch {
	case pu.Dim == "time":
		return pu.Scale, "ns/op", nil // pu.Scale converts to ns
	case pu.Dim == "bytes":
		return pu.Scale, sizeUnit(b), nil
	case strings.HasSuffix(pu.Dim, "/time"):
		// A rate keeps its own unit; benchunit tidies MB/s itself.
		return 1, u, nil
	default:
		// A count (allocs, rows): per operation, as go test writes allocs/op.
		return pu.Scale, pu.Dim + "/op", nil
	}
}

// sizeUnit names what a size measures. B/op means bytes allocated per
// operation to every Go user (and to benchstat), so only a size imported
// from B/op is written back as B/op; process memory uses the names of the
// Go project's own benchmarks (golang.org/x/benchmarks): peak-RSS-bytes
// for a high-water mark, RSS-bytes for a resident set sampled or at rest.
func sizeUnit(b results.Benchmark) string {
	_, what, _ := strings.Cut(b.Name, ".")
	switch {
	case b.Metric == results.GoBench:
		return "B/op"
	case strings.Contains(what, "peak_rss") || strings.Contains(what, "vmhwm"):
		return "peak-RSS-bytes"
	case strings.HasSuffix(what, "rss"):
		return "RSS-bytes"
	case strings.Contains(what, "heap"):
		return "heap-bytes"
	}
	return "bytes"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
