package suite

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hiveperf/hive/harness/compare"
	hgate "github.com/hiveperf/hive/harness/gate"
	"github.com/hiveperf/hive/harness/results"
)

// GateSides are what a measuring gate (GateAB, GateBaseline) compared,
// ready for harness/gate's Decide and the reports: the two sides' results
// files, the comparisons with the warnings that go with them, the metrics
// asked for, and those of them not compared.
type GateSides struct {
	Base, Head *results.File
	Results    []compare.Result
	Warnings   []string
	Selection  Selection
	Missing    []hgate.Missing
}

// PrepareGate prepares the suite named for gate rounds (Prepare with
// Options.Gate) and completes cfg with its selection; it returns the suite
// too, whose GateRound says what a round measures.
func PrepareGate(ctx context.Context, name string, o Options, metrics string, cfg GateConfig) (GateConfig, Suite, error) {
	o.Gate = true
	m, err := Prepare(ctx, name, o, metrics, "")
	if err != nil {
		return GateConfig{}, Suite{}, err
	}
	cfg.Selection = m.Selection
	return cfg, m.Suite, nil
}

// GateAB is the A/B gate of the binaries cfg.Base and cfg.Head over the
// suite named (PrepareGate, Gate): each side's results file is stamped
// with its binary's build (HiveVersion). When the gate itself fails, the
// sides it measured come back with its error, for the post-mortem.
func GateAB(ctx context.Context, name string, o Options, metrics string, cfg GateConfig) (*GateSides, error) {
	baseInfo, err := HiveVersion(ctx, "--base-bin", cfg.Base.HiveBin)
	if err != nil {
		return nil, err
	}
	headInfo, err := HiveVersion(ctx, "--head-bin", cfg.Head.HiveBin)
	if err != nil {
		return nil, err
	}
	cfg, s, err := PrepareGate(ctx, name, o, metrics, cfg)
	if err != nil {
		return nil, err
	}
	cfg.Progress("A/B: base %s vs head %s; %s; thresholds %s", baseInfo.Label(), headInfo.Label(), s.GateRound(), cfg.Thresholds)
	out, gateErr := Gate(ctx, cfg)
	baseFile, headFile, err := out.Files(FileOptions{Suite: s.Name, Workload: s.Probe.Workload}, baseInfo, headInfo, gateErr)
	if err != nil {
		return nil, errors.Join(gateErr, err)
	}
	sides := &GateSides{Base: baseFile, Head: headFile, Selection: cfg.Selection}
	if gateErr != nil {
		return sides, gateErr
	}
	sides.Missing = out.Missing(cfg.Selection.Names(), baseFile, headFile)
	sides.Results, sides.Warnings = out.Results, out.Notes()
	return sides, nil
}

// GateAA runs n A/A gates (RunAA) of the one binary cfg.Base and cfg.Head
// name, over the suite named (PrepareGate), within cfg.Budget each.
func GateAA(ctx context.Context, name string, o Options, metrics string, cfg GateConfig, n int, w io.Writer) error {
	info, err := HiveVersion(ctx, "A/A binary", cfg.Head.HiveBin)
	if err != nil {
		return err
	}
	cfg, s, err := PrepareGate(ctx, name, o, metrics, cfg)
	if err != nil {
		return err
	}
	cfg.Progress("A/A: %d gates of %s; %s; thresholds %s", n, info.Label(), s.GateRound(), cfg.Thresholds)
	return RunAA(ctx, cfg, n, cfg.Budget, w)
}

// BaselineGate is a fresh run of a hive binary gated against a stored
// baseline.
type BaselineGate struct {
	// Suite replaces the baseline's suite when not nil (LookupBaseline).
	Suite   *string
	Options Options
	// Metrics narrows the suite's metrics (Prepare); Bin is the binary
	// measured.
	Metrics, Bin string
	Thresholds   Thresholds
	// AllowMissing lets the baseline lack metrics asked for
	// (harness/gate CheckBase).
	AllowMissing bool
	Progress     Progress
}

// GateBaseline measures bg.Bin with the baseline's suite and compares the
// run with base (CompareFiles). What the baseline lacks is refused before
// measuring (harness/gate CheckBase). A run that fails comes back with
// what it measured (Head), for the post-mortem.
func GateBaseline(ctx context.Context, base *results.File, bg BaselineGate) (*GateSides, error) {
	name, err := LookupBaseline(base, bg.Suite)
	if err != nil {
		return nil, err
	}
	m, err := Prepare(ctx, name, bg.Options, bg.Metrics, bg.Bin)
	if err != nil {
		return nil, err
	}
	want := m.Selection.Names()
	// What the baseline lacks is known now: refuse before measuring.
	if err := hgate.CheckBase(want, base, bg.AllowMissing); err != nil {
		return nil, fmt.Errorf("hivebench gate: %w", err)
	}
	head, runErr := m.Measure(ctx, bg.Progress)
	if runErr != nil {
		return &GateSides{Head: head}, runErr
	}
	keep := func(name string) bool { return m.Selection.Has(name) }
	rs, warnings, err := CompareFiles(base, head, bg.Thresholds, keep)
	if err != nil {
		return nil, err
	}
	return &GateSides{Base: base, Head: head, Results: rs, Warnings: warnings, Selection: m.Selection,
		Missing: hgate.MissingInFiles(want, base, head, rs)}, nil
}
