package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/targets"
)

// The JUnit XML shapes: the subset that GitHub (test reporters) and GitLab
// (artifacts:reports:junit) read. There is no time attribute: hive has no
// honest "duration of this test case" to put there, and both readers
// accept its absence.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// junitSkipped marks a case that was not run: a missing metric the gate
// was allowed to pass over (--allow-missing).
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// caseBuilder gathers, per metric, what failed and what could not be
// checked; one JUnit test case per metric carries them all.
type caseBuilder struct {
	order    []string
	failures map[string][]string
	errors   map[string][]string
	out      map[string][]string
	skipped  map[string][]string
}

func newCaseBuilder() *caseBuilder {
	return &caseBuilder{failures: map[string][]string{}, errors: map[string][]string{}, out: map[string][]string{}, skipped: map[string][]string{}}
}

// addMissing gives every missing metric (or family) a test case: an error
// when the gate fails on it, skipped when it was allowed to pass over it.
func (b *caseBuilder) addMissing(ms []gate.Missing, allowed bool) {
	for _, m := range ms {
		b.touch(m.Name)
		line := "not compared: " + m.Why
		if allowed {
			b.skipped[m.Name] = append(b.skipped[m.Name], line+" (allowed by --allow-missing)")
		} else {
			b.errors[m.Name] = append(b.errors[m.Name], line)
		}
	}
}

func (b *caseBuilder) touch(metric string) {
	if _, ok := b.out[metric]; !ok {
		b.order = append(b.order, metric)
		b.out[metric] = nil
	}
}

func (b *caseBuilder) addOutcomes(tier string, outcomes []targets.Outcome) {
	for _, o := range outcomes {
		name := o.Benchmark
		if name == "" {
			name = o.Target.Metric
		}
		b.touch(name)
		switch o.Status {
		case targets.Fail:
			b.failures[name] = append(b.failures[name], fmt.Sprintf("missed target (%s): %s", tier, o.Detail))
		case targets.Missing:
			b.errors[name] = append(b.errors[name], fmt.Sprintf("not measured: target %s %s (%s): %s", o.Target.Metric, o.Target.Condition(o.Direction), tier, o.Detail))
		default:
			b.out[name] = append(b.out[name], fmt.Sprintf("met target (%s): %s", tier, o.Detail))
		}
	}
}

func (b *caseBuilder) suite(name, timestamp string, props []junitProperty) junitSuite {
	s := junitSuite{Name: name, Timestamp: timestamp, Properties: props}
	for _, m := range b.order {
		c := junitCase{Name: m, Classname: "hive." + family(m), SystemOut: strings.Join(b.out[m], "\n")}
		if f := b.failures[m]; len(f) > 0 {
			c.Failure = &junitProblem{Message: f[0], Type: problemType(f), Text: strings.Join(f, "\n")}
			s.Failures++
		} else if e := b.errors[m]; len(e) > 0 {
			c.Error = &junitProblem{Message: e[0], Type: "missing-measurement", Text: strings.Join(e, "\n")}
			s.Errors++
		} else if k := b.skipped[m]; len(k) > 0 {
			c.Skipped = &junitSkipped{Message: strings.Join(k, "; ")}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

func problemType(lines []string) string {
	if strings.HasPrefix(lines[0], "regressed") {
		return "regression"
	}
	return "target-missed"
}

func family(metric string) string {
	f, _, _ := strings.Cut(metric, ".")
	return f
}

func writeJUnit(w io.Writer, s junitSuite) error {
	doc := junitSuites{Name: "hivebench", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func identityProps(prefix string, id Identity) []junitProperty {
	return []junitProperty{
		{prefix + "label", id.Label},
		{prefix + "commit", id.Commit},
		{prefix + "dirty", fmt.Sprint(id.Dirty)},
		{prefix + "suite", id.Suite},
		{prefix + "complete", fmt.Sprint(id.Complete)},
	}
}

func timestamp(f *results.File) string {
	if f == nil || f.Env.Date.IsZero() {
		return ""
	}
	return f.Env.Date.UTC().Format("2006-01-02T15:04:05")
}

func comparisonJUnit(w io.Writer, c Comparison) error {
	b := comparisonCases(c)
	props := append(identityProps("base.", c.baseID()), identityProps("head.", c.headID())...)
	return writeJUnit(w, b.suite("hivebench compare", timestamp(c.Head), props))
}

// comparisonCases is a comparison's verdict per metric: regressions and
// missed targets as failures, missing measurements as errors. JUnit XML and
// the GitHub annotations read the same cases.
func comparisonCases(c Comparison) *caseBuilder {
	b := newCaseBuilder()
	for _, r := range c.rows() {
		b.touch(r.Metric)
		detail := fmt.Sprintf("base p50 %s, head p50 %s, Δ %s, ratio CI %s, p (Holm) %s, n %s, noise %s",
			r.BaseP50, r.HeadP50, r.Delta, r.RatioCI, r.P, r.N, r.Noise)
		if r.Note != "" {
			detail += " — " + r.Note
		}
		if r.Verdict == compare.Regressed {
			b.failures[r.Metric] = append([]string{"regressed " + r.Delta + ": " + detail}, b.failures[r.Metric]...)
		} else {
			b.out[r.Metric] = append(b.out[r.Metric], string(r.Verdict)+": "+detail)
		}
	}
	b.addOutcomes(c.Tier, c.Outcomes)
	b.addMissing(c.Missing, c.MissingAllowed)
	return b
}

func runJUnit(w io.Writer, r Run) error {
	b := newCaseBuilder()
	for _, bench := range r.File.Benchmarks {
		b.touch(bench.Name)
		b.out[bench.Name] = append(b.out[bench.Name], fmt.Sprintf("n %d, p50 %s, p95 %s, p99 %s", bench.Summary.N,
			FormatValue(bench.Summary.P50, bench.Unit), FormatValue(bench.Summary.P95, bench.Unit), FormatValue(bench.Summary.P99, bench.Unit)))
	}
	b.addOutcomes(r.tierName(), r.Outcomes)
	props := identityProps("", IdentityOf("", r.File))
	for _, wr := range runWarnings(r) {
		props = append(props, junitProperty{"warning", wr})
	}
	return writeJUnit(w, b.suite("hivebench run", timestamp(r.File), props))
}
