package targets

import (
	"strings"

	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Metrics is what a command measured or read, whose targets a check keeps:
// a suite's selection (harness/suite Selection), or FileMetrics of a
// results file.
type Metrics interface {
	Has(metric string) bool
	HasFamily(family string) bool
}

// FileMetrics is the metric set of a results file: its benchmarks.
func FileMetrics(f *results.File) Metrics { return fileMetrics{f} }

type fileMetrics struct{ f *results.File }

func (m fileMetrics) Has(name string) bool {
	_, ok := m.f.Benchmark(name)
	return ok
}

func (m fileMetrics) HasFamily(family string) bool {
	for _, b := range m.f.Benchmarks {
		if string(b.Metric) == family {
			return true
		}
	}
	return false
}

// Filter keeps the outcomes of targets that concern a metric of set: a
// target naming a metric that was not selected is dropped, a family target
// is kept when its family was. A nil set keeps all.
func Filter(outs []Outcome, set Metrics) []Outcome {
	if set == nil {
		return outs
	}
	var keep []Outcome
	for _, o := range outs {
		if o.Target.IsPattern() {
			fam, _, _ := strings.Cut(o.Target.Metric, ".")
			if !set.HasFamily(fam) || (o.Benchmark != "" && !set.Has(o.Benchmark)) {
				continue
			}
		} else if !set.Has(o.Target.Metric) {
			continue
		}
		keep = append(keep, o)
	}
	return keep
}

// Tiers are the tier a command checks (nil: none) and the reference tier
// of the "vs TypeScript" column (nil when the targets have none).
type Tiers struct {
	Tier, Reference *Tier
}

// LoadTiers loads the tier called name ("" for none) and the reference
// tier from the built-in targets and file (LoadFile).
func LoadTiers(file, name string) (Tiers, error) {
	set, err := LoadFile(file)
	if err != nil {
		return Tiers{}, err
	}
	var ts Tiers
	if name != "" {
		t, err := set.Tier(name)
		if err != nil {
			return Tiers{}, exitcode.UsageError("--tier: %v", err)
		}
		ts.Tier = &t
	}
	if r, err := set.Tier(ReferenceTier); err == nil {
		ts.Reference = &r
	}
	return ts, nil
}

// Check holds f against the tier, keeping only targets of what was
// measured (a target of a family that was not measured is not "missing").
// Nil without a tier; a nil set keeps every target.
func (ts Tiers) Check(f *results.File, set Metrics) []Outcome {
	if ts.Tier == nil {
		return nil
	}
	return Filter(Check(*ts.Tier, f), set)
}

// CheckReference is Check against the reference tier.
func (ts Tiers) CheckReference(f *results.File, set Metrics) []Outcome {
	if ts.Reference == nil {
		return nil
	}
	return Filter(Check(*ts.Reference, f), set)
}
