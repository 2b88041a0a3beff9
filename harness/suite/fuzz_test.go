package suite

import (
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/internal/exitcode"
)

// FuzzParseThresholds feeds arbitrary --threshold values to
// ParseThresholds. It must never panic; a refusal is a usage error (exit 2)
// naming the flag; what it accepts keeps every default family, holds only
// percentages every compare policy accepts (a threshold compare refused
// would make each verdict "invalid input", an inconclusive that passes),
// and reads back from its own String unchanged.
func FuzzParseThresholds(f *testing.F) {
	// The spellings of the README, the usage text and the tests.
	for _, seed := range []string{
		"", "startup=5,database.cache_get=15", "startup=3,startup.serve=8%", " database = 20 ,", "consensus=10",
		"startup", "startup=0", "startup=120", "latency=5", "startup=NaN", "startup=1e-320", "startup=99.99999999999999",
		"startup=0x1p-2", "=5", "startup=5%%", "gobench.x_y=1", "startup=5,startup=6",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		th, err := ParseThresholds(spec)
		if err != nil {
			if exitcode.Code(err) != exitcode.Usage || !strings.HasPrefix(err.Error(), "--threshold ") {
				t.Fatalf("refusal of %q is not a usage error naming --threshold: %v (exit %d)", spec, err, exitcode.Code(err))
			}
			return
		}
		for fam, v := range DefaultThresholds() {
			if _, ok := th[fam]; !ok {
				t.Fatalf("%q dropped the default %s=%g", spec, fam, v)
			}
		}
		for k, v := range th {
			if math.IsNaN(v) || v <= 0 || v >= 100 {
				t.Fatalf("%q gave %s=%v, outside (0, 100)", spec, k, v)
			}
			if err := (compare.Input{Metric: k, Policy: th.Policy(k, compare.LowerIsBetter)}).Validate(); err != nil {
				t.Fatalf("%q gave a threshold compare refuses: %v", spec, err)
			}
		}
		back, err := ParseThresholds(th.String())
		if err != nil {
			t.Fatalf("%q: String() = %q does not read back: %v", spec, th.String(), err)
		}
		if !maps.Equal(th, back) {
			t.Fatalf("%q: round trip through %q gave %v, want %v", spec, th.String(), back, th)
		}
	})
}
