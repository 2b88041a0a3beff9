package suite

import (
	"fmt"

	"github.com/hiveperf/hive/harness/probe"
	"github.com/hiveperf/hive/harness/results"
)

// RoundFigure is the name of the results-file figure (Benchmark.Extra)
// that holds one round value of a metric with more than one sample per
// round: one figure per round, in round order. GateSamples reads them back,
// so a comparison of two results files tests rounds, as the gate does.
const RoundFigure = "round_median"

// Series is everything the rounds of one metric produced for one target.
type Series struct {
	Metric probe.Metric
	// Samples are the raw samples of every round, in round order.
	Samples []float64
	// Rounds holds one value per round: Metric.RoundValue of its samples.
	Rounds []float64
}

// GateSamples are the observations a comparison tests: one value per
// round, never the samples within a round. Samples of one round are taken
// back to back, so whatever else the machine does at that moment (another
// job, a GC, a page-cache flush) moves all of them together; testing them
// as independent observations overstates the evidence (see the package
// doc for the measured correlation and the false alarms it caused).
func (s *Series) GateSamples() []float64 { return s.Rounds }

// Record accumulates the rounds of one target, metric by metric, in the
// order metrics were first seen.
type Record struct {
	order  []string
	series map[string]*Series
	rounds map[string]int // completed rounds per family
}

// NewRecord returns an empty record.
func NewRecord() *Record {
	return &Record{series: map[string]*Series{}, rounds: map[string]int{}}
}

// Add appends one round of family's metrics (only those in metrics; a
// probe's other metrics are dropped).
func (r *Record) Add(family string, metrics []probe.Metric, round map[string][]float64) {
	r.rounds[family]++
	for _, m := range metrics {
		got := round[m.Name]
		if len(got) == 0 {
			continue
		}
		s := r.series[m.Name]
		if s == nil {
			s = &Series{Metric: m}
			r.series[m.Name] = s
			r.order = append(r.order, m.Name)
		}
		s.Samples = append(s.Samples, got...)
		s.Rounds = append(s.Rounds, m.RoundValue(got))
	}
}

// Series returns the series of a metric, nil when it has none.
func (r *Record) Series(name string) *Series { return r.series[name] }

// All returns every series in order.
func (r *Record) All() []*Series {
	out := make([]*Series, len(r.order))
	for i, n := range r.order {
		out[i] = r.series[n]
	}
	return out
}

// Rounds returns how many rounds of family completed.
func (r *Record) Rounds(family string) int { return r.rounds[family] }

// Benchmarks converts the record to results-file benchmarks: raw samples
// and their summary, plus one RoundFigure per round for metrics with more
// than one sample per round (with one, the samples are the round values).
func (r *Record) Benchmarks() ([]results.Benchmark, error) {
	var out []results.Benchmark
	for _, s := range r.All() {
		var extra []results.Figure
		if len(s.Samples) > len(s.Rounds) {
			for _, v := range s.Rounds {
				extra = append(extra, results.Figure{Name: RoundFigure, Value: v, Unit: s.Metric.Unit})
			}
		}
		b, err := results.NewBenchmark(s.Metric.Name, s.Metric.Unit, ResultsDirection(s.Metric.Direction), s.Samples, extra...)
		if err != nil {
			// A probe that names a metric the results format refuses is a
			// harness bug, not the user's input.
			return nil, fmt.Errorf("results of %s: %w", s.Metric.Name, err)
		}
		out = append(out, b)
	}
	return out, nil
}

// GateSamples returns the observations of a results-file benchmark that a
// comparison tests: its RoundFigure values when it has them (see Series),
// else its raw samples.
func GateSamples(b results.Benchmark) []float64 {
	var rounds []float64
	for _, x := range b.Extra {
		if x.Name == RoundFigure {
			rounds = append(rounds, x.Value)
		}
	}
	if len(rounds) > 0 {
		return rounds
	}
	return b.Samples
}
