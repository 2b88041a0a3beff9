package suite

import (
	"fmt"
	"sort"
	"strings"
	"time"

	hgate "github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
)

// GateFile turns one side's record of a gate (GateOutcome.Base or .Head)
// into a results file: nil when the side measured nothing, marked
// incomplete with the first line of gateErr when the gate failed, complete
// otherwise.
func GateFile(rec *Record, fo FileOptions, gateErr error) (*results.File, error) {
	if rec == nil || len(rec.All()) == 0 {
		return nil, nil
	}
	f, err := NewFile(rec, fo)
	if err != nil {
		return nil, err
	}
	if gateErr != nil {
		f.MarkIncomplete(firstLine(gateErr.Error()))
	} else {
		f.MarkComplete()
	}
	return f, nil
}

// Files turns both sides of the gate into results files (GateFile), each
// stamped with its binary's build (base, head).
func (o *GateOutcome) Files(fo FileOptions, base, head *HiveInfo, gateErr error) (*results.File, *results.File, error) {
	fo.Hive = base
	b, err := GateFile(o.Base, fo, gateErr)
	if err != nil {
		return nil, nil, err
	}
	fo.Hive = head
	h, err := GateFile(o.Head, fo, gateErr)
	if err != nil {
		return nil, nil, err
	}
	return b, h, nil
}

// Missing are the metrics of want (Selection.Names) the gate did not
// compare (harness/gate MissingInRounds). The files of such a gate are marked
// incomplete for them, so that they do not pass for complete runs (be
// saved as a baseline, say); nil files are skipped.
func (o *GateOutcome) Missing(want []string, files ...*results.File) []hgate.Missing {
	missing := hgate.MissingInRounds(want, o.Pairs, o.Stopped, o.Results)
	if len(missing) > 0 {
		for _, f := range files {
			if f != nil {
				f.MarkIncomplete("not measured: " + hgate.Summary(missing))
			}
		}
	}
	return missing
}

// Notes are the gate's own lines for the report: how much it measured and
// why it stopped.
func (o *GateOutcome) Notes() []string {
	var fams []string
	for f, n := range o.Pairs {
		fams = append(fams, fmt.Sprintf("%s %d", f, n))
	}
	sort.Strings(fams)
	notes := []string{fmt.Sprintf("gate: %d looks, round pairs per family: %s; %v in all", o.Looks, strings.Join(fams, ", "), o.Elapsed.Round(time.Second))}
	if o.Stopped != "" {
		notes = append(notes, "gate: sampling stopped early: "+o.Stopped)
	}
	return notes
}

// GateRound describes what one gate round of s measures (the suite's
// Rounds do not apply: the sequential procedure decides how many run).
func (s Suite) GateRound() string {
	samples := s.Probe.Samples
	if samples == 0 {
		samples = 10
	}
	w := s.Probe.Workload
	if w == "" {
		w = "none"
	}
	return fmt.Sprintf("rounds as in suite %s: %d samples per round, %d warm-up rounds per session, workload %s", s.Name, samples, s.Probe.WarmupRounds, w)
}
