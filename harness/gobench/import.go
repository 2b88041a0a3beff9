package gobench

import (
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/hiveperf/hive/harness/results"
)

// Problem is a line of the input that could not be imported. It is a value
// beside the result, not a log line, so the caller decides how to show it.
type Problem struct {
	File string
	Line int
	Msg  string
}

// String formats the problem as FILE:LINE: MSG, the form editors jump to.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// series is one (package, name, unit) triple being collected.
type series struct {
	pkg, goName, what string
	procs             int
	origUnit, suffix  string
	line              int // first result line, for problems
	unit              string
	direction         results.Direction
	samples           []float64
}

// Import reads `go test -bench` output from r (name names the input in
// problems and errors) into a results file. See the package doc for the
// mapping. The error is non-nil only when r fails or nothing usable was
// read; problems are returned either way.
func Import(r io.Reader, name string) (*results.File, []Problem, error) {
	return importFormat(r, name, "gotest")
}

// ImportBenchfmt reads any file in the Go benchmark format, whoever wrote
// it (benchstat's input; hivebench report --format benchfmt), the way
// Import reads go test's output. The suite is "benchfmt" ("benchfmt:PKG"
// for one package), so a results file says which of the two it came from.
func ImportBenchfmt(r io.Reader, name string) (*results.File, []Problem, error) {
	return importFormat(r, name, "benchfmt")
}

func importFormat(r io.Reader, name, format string) (*results.File, []Problem, error) {
	im := &importer{name: name, byKey: map[string]*series{}, pkgs: map[string]bool{}, better: map[string]results.Direction{}}
	im.env = results.CaptureEnv()
	im.env.Commit, im.env.Dirty = "", false // the code under test is not this binary
	im.env.CPUModel, im.env.OS, im.env.Arch, im.env.GOMAXPROCS = "", "", "", 0

	rd := benchfmt.NewReader(r, name)
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			_, line := rec.Pos()
			im.add(line, "%s", rec.Msg)
		case *benchfmt.UnitMetadata:
			im.unitMetadata(rec)
		case *benchfmt.Result:
			im.result(rec)
		}
	}
	if err := rd.Err(); err != nil {
		return nil, im.problems, fmt.Errorf("read %s: %w", name, err)
	}

	// The results format requires these; "unknown" is its spelling for a
	// field the input did not say (go test output has no commit).
	for _, p := range []*string{&im.env.OS, &im.env.Arch, &im.env.CPUModel, &im.env.Commit} {
		if *p == "" {
			*p = "unknown"
		}
	}
	suite := format
	if len(im.pkgs) == 1 {
		for p := range im.pkgs {
			suite = format + ":" + p
		}
	}
	kept, ids := im.assignIDs()
	f := results.NewFile(suite, results.Fingerprint{})
	f.Env = im.env
	for i, s := range kept {
		if d, ok := im.better[s.origUnit]; ok {
			s.direction = d
		}
		b, err := results.NewBenchmark(ids[i], s.unit, s.direction, s.samples)
		if err != nil {
			im.add(s.line, "benchmark %s: %v; skipped", s.goName, err)
			continue
		}
		f.Add(b)
	}
	if len(f.Benchmarks) == 0 {
		return nil, im.problems, fmt.Errorf("%s: no benchmark results found; expected lines like \"BenchmarkName-8  1000  1234 ns/op\" from go test -bench", name)
	}
	f.MarkComplete()
	return f, im.problems, nil
}

// importer is the state of one Import: the series in the order they first
// appear, and what the input says about its machine.
type importer struct {
	name     string
	problems []Problem
	order    []*series
	byKey    map[string]*series // pkg, goName (with -N), unit
	pkgs     map[string]bool
	env      results.Env
	// better holds the direction a "Unit UNIT better=higher|lower" line
	// gave a unit (as written); it overrides the guess from the unit.
	better map[string]results.Direction
}

// unitMetadata takes a Unit line: better=higher|lower sets the direction
// of every benchmark in that unit; other keys (assume=) do not change what
// is imported.
func (im *importer) unitMetadata(u *benchfmt.UnitMetadata) {
	if u.Key != "better" {
		return
	}
	_, line := u.Pos()
	switch u.Value {
	case "higher":
		im.better[u.OrigUnit] = results.HigherIsBetter
	case "lower":
		im.better[u.OrigUnit] = results.LowerIsBetter
	default:
		im.add(line, "unit %s: better=%q is neither higher nor lower; ignored", u.OrigUnit, u.Value)
	}
}

