package probe

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Target is one hive binary to measure, with its environment.
type Target struct {
	// Name labels the target in errors ("base", "head").
	Name string
	// HiveBin is the path of the hive binary.
	HiveBin string
	// Env is added to the children's environment, after the scrubbing
	// described in the package doc (so it wins).
	Env []string
	// WorkDir is where a session makes its scratch directory (databases,
	// --files-out); empty means the system temp dir. The scratch directory
	// is removed by Close.
	WorkDir string
}

// Metric describes one measured quantity.
type Metric struct {
	Name      string // FAMILY.WHAT, e.g. startup.serve
	Family    string
	Unit      string // as results.ParseUnit reads it: ms, bytes, ms/file, files/s, MB/s, s, ns
	Direction compare.Direction
	// Description says what is measured, in a sentence a report can show.
	Description string
	// Sample says what one raw sample is.
	Sample string
	// Independent is true when every sample comes from its own process
	// run (or a round has one sample), so samples may be pooled across
	// rounds. When false, samples of a round share one process and only
	// RoundValue is an independent observation.
	Independent bool
}

// RoundValue reduces a round's samples of m to the one value the gate
// compares between rounds: the median (type 7, the mean of the two middle
// values for an even count). It is NaN for no samples.
func (m Metric) RoundValue(samples []float64) float64 {
	if len(samples) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), samples...)
	sort.Float64s(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// Probe measures one metric family.
type Probe interface {
	// Family is "startup", "memory", "parsing", "consensus" or "database".
	Family() string
	// Metrics lists what every Round yields, in report order.
	Metrics() []Metric
	// Setup prepares rounds against t: validates the binary, makes the
	// scratch directory, starts what rounds share, and runs and discards
	// Config.WarmupRounds rounds. Processes it starts live until Close or
	// until ctx ends.
	Setup(ctx context.Context, t Target) (Session, error)
}

// Session runs rounds against one target.
type Session interface {
	// Round runs one repetition and returns metric name → raw samples, one
	// entry per metric of Metrics, each non-empty. Processes it starts are
	// stopped before it returns, and when ctx ends.
	Round(ctx context.Context) (map[string][]float64, error)
	// Close stops what Setup started and removes the scratch directory.
	Close() error
}

// Family names, in report order.
const (
	Startup   = "startup"
	Memory    = "memory"
	Parsing   = "parsing"
	Consensus = "consensus"
	Database  = "database"
)

var constructors = []struct {
	family string
	new    func(Config) Probe
}{
	{Startup, func(c Config) Probe { return &startupProbe{cfg: c} }},
	{Memory, func(c Config) Probe { return &memoryProbe{cfg: c} }},
	{Parsing, func(c Config) Probe { return &parsingProbe{cfg: c} }},
	{Consensus, func(c Config) Probe { return &consensusProbe{cfg: c} }},
	{Database, func(c Config) Probe { return &databaseProbe{cfg: c} }},
}

// Families returns the known family names in report order.
func Families() []string {
	out := make([]string, len(constructors))
	for i, c := range constructors {
		out[i] = c.family
	}
	return out
}

// All returns one probe per family, in report order. cfg's zero fields take
// their defaults; an invalid field is a usage error naming it.
func All(cfg Config) ([]Probe, error) {
	c, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	out := make([]Probe, len(constructors))
	for i, k := range constructors {
		out[i] = k.new(c)
	}
	return out, nil
}

// ByFamily returns the probe of one family. An unknown name is a usage
// error listing the known ones.
func ByFamily(name string, cfg Config) (Probe, error) {
	for _, k := range constructors {
		if k.family == name {
			c, err := cfg.resolve()
			if err != nil {
				return nil, err
			}
			return k.new(c), nil
		}
	}
	return nil, exitcode.UsageError("probe: unknown family %q; known families are %s", name, strings.Join(Families(), ", "))
}

// checkRound verifies that a round produced every metric, with at least one
// sample and only finite values: a probe bug must not become a number.
func checkRound(family string, metrics []Metric, got map[string][]float64) error {
	for _, m := range metrics {
		s := got[m.Name]
		if len(s) == 0 {
			return fmt.Errorf("probe %s: round produced no samples for %s", family, m.Name)
		}
		for i, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("probe %s: %s sample %d is %v", family, m.Name, i, v)
			}
		}
	}
	return nil
}

// warmUp runs n rounds and discards them.
func warmUp(ctx context.Context, s Session, n int) error {
	for i := 0; i < n; i++ {
		if _, err := s.Round(ctx); err != nil {
			return fmt.Errorf("warm-up round %d of %d: %w", i+1, n, err)
		}
	}
	return nil
}
