package importers

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/hiveperf/hive/harness/gobench"
	"github.com/hiveperf/hive/harness/results"
)

// Problem is a part of the input that could not be imported (a line, a
// command, a metric), as FILE:LINE: MSG. It is a value beside the result,
// not a log line, so the caller decides how to show it.
type Problem = gobench.Problem

// Options are the choices an import leaves to its caller.
type Options struct {
	// Names, when not empty, are the ids (the WHAT of FAMILY.WHAT) of the
	// imported commands in the order of the input: hyperfine only, where
	// the command line of base and head often differs (./base/tool,
	// ./head/tool) though it measures the same thing. hyperfine's own
	// --command-name does the same at the source.
	Names []string
	// Commit, when not empty, is the commit of the code that was measured
	// (env.commit); none of the formats carries it.
	Commit string
}

// Format is one input format Import reads.
type Format struct {
	Name string
	// What says in a few words what the input is, for usage text.
	What string
	read func(r io.Reader, name string, opts Options) (*results.File, []Problem, error)
}

// Formats are the formats Import reads, in the order usage lists them.
var Formats = []Format{
	{"gotest", "the output of go test -bench", readGo(gobench.Import)},
	{"benchfmt", "any file in the Go benchmark format (benchstat's input; Unit lines honoured)", readGo(gobench.ImportBenchfmt)},
	{"hyperfine", "hyperfine --export-json FILE", readHyperfine},
	{"k6", "k6 run --out json=FILE (raw points), or --summary-export / handleSummary JSON (aggregates only)", readK6},
}

// FormatNames lists the names of Formats.
func FormatNames() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Name
	}
	return out
}

// Import reads r, in format, into a results file; name names the input in
// problems and errors. The error is non-nil only when the format is
// unknown, r cannot be read or nothing usable was found; problems are
// returned either way. See the package doc for each format's mapping.
func Import(format string, r io.Reader, name string, opts Options) (*results.File, []Problem, error) {
	for _, f := range Formats {
		if f.Name != format {
			continue
		}
		if len(opts.Names) > 0 && format != "hyperfine" {
			return nil, nil, fmt.Errorf("names are for hyperfine's commands; %s names its benchmarks itself", format)
		}
		file, problems, err := f.read(r, name, opts)
		if err != nil {
			return nil, problems, err
		}
		if opts.Commit != "" {
			file.Env.Commit = opts.Commit
		}
		return file, problems, nil
	}
	return nil, nil, fmt.Errorf("unknown format %q; want one of %s", format, strings.Join(FormatNames(), ", "))
}

func readGo(imp func(io.Reader, string) (*results.File, []gobench.Problem, error)) func(io.Reader, string, Options) (*results.File, []Problem, error) {
	return func(r io.Reader, name string, _ Options) (*results.File, []Problem, error) {
		return imp(r, name)
	}
}

// importEnv is the environment of an imported file: what the format does
// not carry is the importing process's (cores, Go version, host, date) or
// "unknown" (CPU model, OS, architecture, commit), as harness/gobench does.
func importEnv() results.Env {
	env := results.CaptureEnv()
	env.Commit, env.Dirty = "unknown", false
	env.CPUModel, env.OS, env.Arch, env.GOMAXPROCS = "unknown", "unknown", "unknown", 0
	return env
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// idPart turns a tool's name into the WHAT of a results id: lower case,
// every run of other characters one "_".
func idPart(s string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "_"), "_")
}

// ids hands out results ids, refusing one that is taken or malformed.
type ids map[string]string // id → label of its owner

// claim returns fam.what, or an error naming the label that already has it.
func (m ids) claim(fam results.Family, what, label string) (string, error) {
	if what == "" {
		return "", fmt.Errorf("%q has no letter or digit to make an id of", label)
	}
	id := string(fam) + "." + what
	if prev, ok := m[id]; ok {
		return "", fmt.Errorf("%q maps to %s, which %q already uses; rename one of them", label, id, prev)
	}
	if _, err := results.CheckName(id); err != nil {
		return "", err
	}
	m[id] = label
	return id, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
