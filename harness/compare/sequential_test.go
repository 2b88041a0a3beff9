package compare

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hiveperf/hive/internal/exitcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func withN(v Verdict, n int) Result {
	r := Result{Verdict: v}
	r.Base.N, r.Head.N = n, n
	return r
}

func TestSequentialNext(t *testing.T) {
	s := Sequential{Initial: 10, Max: 160}
	tests := []struct {
		name     string
		results  []Result
		wantDone bool
		wantMore int
	}{
		{"nothing to compare", nil, true, 0},
		{"all decided", []Result{withN(Same, 10), withN(Regressed, 10)}, true, 0},
		{"inconclusive doubles", []Result{withN(Same, 10), withN(Inconclusive, 10)}, false, 10},
		{"the least-sampled inconclusive sets the step", []Result{withN(Inconclusive, 80), withN(Inconclusive, 20)}, false, 20},
		{"decided metrics do not count", []Result{withN(Same, 10), withN(Inconclusive, 40)}, false, 40},
		{"never past the cap", []Result{withN(Inconclusive, 100)}, false, 60},
		{"at the cap it stops", []Result{withN(Inconclusive, 160)}, true, 0},
		{"no samples yet starts at Initial", []Result{withN(Inconclusive, 0)}, false, 10},
		{"uneven sides use the smaller", []Result{{Verdict: Inconclusive, Base: withN("", 40).Base, Head: withN("", 20).Head}}, false, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, more := s.Next(tt.results)
			assert.Equal(t, tt.wantDone, done)
			assert.Equal(t, tt.wantMore, more)
		})
	}
}

func TestSequentialDefaultsAndLooks(t *testing.T) {
	assert.Equal(t, Sequential{Initial: DefaultInitial, Max: DefaultMax}, Sequential{}.withDefaults())
	assert.Equal(t, 5, Sequential{}.Looks(), "10, 20, 40, 80, 160")
	assert.Equal(t, 1, Sequential{Initial: 50, Max: 50}.Looks())
	assert.Equal(t, 3, Sequential{Initial: 10, Max: 30}.Looks(), "10, 20, 30")
	assert.Equal(t, Sequential{Initial: 200, Max: 200}, Sequential{Initial: 200}.withDefaults(), "a cap below Initial is raised")
}

// metricSource is a real sampling loop over simulated benchmarks: each
// metric draws log-normal samples from its own stream and records how often
// and how much it was asked to sample.
type metricSource struct {
	name       string
	cv, factor float64
	policy     Policy
	ln         lognormalSampler
	base, head []float64
	asked      []int
}

func newSource(name string, seed uint64, cv, factor float64) *metricSource {
	return &metricSource{name: name, cv: cv, factor: factor,
		ln: newLognormal(rand.New(rand.NewPCG(seed, 3)), cv)}
}

func measureAll(sources ...*metricSource) MeasureFunc {
	return func(_ context.Context, more int, undecided []string) ([]Input, error) {
		var inputs []Input
		for _, s := range sources {
			if undecided == nil || slices.Contains(undecided, s.name) {
				s.base = s.ln.appendN(s.base, more, 100)
				s.head = s.ln.appendN(s.head, more, 100*s.factor)
				s.asked = append(s.asked, more)
			}
			inputs = append(inputs, Input{Metric: s.name, Unit: "ms", Base: s.base, Head: s.head, Policy: s.policy})
		}
		return inputs, nil
	}
}

