package compare

import (
	"fmt"
	"math"

	"github.com/hiveperf/hive/harness/stats"
)

// lowN is the sample count below which a median CI rests on very few order
// statistics; below it every result gets a warning whatever MinSamples says.
const lowN = 10

// cvSpreadFactor is how much the two sides' robust CVs may differ before the
// comparison warns that the runs were not measured under the same conditions.
const cvSpreadFactor = 2.0

// robustCV is 1.4826·MAD/median: the coefficient of variation under normal
// noise, unmoved by a few outliers. 0 when the median is not positive.
func robustCV(s stats.Summary) float64 {
	if s.P50 <= 0 {
		return 0
	}
	return 1.4826 * s.MAD / s.P50
}

// warnings returns the caveats about r's data, in a fixed order so reports
// and golden files are stable.
func warnings(r Result, p Policy) []string {
	var w []string
	for _, side := range []struct {
		name string
		s    stats.Summary
	}{{"base", r.Base}, {"head", r.Head}} {
		if side.s.N < lowN {
			w = append(w, fmt.Sprintf("%s: n = %d < %d", side.name, side.s.N, lowN))
		}
		if k := len(side.s.Outliers); k > 0 {
			w = append(w, fmt.Sprintf("%s: outliers flagged: %d", side.name, k))
		}
		if cv := robustCV(side.s); cv*100 > p.Threshold {
			w = append(w, fmt.Sprintf("%s: robust CV %.1f%% exceeds the %g%% threshold; expect inconclusive results until n grows",
				side.name, cv*100, p.Threshold))
		}
	}
	cb, ch := robustCV(r.Base), robustCV(r.Head)
	if cb > 0 && ch > 0 {
		if f := math.Max(cb, ch) / math.Min(cb, ch); f >= cvSpreadFactor {
			w = append(w, fmt.Sprintf("base and head CV differ by %.1f× (%.1f%% vs %.1f%%): were they measured under the same conditions?",
				f, cb*100, ch*100))
		}
	}
	return w
}
