package load

import (
	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/internal/exitcode"
)

// ProfileStages is the number of upstream calls one run of a built-in
// profile makes (4 for the consensus profiles, 1 for direct). The harness
// starts `hive serve` with an empty config directory, so the built-in
// profiles are exactly what it runs; this reads them from the engine's
// public config API rather than assuming 4.
func ProfileStages(profile string) (int, error) {
	cfg, err := consensus.LoadConfig(func(string) string { return "" }, "")
	if err != nil {
		return 0, exitcode.InfraError("load: reading the built-in profiles: %v", err)
	}
	p, err := cfg.Profile(profile)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range []*consensus.StageConfig{p.Generator, p.Refiner, p.Validator, p.Curator, p.Direct} {
		if s != nil {
			n++
		}
	}
	return n, nil
}