func TestSequentialRun(t *testing.T) {
	easy := newSource("easy", 1, 0.02, 1.0)      // decided same at the first look
	slow := newSource("slow", 2, 0.10, 1.10)     // a 10% regression in 10% noise: needs more samples
	wobbly := newSource("wobbly", 3, 0.60, 1.00) // far too noisy to ever decide
	results, err := Sequential{Initial: 10, Max: 80}.Run(context.Background(), measureAll(easy, slow, wobbly))
	require.NoError(t, err)
	require.Len(t, results, 3)

	assert.Equal(t, Same, results[0].Verdict, results[0].Note)
	assert.Equal(t, []int{10}, easy.asked, "a decided metric is not sampled again")
	assert.Equal(t, Regressed, results[1].Verdict, results[1].Note)
	assert.Greater(t, len(slow.asked), 1, "the regression needed more than the first look")
	assert.Equal(t, Inconclusive, results[2].Verdict)
	assert.Equal(t, []int{10, 10, 20, 40}, wobbly.asked, "doubling up to the cap")
	assert.Len(t, wobbly.base, 80)
	assert.Contains(t, results[2].Warnings, "still inconclusive after 80 samples per side (the cap is 80): counted as a pass")
	assert.NotContains(t, results[0].Warnings, "counted as a pass")
	assert.False(t, Pass(results), "a regression fails the gate")
	assert.True(t, Pass([]Result{results[0], results[2]}), "same and inconclusive pass")
}

func TestSequentialRunSpendsAlphaOverLooks(t *testing.T) {
	src := newSource("m", 4, 0.02, 1.0)
	results, err := Sequential{Initial: 10, Max: 160}.Run(context.Background(), measureAll(src))
	require.NoError(t, err)
	require.Len(t, results, 1)
	assert.Contains(t, results[0].Note, "within ±5%")
	// Five looks: 0.01/5 is what each look tests against; CompareAll on the
	// same inputs, with the undivided alpha, reaches the same verdict here.
	assert.Equal(t, 0.002, Sequential{}.spend([]Input{{}})[0].Policy.Alpha)
	assert.Equal(t, 0.01, Sequential{Initial: 10, Max: 10}.spend([]Input{{}})[0].Policy.Alpha)
}

func TestSequentialRunErrors(t *testing.T) {
	boom := errors.New("probe failed")
	tests := []struct {
		name     string
		measure  MeasureFunc
		ctx      func() context.Context
		wantErr  error
		wantCode int
		wantMsg  string
	}{
		{
			name:    "measure error is returned as is",
			measure: func(context.Context, int, []string) ([]Input, error) { return nil, boom },
			wantErr: boom, wantCode: exitcode.Infra,
		},
		{
			name: "NaN sample is an infrastructure error naming the metric",
			measure: func(context.Context, int, []string) ([]Input, error) {
				return []Input{{Metric: "rss", Base: []float64{1, math.NaN()}, Head: []float64{1}}}, nil
			},
			wantCode: exitcode.Infra, wantMsg: `metric "rss": base sample 1 is NaN`,
		},
		{
			name: "invalid policy is a usage error",
			measure: func(context.Context, int, []string) ([]Input, error) {
				return []Input{{Metric: "rss", Policy: Policy{Threshold: 200}}}, nil
			},
			wantCode: exitcode.Usage, wantMsg: `metric "rss": policy threshold 200`,
		},
		{
			name: "duplicate metric is a usage error",
			measure: func(context.Context, int, []string) ([]Input, error) {
				return []Input{{Metric: "rss"}, {Metric: "rss"}}, nil
			},
			wantCode: exitcode.Usage, wantMsg: `metric "rss" appears twice`,
		},
		{
			name: "a measure that adds nothing stops the loop",
			measure: func(context.Context, int, []string) ([]Input, error) {
				return []Input{{Metric: "rss", Base: samples(1, 10, 100, 0.6), Head: samples(2, 10, 100, 0.6)}}, nil
			},
			wantCode: exitcode.Infra, wantMsg: `metric "rss" still has 10 samples per side after asking for 10 more`,
		},
		{
			name:    "cancelled context",
			measure: func(context.Context, int, []string) ([]Input, error) { panic("must not measure") },
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			wantErr: context.Canceled, wantCode: exitcode.Infra,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			_, err := Sequential{}.Run(ctx, tt.measure)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
			assert.Equal(t, tt.wantCode, exitcode.Code(err))
		})
	}
}
