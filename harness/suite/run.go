package suite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Progress receives one line per step of a run or gate (a set-up, a
// round, a decision), for stderr. Nil discards them.
type Progress func(format string, args ...any)

func (p Progress) printf(format string, args ...any) {
	if p != nil {
		p(format, args...)
	}
}

// Run measures one target: for each selected family in report order it
// sets up one probe session, runs s.Rounds rounds and closes the session.
// Families run one after another, never concurrently, so that no probe
// measures while another loads the machine.
//
// The Record holds every round that completed, also when Run fails: the
// caller writes it as an incomplete results file, because those samples are
// still real. A canceled ctx (SIGINT) ends the current round and returns an
// Interrupted error.
func Run(ctx context.Context, s Suite, sel Selection, t probe.Target, progress Progress) (*Record, error) {
	rec := NewRecord()
	rounds := max(s.Rounds, 1)
	for _, p := range sel.Probes {
		metrics := sel.Metrics(p)
		if err := runFamily(ctx, p, metrics, t, rounds, rec, progress); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

func runFamily(ctx context.Context, p probe.Probe, metrics []probe.Metric, t probe.Target, rounds int, rec *Record, progress Progress) (err error) {
	fam := p.Family()
	start := time.Now()
	against := t.HiveBin
	if against == "" {
		against = t.Name
	}
	progress.printf("%s: setting up against %s", fam, against)
	sess, err := p.Setup(ctx, t)
	if err != nil {
		return stopped(ctx, fmt.Errorf("%s: set-up: %w", fam, err))
	}
	defer func() {
		if cerr := sess.Close(); cerr != nil && err == nil {
			err = exitcode.InfraError("%s: closing the session: %v", fam, cerr)
		}
	}()
	for i := 1; i <= rounds; i++ {
		got, err := sess.Round(ctx)
		if err != nil {
			return stopped(ctx, fmt.Errorf("%s: round %d of %d: %w", fam, i, rounds, err))
		}
		rec.Add(fam, metrics, got)
		progress.printf("%s: round %d/%d done (%.1fs)", fam, i, rounds, time.Since(start).Seconds())
	}
	return nil
}

// Interrupted is the error of a run or gate stopped by its context
// (SIGINT, SIGTERM, SIGHUP): exit code 3, because the measurement did not happen,
// not because it said no.
type Interrupted struct{ Cause error }

func (e *Interrupted) Error() string { return "interrupted: " + e.Cause.Error() }
func (e *Interrupted) Unwrap() error { return e.Cause }

// ExitCode makes an interrupted run exit 3.
func (e *Interrupted) ExitCode() int { return exitcode.Infra }

// stopped turns err into an *Interrupted when ctx has ended: a probe that
// fails because its context was canceled did not find a broken binary.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &Interrupted{Cause: context.Cause(ctx)}
	}
	return err
}

// IsInterrupted reports whether err is an interruption.
func IsInterrupted(err error) bool {
	var i *Interrupted
	return errors.As(err, &i)
}

// FileOptions say what a results file records besides the measurements.
type FileOptions struct {
	Suite string
	// Workload is the tree the parsing and memory probes read; "" records
	// no workload.
	Workload string
	// Fingerprint is Workload's fingerprint, taken before measuring
	// (FingerprintWorkload). Nil uses the one FingerprintWorkload took of
	// Workload in this process.
	Fingerprint *results.Fingerprint
	// Hive is the identity of the binary that was measured, from
	// HiveVersion; its commit replaces the harness's own in Env.
	Hive *HiveInfo
	// Subject is what was measured instead of hive (nil: hive).
	Subject *subject.Subject
}

// taken holds the fingerprint FingerprintWorkload took of each tree, by
// path, so that NewFile finds it for a caller that names only the tree.
var taken struct {
	sync.Mutex
	fp map[string]results.Fingerprint
}

// FingerprintWorkload fingerprints the tree at dir and keeps the result for
// NewFile. Call it before measuring: NewFile never reads the tree, because
// after an interrupt the tree may be unreadable or changed (an unmounted
// disk, a checkout switched under a long run), and the record of what was
// measured must not depend on it. Each call fingerprints again and replaces
// what an earlier call kept.
func FingerprintWorkload(dir string) (results.Fingerprint, error) {
	fp, err := results.FingerprintTree(dir)
	if err != nil {
		return results.Fingerprint{}, err
	}
	taken.Lock()
	defer taken.Unlock()
	if taken.fp == nil {
		taken.fp = map[string]results.Fingerprint{}
	}
	taken.fp[filepath.Clean(dir)] = fp
	return fp, nil
}

// NewFile turns a record into a results file: benchmarks, the workload
// fingerprint and the measured binary's commit. It is incomplete until the
// caller calls MarkComplete.
//
// NewFile does not read the workload: its fingerprint is o.Fingerprint, or
// the one FingerprintWorkload took before measuring. A workload that was
// never fingerprinted is an error (a harness bug), not a file without one.
func NewFile(rec *Record, o FileOptions) (*results.File, error) {
	var fp results.Fingerprint
	switch {
	case o.Fingerprint != nil:
		fp = *o.Fingerprint
	case o.Workload != "":
		taken.Lock()
		got, ok := taken.fp[filepath.Clean(o.Workload)]
		taken.Unlock()
		if !ok {
			return nil, exitcode.InfraError("results file: workload %s was not fingerprinted before measuring (suite.FingerprintWorkload)", o.Workload)
		}
		fp = got
	}
	f := results.NewFile(o.Suite, fp)
	if o.Hive != nil {
		f.Env.Commit = o.Hive.Commit
		f.Env.Dirty = o.Hive.Dirty
	}
	if o.Subject != nil {
		f.Subject = &results.Subject{Name: o.Subject.Name, Description: o.Subject.Description, File: o.Subject.Source, SHA256: o.Subject.SHA256}
	}
	bs, err := rec.Benchmarks()
	if err != nil {
		return nil, exitcode.With(exitcode.Infra, err)
	}
	for _, b := range bs {
		f.Add(b)
	}
	return f, nil
}
