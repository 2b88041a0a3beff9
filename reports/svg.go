package reports

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/hiveperf/hive/harness/stats"
)

// An ECDF plot (empirical cumulative distribution: for each value x, the
// share of samples ≤ x) is drawn instead of a histogram because it needs no
// bin width — a choice that can hide or invent modes — and because two
// ECDFs on one axis show a shift, a changed tail or a new mode at a glance.
// The geometry is computed here; the template only prints it, so every
// value reaching the page passes html/template's escaping.

const (
	plotWidth     = 640.0
	plotHeight    = 240.0
	plotLeft      = 64.0
	plotRight     = 16.0
	plotTop       = 12.0
	plotBottom    = 40.0
	maxPlotPoints = 1000 // steps drawn per series; more samples are thinned by rank
)

type plotSeries struct {
	Name    string
	Class   string // CSS class: base, head or run
	Points  string // polyline points, "x,y x,y ..."
	MedianX string // x of the median marker; empty when off the plot
	N       int
	LegendY string
}

type plotTick struct {
	Pos   string
	Label string
}

type plot struct {
	Width, Height            string
	Left, Right, Top, Bottom string
	// Positions of tick marks, tick labels and the legend.
	TickX, TickY, LabelY string
	LegendX, LegendTextX string
	Series               []plotSeries
	XTicks, YTicks       []plotTick
	// Clipped says the x axis stops before the largest sample, and how many
	// samples lie beyond it; the tables show the true maxima.
	Clipped string
}

type namedSamples struct {
	name, class string
	samples     []float64
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// ecdfPlot lays out one ECDF per series on a shared x axis in unit. It
// returns nil when there is nothing to draw.
func ecdfPlot(unit string, series ...namedSamples) *plot {
	var sorted [][]float64
	lo, hi, body := math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range series {
		x := append([]float64(nil), s.samples...)
		sort.Float64s(x)
		sorted = append(sorted, x)
		if len(x) == 0 {
			continue
		}
		lo = math.Min(lo, x[0])
		hi = math.Max(hi, x[len(x)-1])
		body = math.Max(body, x[int(math.Ceil(0.95*float64(len(x))))-1]) // nearest-rank p95
	}
	if math.IsInf(lo, 1) {
		return nil
	}
	// A long tail (one GC pause among 20 samples) would squeeze the body of
	// the distribution into a few pixels. When the maximum is more than
	// three body widths out, the axis ends at 1.5 body widths and the plot
	// says how many samples it leaves out; the tables show the maxima.
	clipped := ""
	if body > lo && hi-lo > 3*(body-lo) {
		hi = lo + 1.5*(body-lo)
		beyond := 0
		for _, x := range sorted {
			for _, v := range x {
				if v > hi {
					beyond++
				}
			}
		}
		clipped = "The x axis ends at " + FormatValue(hi, unit) + "; " + strconv.Itoa(beyond) + " samples lie beyond it (see max in the table)."
	}
	if hi == lo {
		pad := math.Abs(lo) * 0.05
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	x0, x1 := plotLeft, plotWidth-plotRight
	y0, y1 := plotHeight-plotBottom, plotTop // y grows downwards in SVG
	sx := func(v float64) float64 { return x0 + (math.Min(v, hi)-lo)/(hi-lo)*(x1-x0) }
	sy := func(p float64) float64 { return y0 + p*(y1-y0) }

	p := &plot{
		Width: px(plotWidth), Height: px(plotHeight),
		Left: px(x0), Right: px(x1), Top: px(y1), Bottom: px(y0),
		TickX: px(x0 - 6), TickY: px(y0 + 5), LabelY: px(y0 + 18),
		LegendX: px(x1 - 130), LegendTextX: px(x1 - 116),
		Clipped: clipped,
	}
	for _, t := range niceTicks(lo, hi, 5) {
		p.XTicks = append(p.XTicks, plotTick{Pos: px(sx(t)), Label: FormatValue(t, unit)})
	}
	for _, q := range []float64{0, 0.25, 0.5, 0.75, 1} {
		p.YTicks = append(p.YTicks, plotTick{Pos: px(sy(q)), Label: strconv.FormatFloat(q, 'f', 2, 64)})
	}
	for i, s := range series {
		x := sorted[i]
		if len(x) == 0 {
			continue
		}
		ps := plotSeries{Name: s.name, Class: s.class, Points: stepPoints(x, sx, sy), N: len(x),
			LegendY: px(y0 - 8 - 16*float64(len(series)-len(p.Series)))}
		if med := stats.Median(x); med <= hi {
			ps.MedianX = px(sx(med))
		}
		p.Series = append(p.Series, ps)
	}
	return p
}

// stepPoints draws the ECDF of sorted samples as a step line, thinning to
// maxPlotPoints steps by rank so a 100k-sample run stays a small page.
func stepPoints(x []float64, sx, sy func(float64) float64) string {
	n := len(x)
	idx := make([]int, 0, min(n, maxPlotPoints))
	if n <= maxPlotPoints {
		for i := range x {
			idx = append(idx, i)
		}
	} else {
		for j := 0; j < maxPlotPoints; j++ {
			k := int(math.Round(float64(j) * float64(n-1) / float64(maxPlotPoints-1)))
			if len(idx) == 0 || idx[len(idx)-1] != k {
				idx = append(idx, k)
			}
		}
	}
	var b strings.Builder
	prevY := 0.0
	for _, i := range idx {
		xv := px(sx(x[i]))
		b.WriteString(xv + "," + px(sy(prevY)) + " ")
		prevY = float64(i+1) / float64(n)
		b.WriteString(xv + "," + px(sy(prevY)) + " ")
	}
	return strings.TrimSpace(b.String())
}

// niceTicks returns about want ticks at round numbers (1, 2 or 5 × 10^k)
// within [lo, hi]: of the round steps near (hi-lo)/want, the one whose tick
// count is closest to want.
func niceTicks(lo, hi float64, want int) []float64 {
	raw := (hi - lo) / float64(want)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, bestDiff := mag, math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10} {
		st := m * mag
		count := math.Floor(hi/st) - math.Ceil(lo/st) + 1
		if d := math.Abs(count - float64(want)); d < bestDiff {
			step, bestDiff = st, d
		}
	}
	var out []float64
	for k := math.Ceil(lo / step); k*step <= hi+step*1e-9; k++ {
		out = append(out, k*step)
	}
	return out
}
