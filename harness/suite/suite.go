package suite

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiveperf/hive/harness/mockllm"
	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/harness/subject"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Suite is a named measurement plan: which families run, how many rounds
// `hivebench run` measures per family, and the probe configuration of every
// round (samples per round, workload, latency models). The gate uses the
// same probe configuration per round but decides the number of rounds
// itself (see Gate).
type Suite struct {
	Name        string
	Description string
	// Rounds is the number of measured rounds per family in a run.
	Rounds int
	// Probe is the configuration every probe of the suite gets. An empty
	// Probe.Workload is resolved from Workload.
	Probe probe.Config
	// GateSamples replaces Probe.Samples in the rounds of a gate. The gate
	// compares one value per round, so its rounds are short: many short
	// rounds interleave the two binaries more finely than a few long ones.
	GateSamples int
	// Workload is the source tree of the parsing and memory probes,
	// relative to $(go env GOROOT) ("src/net"), used when Probe.Workload is
	// empty. A tree from the Go toolchain is on every machine that builds
	// hive, so `make bench` needs no download.
	Workload string
}

// The built-in suites. Their exact contents are in the package doc; a
// change here changes what baselines mean, so update it there too.
var builtin = []Suite{
	{
		Name:        "test",
		Description: "the smallest suite that exercises every probe, for the harness's own tests: 1 round, 2 samples, GOROOT/src/encoding/json",
		Rounds:      1,
		Probe: probe.Config{
			Samples:    2,
			DBOps:      20,
			Concurrent: 4,
			Settle:     100 * time.Millisecond,
			E2ELatency: mockllm.Latency{TTFT: 5 * time.Millisecond, ITL: time.Millisecond, Tokens: 4},
		},
		GateSamples: 1,
		Workload:    "src/encoding/json",
	},
	{
		Name:        "quick",
		Description: "`make bench`: every family, 3 rounds, 10 samples per round, GOROOT/src/net; under 3 minutes on 2 cores",
		Rounds:      3,
		Probe:       probe.Config{Samples: 10, DBOps: 200, Quick: true},
		GateSamples: 3,
		Workload:    "src/net",
	},
	{
		Name:        "ci",
		Description: "baselines and the gate: every family, 10 rounds after 1 warm-up round, 10 samples per round, GOROOT/src/net",
		Rounds:      10,
		Probe:       probe.Config{Samples: 10, DBOps: 200, WarmupRounds: 1, Quick: true},
		GateSamples: 3,
		Workload:    "src/net",
	},
	{
		Name:        "full",
		Description: "release numbers: every family, 10 rounds after 1 warm-up round, 20 samples per round, all of GOROOT/src",
		Rounds:      10,
		Probe:       probe.Config{Samples: 20, DBOps: 1000, WarmupRounds: 1},
		GateSamples: 5,
		Workload:    "src",
	},
}

// Names lists the built-in suites in order of size.
func Names() []string {
	out := make([]string, len(builtin))
	for i, s := range builtin {
		out[i] = s.Name
	}
	return out
}

// Lookup returns the built-in suite called name, or a usage error that
// lists the known ones.
func Lookup(name string) (Suite, error) {
	for _, s := range builtin {
		if s.Name == name {
			return s, nil
		}
	}
	return Suite{}, exitcode.UsageError("unknown suite %q; known suites: %s", name, strings.Join(Names(), ", "))
}

// LookupBaseline names the suite a run compared with base repeats: the
// one base was recorded with, or *override when not nil (--suite given). A
// suite this hivebench does not know is a usage error that says to pass
// --suite.
func LookupBaseline(base *results.File, override *string) (string, error) {
	name := base.Suite
	if override != nil {
		name = *override
	}
	if _, err := Lookup(name); err != nil {
		return "", exitcode.UsageError("baseline %s was recorded with suite %q, which this hivebench does not know; pass --suite with one of %s", base.Label(), base.Suite, strings.Join(Names(), ", "))
	}
	return name, nil
}

