package reports

import (
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/targets"
)

// NewRun is the Run of f with its outcomes against ts's tier and the
// reference tier, keeping the targets of the metrics of set
// (targets.Filter; nil keeps all).
func NewRun(f *results.File, ts targets.Tiers, set targets.Metrics) Run {
	r := Run{File: f, Outcomes: ts.Check(f, set)}
	if ts.Tier != nil {
		r.Tier = ts.Tier.Name
	}
	// A subject's run is not divided by the stated TypeScript figures: the
	// column is hive's, against another implementation.
	if ts.Reference != nil && f.Subject == nil {
		r.Reference = ts.CheckReference(f, set)
	}
	return r
}

// CheckTier holds c's head against ts's tier, keeping the targets of the
// metrics of set; without a tier it leaves c as it is.
func (c *Comparison) CheckTier(ts targets.Tiers, set targets.Metrics) {
	if ts.Tier != nil {
		c.Tier = ts.Tier.Name
		c.Outcomes = ts.Check(c.Head, set)
	}
}
