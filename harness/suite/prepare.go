package suite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Measurement is a resolved suite and selection, ready to run against one
// binary (Prepare, then Measure).
type Measurement struct {
	Suite     Suite
	Selection Selection
	// Bin is the hive binary Measure runs.
	Bin string
	// Fingerprint is the workload's, taken before measuring; nil without
	// a workload.
	Fingerprint *results.Fingerprint
	// Subject, when set, is measured instead of Bin.
	Subject *subject.Subject
}

// Prepare resolves the suite called name, adjusted by o, and the metrics
// spec (Select; "" for all) into a Measurement of bin; every mistake is a
// usage error naming its flag. It resolves the workload and fingerprints
// it now, not after measuring: an interrupted run must be able to save its
// results whatever became of the tree.
func Prepare(ctx context.Context, name string, o Options, metrics, bin string) (*Measurement, error) {
	s, err := Lookup(name)
	if err != nil {
		return nil, exitcode.UsageError("--suite: %v", err)
	}
	if s, err = s.With(o); err != nil {
		return nil, err
	}
	sel, err := selectProbes(s, metrics)
	if err != nil {
		return nil, err
	}
	if s, err = s.ResolveWorkload(ctx, sel.Families()); err != nil {
		return nil, err
	}
	// Probes read their configuration when built: build them again with
	// the resolved workload.
	if sel, err = selectProbes(s, metrics); err != nil {
		return nil, err
	}
	if err := checkSubject(o.Subject, sel); err != nil {
		return nil, err
	}
	if o.Subject != nil && metrics != "" {
		// A subject's probes skip what was not asked for: an analyze that
		// cannot be measured must not fail a run that did not select it.
		s.Probe.Only = sel.Names()
		if sel, err = selectProbes(s, metrics); err != nil {
			return nil, err
		}
	}
	m := &Measurement{Suite: s, Selection: sel, Bin: bin, Subject: o.Subject}
	if s.Probe.Workload != "" {
		fp, err := FingerprintWorkload(s.Probe.Workload)
		if err != nil {
			return nil, err
		}
		m.Fingerprint = &fp
	}
	return m, nil
}

func selectProbes(s Suite, metrics string) (Selection, error) {
	probes, err := probe.All(s.Probe)
	if err != nil {
		return Selection{}, err
	}
	return Select(probes, metrics)
}

// Measure runs the suite against the binary and returns the results file:
// complete, or (with the error) incomplete with the rounds that finished.
// A nil file means nothing was measured.
func (m *Measurement) Measure(ctx context.Context, progress Progress) (*results.File, error) {
	target := probe.Target{Name: "hive", HiveBin: m.Bin}
	fo := FileOptions{Suite: m.Suite.Name, Workload: m.Suite.Probe.Workload, Fingerprint: m.Fingerprint, Subject: m.Subject}
	if m.Subject != nil {
		if err := m.Subject.Check(); err != nil {
			return nil, err
		}
		target = probe.Target{Name: m.Subject.Name}
		progress.printf("%s; measuring subject %s (%s)", m.Suite, m.Subject.Name, m.Subject.Source)
	} else {
		info, err := HiveVersion(ctx, "--hive-bin", m.Bin)
		if err != nil {
			return nil, err
		}
		fo.Hive = info
		progress.printf("%s; measuring %s", m.Suite, info.Label())
	}
	start := time.Now()
	rec, runErr := Run(ctx, m.Suite, m.Selection, target, progress)
	file, err := NewFile(rec, fo)
	if err != nil {
		return nil, errors.Join(runErr, err)
	}
	if runErr != nil {
		reason := runErr.Error()
		if IsInterrupted(runErr) {
			reason = "interrupted by a signal"
		}
		file.MarkIncomplete(fmt.Sprintf("%s (after %v)", firstLine(reason), time.Since(start).Round(time.Second)))
		return file, runErr
	}
	file.MarkComplete()
	progress.printf("done in %v", time.Since(start).Round(time.Second))
	return file, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// checkSubject refuses, before anything runs, a selected family that the
// subject's file gives no way to measure: a family left out silently would
// make a results file look complete.
func checkSubject(sub *subject.Subject, sel Selection) error {
	if sub == nil {
		return nil
	}
	for _, p := range sel.Probes {
		if ok, section := sub.Supports(p.Family()); !ok {
			return exitcode.UsageError("--subject %s: the %s family needs the file's %s section, which subject %s does not have; add it, or leave %s out with --metrics",
				sub.Source, p.Family(), section, sub.Name, p.Family())
		}
	}
	return nil
}