// ForGate returns s with its probes configured for gate rounds
// (GateSamples samples per round).
func (s Suite) ForGate() Suite {
	if s.GateSamples > 0 {
		s.Probe.Samples = s.GateSamples
	}
	return s
}

// Options adjust a suite from the command line.
type Options struct {
	// Workload replaces the suite's source tree (a directory).
	Workload string
	// Rounds replaces the suite's rounds per family when positive.
	Rounds int
	// Samples replaces the samples per round when positive.
	Samples int
	// Gate configures the probes for gate rounds (ForGate) before Samples
	// applies.
	Gate bool
	// Subject, when set, is measured instead of a hive binary (probe
	// Config.Subject): `hivebench run --subject FILE`.
	Subject *subject.Subject
}

// With returns s adjusted by o; a bad value is a usage error naming the flag.
func (s Suite) With(o Options) (Suite, error) {
	if o.Rounds < 0 {
		return s, exitcode.UsageError("--rounds %d: want a positive number of rounds per family", o.Rounds)
	}
	if o.Samples < 0 {
		return s, exitcode.UsageError("--samples %d: want a positive number of samples per round", o.Samples)
	}
	if o.Gate && o.Subject != nil {
		return s, exitcode.UsageError("--subject: the gate compares two hive builds; measure a subject with hivebench run --subject and compare the results files")
	}
	if o.Gate {
		s = s.ForGate()
	}
	s.Probe.Subject = o.Subject
	if o.Rounds > 0 {
		s.Rounds = o.Rounds
	}
	if o.Samples > 0 {
		s.Probe.Samples = o.Samples
	}
	if o.Workload != "" {
		s.Probe.Workload = o.Workload
	}
	return s, nil
}

// readsWorkload reports whether a family's probe reads the workload tree.
func readsWorkload(family string) bool {
	return family == probe.Parsing || family == probe.Memory
}

// ResolveWorkload fills s.Probe.Workload from s.Workload under GOROOT when
// it is empty, so that every probe and the results file's fingerprint name
// the same absolute tree. A tree that does not exist is a usage error when
// a named family reads it and is left unresolved (empty) otherwise: a
// startup-only run must not need a Go toolchain.
func (s Suite) ResolveWorkload(ctx context.Context, families []string) (Suite, error) {
	needed := false
	for _, f := range families {
		needed = needed || readsWorkload(f)
	}
	dir := s.Probe.Workload
	if dir == "" && s.Workload != "" {
		root, err := goroot(ctx)
		if err != nil {
			if needed {
				return s, err
			}
			return s, nil
		}
		dir = filepath.Join(root, filepath.FromSlash(s.Workload))
	}
	if dir == "" {
		return s, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return s, exitcode.UsageError("workload %q: %v", dir, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		if needed {
			return s, exitcode.UsageError("workload %s is not a directory of source files (--workload, or the suite's GOROOT/%s)", abs, s.Workload)
		}
		return s, nil
	}
	s.Probe.Workload = abs
	return s, nil
}

// goroot is `go env GOROOT`: the tree the quick, ci and full suites read.
func goroot(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return "", exitcode.UsageError("the suite's workload lives under GOROOT, but `go env GOROOT` failed (%v); install Go or pass --workload DIR", err)
	}
	root := strings.TrimSpace(string(out))
	if root == "" {
		return "", exitcode.UsageError("`go env GOROOT` printed nothing; pass --workload DIR")
	}
	return root, nil
}

// String is the suite in one line, for progress output.
func (s Suite) String() string {
	w := s.Probe.Workload
	if w == "" {
		w = "GOROOT/" + s.Workload
	}
	return fmt.Sprintf("suite %s: %d rounds per family, %d samples per round, workload %s", s.Name, s.Rounds, max(s.Probe.Samples, 1), w)
}
