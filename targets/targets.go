// Package targets holds hive's performance targets: tiers of bounds, each
// bound on one statistic of one benchmark (e.g. "startup.serve p95 ≤ 20 ms").
// The built-in tiers live in targets.yaml, embedded in the binary; read that
// file first — its header documents how the five seed metrics of the old
// report map onto benchmarks, and where every number comes from.
//
// Use:
//
//	set, err := targets.LoadFile(path)   // "" = built-in tiers only
//	tier, err := set.Tier("hive")        // unknown tier: usage error listing the known ones
//	outcomes := targets.Check(tier, resultsFile)
//
// A user file (--targets FILE) has the same shape as targets.yaml; a tier
// with a new name is added, a tier with an existing name replaces the
// built-in tier whole. Parsing is strict: unknown fields, tiers, metrics,
// statistics and units are errors that name the file, line and what would
// be right, because a mistyped target would otherwise never be checked.
package targets

import (
	_ "embed"
	"errors"
	"fmt"
	"github.com/hiveperf/hive/internal/cli"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

//go:embed targets.yaml
var builtinYAML []byte

// Names of tiers with a role in reports.
const (
	// DefaultTier is the tier `hivebench run` checks unless told otherwise.
	DefaultTier = "hive"
	// ReferenceTier is the tier the "vs TypeScript" column divides by.
	ReferenceTier = "typescript"
)

// Statistic names a field of stats.Summary a target bounds.
type Statistic string

// The statistics a target may bound. Peak is Max under the name a memory
// target is usually stated with.
const (
	P50  Statistic = "p50"
	P90  Statistic = "p90"
	P95  Statistic = "p95"
	P99  Statistic = "p99"
	Mean Statistic = "mean"
	Min  Statistic = "min"
	Max  Statistic = "max"
	Peak Statistic = "peak"
)

var statistics = []Statistic{P50, P90, P95, P99, Mean, Min, Max, Peak}

// Target is one bound.
type Target struct {
	// Metric is a benchmark id from results.Catalog, or FAMILY.* to hold
	// every benchmark of a family to the bound.
	Metric    string    `json:"metric" yaml:"metric"`
	Statistic Statistic `json:"statistic" yaml:"statistic"`
	// Bound is in Unit: an upper bound for lower-is-better benchmarks, a
	// lower bound for higher-is-better ones.
	Bound      float64 `json:"bound" yaml:"bound"`
	Unit       string  `json:"unit" yaml:"unit"`
	Provenance string  `json:"provenance" yaml:"provenance"`
	Note       string  `json:"note,omitempty" yaml:"note"`
	// Over, when set, makes Bound a margin: the statistic must be at most
	// the same statistic of benchmark Over, measured in the same run, plus
	// Bound. A floor that moves with the machine (the loopback round trip
	// under a cache hit, the process launch under a server's startup) is
	// then taken out of the bound instead of being guessed into it.
	Over string `json:"over,omitempty" yaml:"over"`
}

// IsPattern reports whether the target applies to a whole family.
func (t Target) IsPattern() bool { return strings.HasSuffix(t.Metric, ".*") }

// Matches reports whether the target applies to benchmark name.
func (t Target) Matches(name string) bool {
	if t.IsPattern() {
		return strings.HasPrefix(name, strings.TrimSuffix(t.Metric, "*"))
	}
	return name == t.Metric
}

// String is the target in words, e.g. "startup.serve p95 ≤ 20 ms".
func (t Target) String() string {
	return fmt.Sprintf("%s %s", t.Metric, t.Condition(results.LowerIsBetter))
}

// Condition is the bound without the metric, e.g. "p95 ≤ 20 ms", for a
// benchmark of direction d.
func (t Target) Condition(d results.Direction) string {
	op := "≤"
	if d == results.HigherIsBetter {
		op = "≥"
	}
	bound := strconv.FormatFloat(t.Bound, 'g', -1, 64) + " " + t.Unit
	if t.Over != "" {
		return fmt.Sprintf("%s %s %s %s + %s", t.Statistic, op, t.Over, t.Statistic, bound)
	}
	return fmt.Sprintf("%s %s %s", t.Statistic, op, bound)
}

// Tier is a named set of targets.
type Tier struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Provenance  string   `json:"provenance"`
	Targets     []Target `json:"targets"`
	// Source is "targets.yaml (built in)" or the user file it came from.
	Source string `json:"source"`
}

