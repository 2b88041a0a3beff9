package suite

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/compare"
	"github.com/hiveperf/hive/harness/results"
	"github.com/hiveperf/hive/internal/exitcode"
)

// Thresholds are the gate's minimum effects in percent, keyed by family
// ("startup") or metric ("database.cache_get"); a metric's own entry wins
// over its family's. See the package doc for how the defaults were chosen.
type Thresholds map[string]float64

// DefaultThresholds are the per-family thresholds the gate and compare use
// unless --threshold says otherwise.
func DefaultThresholds() Thresholds {
	return Thresholds{
		"startup":   5,
		"memory":    5,
		"parsing":   5,
		"consensus": 10,
		"database":  10,
	}
}

// fallbackThreshold is for a metric of a family with no entry (a family
// added after this table): compare's own default.
const fallbackThreshold = 5

// For returns the threshold of a metric.
func (t Thresholds) For(metric string) float64 {
	if v, ok := t[metric]; ok {
		return v
	}
	fam, _, _ := strings.Cut(metric, ".")
	if v, ok := t[fam]; ok {
		return v
	}
	return fallbackThreshold
}

// ParseThresholds reads --threshold: "startup=5,database.cache_get=15", on
// top of the defaults. A key is a family or a metric id; a value is a
// percentage in (0, 100).
func ParseThresholds(spec string) (Thresholds, error) {
	t := DefaultThresholds()
	for _, item := range splitList(spec) {
		k, v, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, exitcode.UsageError("--threshold %q: want KEY=PERCENT, e.g. startup=5 or database.cache_get=15", item)
		}
		if !results.KnownFamily(results.Family(k)) {
			if _, err := results.CheckName(k); err != nil {
				return nil, exitcode.UsageError("--threshold %q: %q is neither a family (startup, memory, parsing, consensus, database; gobench, hyperfine, k6 for imports) nor a metric id: %v", item, k, err)
			}
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
		if err != nil || math.IsNaN(pct) || pct <= 0 || pct >= 100 {
			return nil, exitcode.UsageError("--threshold %q: %q is not a percentage in (0, 100), e.g. 5", item, v)
		}
		t[k] = pct
	}
	return t, nil
}

// String lists the thresholds, sorted, for reports.
func (t Thresholds) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.FormatFloat(t[k], 'g', -1, 64) + "%"
	}
	return strings.Join(parts, ", ")
}

// Policy is the compare policy of one metric: its threshold and direction,
// compare's defaults for the rest.
func (t Thresholds) Policy(metric string, d compare.Direction) compare.Policy {
	return compare.Policy{Threshold: t.For(metric), Direction: d}
}

// Direction converts a results file's direction to compare's.
func Direction(d results.Direction) compare.Direction {
	if d == results.HigherIsBetter {
		return compare.HigherIsBetter
	}
	return compare.LowerIsBetter
}

// ResultsDirection converts compare's direction to a results file's.
func ResultsDirection(d compare.Direction) results.Direction {
	if d == compare.HigherIsBetter {
		return results.HigherIsBetter
	}
	return results.LowerIsBetter
}
