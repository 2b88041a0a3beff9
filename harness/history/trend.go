package history

import (
	"math"
	"strings"
)

// Trend is one metric's history with its change points, what `hivebench
// history` prints a line of.
type Trend struct {
	Metric string
	Unit   string
	Points []Point // oldest first
	// First and Last are the p50 of the oldest and newest run; ChangePct
	// is Last against First in percent (0 when First is 0).
	First, Last, ChangePct float64
	// Steps are the change points of the p50 series; Steps[i].Index
	// indexes Points.
	Steps []ChangePoint
}

// Analyze runs d over the p50 of pts (oldest first).
func Analyze(d Detector, metric string, pts []Point) (Trend, error) {
	t := Trend{Metric: metric, Points: pts}
	if len(pts) == 0 {
		return t, nil
	}
	t.Unit = pts[len(pts)-1].Unit
	xs := make([]float64, len(pts))
	for i, p := range pts {
		xs[i] = p.P50
	}
	t.First, t.Last = xs[0], xs[len(xs)-1]
	if t.First != 0 {
		t.ChangePct = (t.Last - t.First) / math.Abs(t.First) * 100
	}
	var err error
	t.Steps, err = d.Detect(xs)
	return t, err
}

// sparkBlocks are the eight Unicode lower blocks, lowest first.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws xs with one block per value, scaled from the series'
// minimum to its maximum; a flat series is drawn at the lowest level.
func Sparkline(xs []float64) string {
	if len(xs) == 0 {
		return ""
	}
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	var b strings.Builder
	for _, x := range xs {
		k := 0
		if hi > lo {
			k = int(math.Round((x - lo) / (hi - lo) * float64(len(sparkBlocks)-1)))
		}
		b.WriteRune(sparkBlocks[k])
	}
	return b.String()
}