func (im *importer) add(line int, format string, args ...any) {
	im.problems = append(im.problems, Problem{File: im.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// result takes one result line: its configuration into the environment,
// each of its values into the series of its (package, name, unit).
func (im *importer) result(rec *benchfmt.Result) {
	_, line := rec.Pos()
	if v := rec.GetConfig("goos"); v != "" {
		im.env.OS = v
	}
	if v := rec.GetConfig("goarch"); v != "" {
		im.env.Arch = v
	}
	if v := rec.GetConfig("cpu"); v != "" {
		im.env.CPUModel = v
	}
	if v := rec.GetConfig("commit"); v != "" {
		im.env.Commit = v // present in hivebench's own export
	}
	pkg := rec.GetConfig("pkg")
	if pkg != "" {
		im.pkgs[pkg] = true
	}
	goName, what, n := splitName(rec.Name)
	if what == "" {
		im.add(line, "benchmark %q has no name after \"Benchmark\"; skipped", goName)
		return
	}
	for _, v := range rec.Values {
		origUnit, origValue := v.Unit, v.Value
		if v.OrigUnit != "" {
			origUnit, origValue = v.OrigUnit, v.OrigValue
		}
		unit, suffix, dir, err := mapUnit(origUnit)
		if err != nil {
			im.add(line, "benchmark %s: %v; value skipped", goName, err)
			continue
		}
		key := pkg + "\x00" + goName + "\x00" + origUnit
		s := im.byKey[key]
		if s == nil {
			s = &series{pkg: pkg, goName: goName, what: what, procs: n, origUnit: origUnit, suffix: suffix,
				line: line, unit: unit, direction: dir}
			im.byKey[key] = s
			im.order = append(im.order, s)
		}
		s.samples = append(s.samples, origValue)
	}
}

// assignIDs gives each series its results id and returns the series kept
// with their ids; a series whose id is taken or invalid is a problem. It
// also sets the environment's GOMAXPROCS when every result agrees on it.
//
// The ids are made once everything is read, because whether the
// GOMAXPROCS suffix or the package must be part of an id depends on
// the whole input: `-cpu 1,4` gives BenchmarkX-1 and BenchmarkX-4, which
// are different measurements and must not be pooled into one sample set.
func (im *importer) assignIDs() (kept []*series, ids []string) {
	procsOf := map[string]map[int]bool{} // pkg + what → -N values
	allProcs := map[int]bool{}
	for _, s := range im.order {
		k := s.pkg + "\x00" + s.what
		if procsOf[k] == nil {
			procsOf[k] = map[int]bool{}
		}
		procsOf[k][s.procs] = true
		if s.procs > 0 {
			allProcs[s.procs] = true
		}
	}
	if len(allProcs) == 1 {
		for n := range allProcs {
			im.env.GOMAXPROCS = n
		}
	}
	owner := map[string]*series{}
	for _, s := range im.order {
		what := s.what
		if len(im.pkgs) > 1 && s.pkg != "" {
			what = sanitize(path.Base(s.pkg)) + "_" + what
		}
		if len(procsOf[s.pkg+"\x00"+s.what]) > 1 {
			what += "_p" + strconv.Itoa(s.procs)
		}
		id := string(results.GoBench) + "." + what + s.suffix
		if prev, taken := owner[id]; taken {
			im.add(s.line, "benchmark %s (%s) maps to %s, which %s (%s, line %d) already uses; rename one of them; skipped",
				s.goName, s.origUnit, id, prev.goName, prev.origUnit, prev.line)
			continue
		}
		if _, err := results.CheckName(id); err != nil {
			im.add(s.line, "benchmark %s: %v; skipped", s.goName, err)
			continue
		}
		owner[id] = s
		kept = append(kept, s)
		ids = append(ids, id)
	}
	return kept, ids
}

var procsSuffix = regexp.MustCompile(`-([0-9]+)$`)
var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// splitName returns the Go name as written, the results WHAT for it and the
// GOMAXPROCS suffix (0 when there is none).
func splitName(n benchfmt.Name) (goName, what string, procs int) {
	// benchfmt strips the "Benchmark" prefix; put it back so problems
	// name the function the user wrote.
	goName = "Benchmark" + n.String()
	base := goName
	if m := procsSuffix.FindStringSubmatch(base); m != nil {
		procs, _ = strconv.Atoi(m[1])
		base = base[:len(base)-len(m[0])]
	}
	base = strings.TrimPrefix(base, "Benchmark")
	return goName, sanitize(base), procs
}

func sanitize(s string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "_"), "_")
}

// mapUnit maps a Go benchmark unit (as written, before benchfmt's tidying)
// to a results unit, the suffix the results id gets, and the direction.
func mapUnit(u string) (unit, suffix string, d results.Direction, err error) {
	switch u {
	case "ns/op":
		return "ns", "", results.LowerIsBetter, nil
	case "B/op":
		return "bytes", "_bytes", results.LowerIsBetter, nil
	case "allocs/op":
		return "allocs", "_allocs", results.LowerIsBetter, nil
	}
	// A size named for what it measures (peak-RSS-bytes, RSS-bytes, as
	// Export and the Go project's own benchmarks write) is bytes; the
	// suffix keeps the name, so peak RSS is never pooled with heap bytes.
	if strings.HasSuffix(u, "-bytes") && !strings.Contains(u, "/") {
		return "bytes", "_" + sanitize(u), results.LowerIsBetter, nil
	}
	cand := u
	if strings.HasSuffix(u, "/op") {
		cand = strings.TrimSuffix(u, "/op")
	}
	pu, perr := results.ParseUnit(cand)
	if perr != nil {
		return "", "", "", fmt.Errorf("unit %q has no results equivalent (%v)", u, perr)
	}
	d = results.LowerIsBetter
	if strings.HasSuffix(pu.Dim, "/time") {
		d = results.HigherIsBetter
	}
	return cand, "_" + sanitize(u), d, nil
}
