package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
)

// The bootstrap here is the plain percentile bootstrap of the median, with
// one shortcut that changes its cost but not its result.
//
// The textbook algorithm draws n indexes uniformly from {0..n−1}, takes the
// median of the values at those indexes, and repeats B times: O(B·n). Write
// each index as ⌊n·Uⱼ⌋ with Uⱼ uniform on [0,1). The map u ↦ sorted[⌊n·u⌋]
// is non-decreasing, so the k-th smallest value of the resample is
// sorted[⌊n·U₍ₖ₎⌋], where U₍ₖ₎ is the k-th order statistic of n uniforms.
// Uniform order statistics are ratios of sums of exponentials: with
// Sⱼ = E₁+…+Eⱼ for independent standard exponentials, (U₍₁₎…U₍ₙ₎) has the
// distribution of (S₁…Sₙ)/Sₙ₊₁. The median needs the m-th order statistic
// (odd n, m = (n+1)/2) or the m-th and (m+1)-th (even n, m = n/2), so
//
//	odd n:  U₍ₘ₎ = G / (G + H),          G ~ Gamma(m), H ~ Gamma(n−m+1)
//	even n: U₍ₘ₎ = G / T, U₍ₘ₊₁₎ = (G+E) / T, T = G + E + H,
//	        G ~ Gamma(m), E ~ Exp(1), H ~ Gamma(n−m)
//
// Each resample median therefore has exactly the distribution the textbook
// algorithm gives it, at O(1) cost: two gamma draws and, for even n, one
// exponential.
// TestBootstrapMatchesNaiveResampling checks the two agree.

// pcgStream is the fixed second PCG word; the caller's seed is the first.
const pcgStream = 0x9e3779b97f4a7c15

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), pcgStream))
}

// medianSampler draws medians of bootstrap resamples of one sorted sample.
type medianSampler struct {
	sorted []float64
	n      int
	even   bool
	g, h   gamma // G and H in the comment above
}

func newMedianSampler(sorted []float64) medianSampler {
	n := len(sorted)
	if n%2 == 0 {
		m := n / 2
		return medianSampler{sorted: sorted, n: n, even: true, g: newGamma(m), h: newGamma(n - m)}
	}
	m := (n + 1) / 2
	return medianSampler{sorted: sorted, n: n, g: newGamma(m), h: newGamma(n - m + 1)}
}

func (s *medianSampler) index(u float64) int {
	i := int(u * float64(s.n))
	if i >= s.n {
		i = s.n - 1
	}
	if i < 0 {
		i = 0
	}
	return i
}

func (s *medianSampler) draw(r *rand.Rand) float64 {
	if s.n == 1 {
		return s.sorted[0]
	}
	g := s.g.sample(r)
	if !s.even {
		h := s.h.sample(r)
		return s.sorted[s.index(g/(g+h))]
	}
	e := r.ExpFloat64()
	h := s.h.sample(r)
	t := g + e + h
	lo := s.sorted[s.index(g/t)]
	hi := s.sorted[s.index((g+e)/t)]
	// Halving first keeps the mean finite for values near ±MaxFloat64.
	return lo/2 + hi/2
}

// gamma draws from Gamma(shape, 1) for an integer shape >= 1 (Marsaglia &
// Tsang, 2000, "A simple method for generating gamma variables"); d and c
// depend only on the shape, so they are computed once per sampler.
type gamma struct{ d, c float64 }

func newGamma(shape int) gamma {
	d := float64(shape) - 1.0/3
	return gamma{d: d, c: 1 / math.Sqrt(9*d)}
}

func (g gamma) sample(r *rand.Rand) float64 {
	for {
		x := r.NormFloat64()
		v := 1 + g.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		// The squeeze accepts ~98% of draws without a logarithm.
		if u < 1-0.0331*x2*x2 {
			return g.d * v
		}
		if u > 0 && math.Log(u) < 0.5*x2+g.d*(1-v+math.Log(v)) {
			return g.d * v
		}
	}
}

// medianCI is the percentile-bootstrap CI of the median of sorted.
func medianCI(sorted []float64, level float64, resamples int, seed int64) Interval {
	s := newMedianSampler(sorted)
	r := newRand(seed)
	buf := make([]float64, resamples)
	for i := range buf {
		buf[i] = s.draw(r)
	}
	return percentileInterval(buf, level)
}

// percentileInterval reorders draws and returns their central interval.
func percentileInterval(draws []float64, level float64) Interval {
	lo := quantileUnsorted(draws, (1-level)/2)
	hi := quantileUnsorted(draws, (1+level)/2)
	return Interval{Lo: lo, Hi: hi, Level: level}
}

// Reasons the ratio of medians has no CI; RatioCI returns them so callers
// can say why in words.
var (
	ErrEmpty            = errors.New("no samples")
	ErrNonPositiveRatio = errors.New("a base sample is 0 or negative, so a resample's median(head)/median(base) can be undefined")
	ErrRatioOverflow    = errors.New("median(head)/median(base) overflows float64")
)

// BootstrapRatioCI is the percentile-bootstrap CI of median(head)/median(base):
// each resample draws base and head independently (with replacement), and the
// interval is taken over the ratios of their medians. A level outside (0, 1)
// or resamples < 1 take DefaultLevel and DefaultResamples. The interval is
// Lo = Hi = 0 (with Level set) when the ratio is undefined: empty or
// non-finite input, or a base median that can be 0 or negative. RatioCI
// returns the reason as an error.
func BootstrapRatioCI(base, head []float64, level float64, resamples int, seed int64) Interval {
	ci, _ := RatioCI(base, head, level, resamples, seed)
	return ci
}

// RatioCI is BootstrapRatioCI with the reason an interval is undefined.
func RatioCI(base, head []float64, level float64, resamples int, seed int64) (Interval, error) {
	if !(level > 0 && level < 1) {
		level = DefaultLevel
	}
	if resamples < 1 {
		resamples = DefaultResamples
	}
	undefined := Interval{Level: level}
	if len(base) == 0 || len(head) == 0 {
		return undefined, ErrEmpty
	}
	if err := Validate(base); err != nil {
		return undefined, err
	}
	if err := Validate(head); err != nil {
		return undefined, err
	}
	sb := slices.Clone(base)
	slices.Sort(sb)
	sh := slices.Clone(head)
	slices.Sort(sh)
	// The smallest value a resample median can take is the smallest sample,
	// so a positive minimum is exactly "every resample's median is positive".
	if sb[0] <= 0 {
		return undefined, ErrNonPositiveRatio
	}
	mb, mh := newMedianSampler(sb), newMedianSampler(sh)
	r := newRand(seed)
	buf := make([]float64, resamples)
	for i := range buf {
		b := mb.draw(r)
		h := mh.draw(r)
		buf[i] = h / b
	}
	ci := percentileInterval(buf, level)
	if math.IsInf(ci.Lo, 0) || math.IsInf(ci.Hi, 0) {
		// Only reachable when head/base overflows float64, e.g. a base of
		// 1e-300 against a head of 1e300: no finite ratio to report.
		return undefined, ErrRatioOverflow
	}
	return ci, nil
}
