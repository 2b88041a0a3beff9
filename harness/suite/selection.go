package suite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Selection is the subset of probes and metrics a command works on, from
// --metrics: a comma-separated list of family names ("startup") and metric
// names ("database.cache_get"). A metric name runs its family's probe and
// keeps only that metric.
type Selection struct {
	// Probes to run, in report order.
	Probes []probe.Probe
	// keep is the set of selected metric names.
	keep map[string]bool
}

// Select resolves spec against probes (all of them for an empty spec). An
// unknown name is a usage error that lists the families and metrics.
func Select(probes []probe.Probe, spec string) (Selection, error) {
	sel := Selection{keep: map[string]bool{}}
	items := splitList(spec)
	if len(items) == 0 {
		for _, p := range probes {
			for _, m := range p.Metrics() {
				sel.keep[m.Name] = true
			}
		}
		sel.Probes = append(sel.Probes, probes...)
		return sel, nil
	}
	chosen := map[string]bool{}
	for _, item := range items {
		found := false
		for _, p := range probes {
			if item == p.Family() {
				found = true
				chosen[p.Family()] = true
				for _, m := range p.Metrics() {
					sel.keep[m.Name] = true
				}
				continue
			}
			for _, m := range p.Metrics() {
				if item == m.Name {
					found = true
					chosen[p.Family()] = true
					sel.keep[m.Name] = true
				}
			}
		}
		if !found {
			return Selection{}, exitcode.UsageError("--metrics: unknown family or metric %q; families: %s; metrics: %s",
				item, strings.Join(familyNames(probes), ", "), strings.Join(metricNames(probes), ", "))
		}
	}
	for _, p := range probes {
		if chosen[p.Family()] {
			sel.Probes = append(sel.Probes, p)
		}
	}
	return sel, nil
}

// Families returns the selected families in report order.
func (s Selection) Families() []string {
	return familyNames(s.Probes)
}

// Metrics returns the selected metrics of p, in its report order.
func (s Selection) Metrics(p probe.Probe) []probe.Metric {
	var out []probe.Metric
	for _, m := range p.Metrics() {
		if s.keep[m.Name] {
			out = append(out, m)
		}
	}
	return out
}

// All returns every selected metric in report order.
func (s Selection) All() []probe.Metric {
	var out []probe.Metric
	for _, p := range s.Probes {
		out = append(out, s.Metrics(p)...)
	}
	return out
}

// Names are the ids of the selected metrics, in report order.
func (s Selection) Names() []string {
	var out []string
	for _, m := range s.All() {
		out = append(out, m.Name)
	}
	return out
}

// Has reports whether the metric name is selected.
func (s Selection) Has(name string) bool { return s.keep[name] }

// HasFamily reports whether any metric of family is selected.
func (s Selection) HasFamily(family string) bool {
	return slices.Contains(s.Families(), family)
}

func familyNames(probes []probe.Probe) []string {
	out := make([]string, len(probes))
	for i, p := range probes {
		out[i] = p.Family()
	}
	return out
}

func metricNames(probes []probe.Probe) []string {
	var out []string
	for _, p := range probes {
		for _, m := range p.Metrics() {
			out = append(out, m.Name)
		}
	}
	return out
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SelectFamilies is Select for a positional family argument of validate:
// "all" (or empty) is every family.
func SelectFamilies(probes []probe.Probe, family string) (Selection, error) {
	if family == "" || family == "all" {
		return Select(probes, "")
	}
	for _, p := range probes {
		if p.Family() == family {
			return Select(probes, family)
		}
	}
	return Selection{}, exitcode.UsageError("unknown family %q; use one of %s, or all", family, strings.Join(familyNames(probes), ", "))
}

// describe is a selection in words for progress output.
func (s Selection) describe() string {
	return fmt.Sprintf("%d metrics of %s", len(s.All()), strings.Join(s.Families(), ", "))
}