// Set is the tiers known to a run: built-in ones, possibly overridden.
type Set struct {
	tiers []Tier
}

// Builtin returns the embedded tiers.
func Builtin() (*Set, error) {
	tiers, err := Parse("targets.yaml (built in)", builtinYAML)
	if err != nil {
		// The embedded file is covered by tests; reaching this is a broken build.
		return nil, exitcode.InfraError("built-in targets: %v", err)
	}
	return &Set{tiers: tiers}, nil
}

// LoadFile returns the built-in tiers merged with the tiers of the user file
// at path; an empty path means built-in only.
func LoadFile(path string) (*Set, error) {
	set, err := Builtin()
	if err != nil || path == "" {
		return set, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, exitcode.UsageError("targets file %s does not exist", path)
		}
		return nil, exitcode.UsageError("targets file %s cannot be read: %v", path, err)
	}
	tiers, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	set.Merge(tiers)
	return set, nil
}

// Merge adds tiers; a tier with an existing name replaces the old one in
// place, so report order stays stable.
func (s *Set) Merge(tiers []Tier) {
	for _, t := range tiers {
		replaced := false
		for i := range s.tiers {
			if s.tiers[i].Name == t.Name {
				s.tiers[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			s.tiers = append(s.tiers, t)
		}
	}
}

// Tiers returns all tiers in order.
func (s *Set) Tiers() []Tier { return append([]Tier(nil), s.tiers...) }

// Names returns the tier names in order.
func (s *Set) Names() []string {
	out := make([]string, len(s.tiers))
	for i, t := range s.tiers {
		out[i] = t.Name
	}
	return out
}

// Tier returns the tier called name, or a usage error that lists the known
// tiers.
func (s *Set) Tier(name string) (Tier, error) {
	for _, t := range s.tiers {
		if t.Name == name {
			return t, nil
		}
	}
	return Tier{}, exitcode.UsageError("unknown tier %q; known tiers: %s (add one with --targets FILE)", name, strings.Join(s.Names(), ", "))
}

// The YAML shapes. Bound is a node so that both `bound: 20` with `unit: ms`
// and `bound: 20 ms` parse, and a wrong one is reported with its line.
type yamlDoc struct {
	Version int        `yaml:"version"`
	Tiers   []yamlTier `yaml:"tiers"`
}

type yamlTier struct {
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Provenance  string       `yaml:"provenance"`
	Targets     []yamlTarget `yaml:"targets"`
}

type yamlTarget struct {
	Metric     string    `yaml:"metric"`
	Statistic  string    `yaml:"statistic"`
	Bound      yaml.Node `yaml:"bound"`
	Unit       string    `yaml:"unit"`
	Provenance string    `yaml:"provenance"`
	Note       string    `yaml:"note"`
	Over       string    `yaml:"over"`
}

// knownFields names the fields of each YAML shape, for "unknown field"
// errors; yaml.v3 names the Go type instead, which helps nobody.
var knownFields = map[string]string{
	"targets.yamlDoc":    "a targets file (known fields: version, tiers)",
	"targets.yamlTier":   "a tier (known fields: name, description, provenance, targets)",
	"targets.yamlTarget": "a target (known fields: metric, statistic, bound, unit, over, provenance, note)",
}

var (
	tierNameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	quantityRE = regexp.MustCompile(`^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(\S*)\s*$`)
)

// CurrentVersion is the version of the targets file format.
const CurrentVersion = 1

// Parse parses a targets file; name is used in errors, which are usage
// errors naming the file, the line and what would be right.
func Parse(name string, data []byte) ([]Tier, error) {
	fail := func(format string, args ...any) error {
		return exitcode.UsageError("targets file %s: "+format, append([]any{name}, args...)...)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	var doc yamlDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail("is empty; expected `version: %d` and `tiers:`", CurrentVersion)
		}
		return nil, fail("%s", cli.YAMLMessage(err, knownFields))
	}
	if doc.Version != CurrentVersion {
		if doc.Version == 0 {
			return nil, fail("missing `version: %d`", CurrentVersion)
		}
		return nil, fail("has version %d; this hivebench reads version %d", doc.Version, CurrentVersion)
	}
	if len(doc.Tiers) == 0 {
		return nil, fail("has no tiers; expected `tiers:` with at least one tier")
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	seen := map[string]bool{}
	var tiers []Tier
	for i, yt := range doc.Tiers {
		at := fmt.Sprintf("tiers[%d]", i)
		if yt.Name == "" {
			add("%s: missing required field name", at)
		} else if !tierNameRE.MatchString(yt.Name) {
			add("%s: tier name %q must be lower case letters, digits, - or _", at, yt.Name)
		} else if seen[yt.Name] {
			add("%s: tier %q is defined twice in this file", at, yt.Name)
		}
		seen[yt.Name] = true
		if yt.Name != "" {
			at = "tier " + yt.Name
		}
		if len(yt.Targets) == 0 {
			add("%s: has no targets", at)
		}
		tier := Tier{Name: yt.Name, Description: yt.Description, Provenance: yt.Provenance, Source: name}
		type key struct {
			metric string
			stat   Statistic
		}
		dup := map[key]bool{}
		for j, ytg := range yt.Targets {
			tg, errs := buildTarget(ytg, yt.Provenance)
			where := fmt.Sprintf("%s, target %d", at, j+1)
			if ytg.Metric != "" {
				where += " (" + ytg.Metric + ")"
			}
			if ytg.Bound.Line > 0 {
				where = fmt.Sprintf("line %d: %s", ytg.Bound.Line, where)
			}
			for _, e := range errs {
				add("%s: %s", where, e)
			}
			k := key{tg.Metric + "|" + tg.Over, tg.Statistic}
			if len(errs) == 0 && dup[k] {
				add("%s: %s %s is bounded twice in this tier", where, tg.Metric, tg.Statistic)
			}
			dup[k] = true
			tier.Targets = append(tier.Targets, tg)
		}
		tiers = append(tiers, tier)
	}
	if len(problems) > 0 {
		return nil, fail("%s", strings.Join(problems, "; "))
	}
	return tiers, nil
}

// buildTarget checks one target and resolves its bound and provenance.
func buildTarget(y yamlTarget, tierProvenance string) (Target, []string) {
	var errs []string
	t := Target{Metric: y.Metric, Statistic: Statistic(y.Statistic), Unit: y.Unit, Provenance: y.Provenance, Note: y.Note, Over: y.Over}
	if t.Provenance == "" {
		t.Provenance = tierProvenance
	}
	if t.Provenance == "" {
		errs = append(errs, "missing provenance (on the target or its tier): say where the number comes from")
	}
	specs, err := metricSpecs(y.Metric)
	if err != nil {
		errs = append(errs, err.Error())
	}
	if y.Statistic == "" {
		errs = append(errs, fmt.Sprintf("missing required field statistic (one of %s)", statisticList()))
	} else if !validStatistic(t.Statistic) {
		errs = append(errs, fmt.Sprintf("unknown statistic %q; use one of %s", y.Statistic, statisticList()))
	}
	bound, unit, err := parseBound(y.Bound, y.Unit)
	if err != nil {
		errs = append(errs, err.Error())
	} else {
		t.Bound, t.Unit = bound, unit
		for _, s := range specs {
			if !results.Compatible(unit, s.Unit) {
				u, _ := results.ParseUnit(s.Unit)
				errs = append(errs, fmt.Sprintf("unit %s does not fit %s, which is measured in %s (a %s)", unit, s.Name, s.Unit, u.Dim))
				break
			}
		}
	}
	if y.Over != "" {
		errs = append(errs, checkOver(y.Over, specs)...)
	}
	return t, errs
}

// checkOver checks a target's over: one catalogued benchmark of the same
// dimension as the bounded one, which must be lower-is-better (a margin
// over a floor makes no sense for a rate).
func checkOver(over string, specs []results.Spec) []string {
	if strings.HasSuffix(over, ".*") {
		return []string{fmt.Sprintf("over: %q is a family; name one benchmark, such as consensus.http_floor", over)}
	}
	o, err := metricSpecs(over)
	if err != nil {
		return []string{"over: " + err.Error()}
	}
	var errs []string
	for _, s := range specs {
		if s.Name == o[0].Name {
			errs = append(errs, fmt.Sprintf("over: %s is the bounded metric itself; name the floor it is measured over", over))
		}
		if !results.Compatible(s.Unit, o[0].Unit) {
			errs = append(errs, fmt.Sprintf("over: %s is measured in %s and %s in %s; a margin needs the same dimension", over, o[0].Unit, s.Name, s.Unit))
		}
		if s.Direction == results.HigherIsBetter {
			errs = append(errs, fmt.Sprintf("over: %s is higher-is-better; a margin over a floor bounds only lower-is-better metrics", s.Name))
		}
	}
	return errs
}

// parseBound reads `bound: 20` + `unit: ms` or `bound: 20 ms`.
func parseBound(n yaml.Node, unit string) (float64, string, error) {
	if n.Kind == 0 {
		return 0, "", errors.New("missing required field bound (a number, with its unit in unit:)")
	}
	if n.Kind != yaml.ScalarNode {
		return 0, "", fmt.Errorf("bound must be a number such as 20 (with unit: ms) or a string such as \"20 ms\"")
	}
	m := quantityRE.FindStringSubmatch(n.Value)
	if m == nil {
		return 0, "", fmt.Errorf("bound %q is not a number; write e.g. `bound: 20` with `unit: ms`", n.Value)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "", fmt.Errorf("bound %q is not a finite number", n.Value)
	}
	if v <= 0 {
		return 0, "", fmt.Errorf("bound %s must be positive", n.Value)
	}
	switch {
	case m[2] != "" && unit != "" && m[2] != unit:
		return 0, "", fmt.Errorf("bound %q says unit %s but unit: says %s; give the unit once", n.Value, m[2], unit)
	case m[2] != "":
		unit = m[2]
	case unit == "":
		return 0, "", fmt.Errorf("missing required field unit for bound %s (e.g. ms, µs, MB, ms/file)", n.Value)
	}
	if _, err := results.ParseUnit(unit); err != nil {
		return 0, "", err
	}
	return v, unit, nil
}

// metricSpecs resolves a target's metric to the catalogued benchmarks it
// covers.
func metricSpecs(metric string) ([]results.Spec, error) {
	if metric == "" {
		return nil, errors.New("missing required field metric (a benchmark id such as startup.serve, or FAMILY.*)")
	}
	if fam, ok := strings.CutSuffix(metric, ".*"); ok {
		if !results.IsFamily(results.Family(fam)) {
			return nil, fmt.Errorf("unknown metric family %q in %q; families are startup, memory, parsing, consensus, database", fam, metric)
		}
		var out []results.Spec
		for _, s := range results.Catalog {
			if string(s.Family) == fam {
				out = append(out, s)
			}
		}
		return out, nil
	}
	s, ok := results.LookupSpec(metric)
	if !ok {
		hint := ""
		if near := cli.Nearest(metric, results.CatalogNames()); near != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", near)
		}
		return nil, fmt.Errorf("unknown metric %q%s; known: %s, or FAMILY.*", metric, hint, strings.Join(results.CatalogNames(), ", "))
	}
	return []results.Spec{s}, nil
}

func validStatistic(s Statistic) bool {
	for _, k := range statistics {
		if k == s {
			return true
		}
	}
	return false
}

func statisticList() string {
	s := make([]string, len(statistics))
	for i, k := range statistics {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
