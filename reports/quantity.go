package reports

import (
	"math"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/results"
)

// FormatValue prints v (in unit) for a human: times and sizes are rescaled
// to the unit that keeps three significant digits readable ("1.23 ms",
// "18.4 MB"); other units are printed as given. Sizes are SI, like
// everywhere in hive (1 MB = 10^6 bytes).
func FormatValue(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	u, err := results.ParseUnit(unit)
	if err != nil {
		return sig3(v) + " " + unit
	}
	suffix := ""
	if _, den, ok := strings.Cut(unit, "/"); ok && (u.Dim == "time" || u.Dim == "bytes") {
		suffix = "/" + den // a per-item label such as /file
	}
	base := v * u.Scale
	switch u.Dim {
	case "time":
		return scaled(base, []step{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}) + suffix
	case "bytes":
		return scaled(base, []step{{1e9, "GB"}, {1e6, "MB"}, {1e3, "KB"}, {1, "B"}}) + suffix
	}
	return sig3(v) + " " + unit
}

type step struct {
	factor float64
	name   string
}

func scaled(base float64, steps []step) string {
	abs := math.Abs(base)
	for _, s := range steps {
		if abs >= s.factor || s.factor == steps[len(steps)-1].factor {
			return sig3(base/s.factor) + " " + s.name
		}
	}
	return sig3(base)
}

// sig3 prints three significant digits without exponent notation for the
// magnitudes a benchmark produces, and no trailing zeros beyond them.
func sig3(v float64) string {
	abs := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case abs >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case abs >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case abs >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case abs >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// formatPct prints a signed percentage, e.g. "+12.3%".
func formatPct(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "—"
	}
	s := strconv.FormatFloat(p, 'f', 1, 64)
	if p >= 0 && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	if s == "-0.0" || s == "+-0.0" {
		s = "+0.0"
	}
	return s + "%"
}

// formatP prints a p-value the way papers do: three decimals, or "<0.001".
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "—"
	case p < 0.001:
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// formatRatio prints a ratio with three decimals, e.g. "1.084".
func formatRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "—"
	}
	return strconv.FormatFloat(r, 'f', 3, 64)
}

// formatFactor prints how many times better or worse, e.g. "175× better".
func formatFactor(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return "—"
	}
	word := "better"
	if f < 1 {
		f, word = 1/f, "worse"
	}
	if f >= 10 {
		return strconv.FormatFloat(math.Round(f), 'f', 0, 64) + "× " + word
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + "× " + word
}
