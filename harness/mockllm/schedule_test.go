package mockllm

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moments summarises draws: the latency model is checked through the pure
// schedule over many keys, never by timing a server.
type moments struct{ n, mean, sd, min, max float64 }

func summarise(xs []float64) moments {
	m := moments{n: float64(len(xs)), min: math.Inf(1), max: math.Inf(-1)}
	for _, x := range xs {
		m.mean += x
		m.min, m.max = math.Min(m.min, x), math.Max(m.max, x)
	}
	m.mean /= m.n
	for _, x := range xs {
		m.sd += (x - m.mean) * (x - m.mean)
	}
	m.sd = math.Sqrt(m.sd / (m.n - 1))
	return m
}

// checkUniform asserts draws look like uniform [mean−jitter, mean+jitter]:
// within the bounds, reaching close to both ends, with the declared mean and
// the uniform's standard deviation: jitter/√3, or √(j(j+1)/3) for the
// discrete uniform over the integers mean−j … mean+j (token counts; also
// right for durations, which are integers of nanoseconds with j ≫ 1).
func checkUniform(t *testing.T, what string, xs []float64, mean, jitter float64) {
	t.Helper()
	m := summarise(xs)
	assert.GreaterOrEqual(t, m.min, mean-jitter, "%s: below mean−jitter", what)
	assert.LessOrEqual(t, m.max, mean+jitter, "%s: above mean+jitter", what)
	if jitter == 0 {
		assert.Equal(t, mean, m.min, "%s: no jitter, every draw is the mean", what)
		assert.Equal(t, mean, m.max, "%s: no jitter, every draw is the mean", what)
		return
	}
	wantSD := math.Sqrt(jitter * (jitter + 1) / 3)
	// Standard error of the mean is sd/√n; allow 5 of them.
	assert.InDelta(t, mean, m.mean, 5*wantSD/math.Sqrt(m.n), "%s: mean", what)
	assert.InDelta(t, wantSD, m.sd, 0.05*wantSD, "%s: standard deviation", what)
	assert.Less(t, m.min, mean-0.9*jitter, "%s: the low end is reached", what)
	assert.Greater(t, m.max, mean+0.9*jitter, "%s: the high end is reached", what)
}

func TestPlanHonoursTheLatencyModel(t *testing.T) {
	cases := []struct {
		name string
		l    Latency
	}{
		{"hosted model", Latency{TTFT: 200 * time.Millisecond, TTFTJitter: 50 * time.Millisecond, ITL: 20 * time.Millisecond, ITLJitter: 5 * time.Millisecond, Tokens: 120, TokensJitter: 40}},
		{"jitter equal to mean", Latency{TTFT: time.Second, TTFTJitter: time.Second, ITL: time.Millisecond, ITLJitter: time.Millisecond, Tokens: 10, TokensJitter: 9}},
		{"no jitter", Latency{TTFT: 80 * time.Millisecond, ITL: 3 * time.Millisecond, Tokens: 33}},
		{"zero latency", Latency{Tokens: 5, TokensJitter: 2}},
	}
	const keys = 20000
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ttft, itl, tokens []float64
			for k := uint64(0); k < keys; k++ {
				key := splitmix64(k) // keys as the server makes them: hashes
				s := c.l.Plan(key)
				ttft = append(ttft, float64(s.TTFT))
				tokens = append(tokens, float64(s.Tokens))
				itl = append(itl, float64(s.ITL(1+int(k%50))))
				assert.Equal(t, s, c.l.Plan(key), "Plan is a pure function of the key")
			}
			checkUniform(t, "ttft", ttft, float64(c.l.TTFT), float64(c.l.TTFTJitter))
			checkUniform(t, "itl", itl, float64(c.l.ITL), float64(c.l.ITLJitter))
			checkUniform(t, "tokens", tokens, float64(c.l.Tokens), float64(c.l.TokensJitter))
		})
	}
}

func TestPlanDrawsAreIndependent(t *testing.T) {
	// Gaps within one reply vary (they are not one draw repeated) and the
	// reply length does not predict the TTFT.
	l := Latency{TTFT: 100 * time.Millisecond, TTFTJitter: 50 * time.Millisecond, ITL: 10 * time.Millisecond, ITLJitter: 5 * time.Millisecond, Tokens: 100, TokensJitter: 50}
	s := l.Plan(12345)
	distinct := map[time.Duration]bool{}
	for i := 1; i < 100; i++ {
		distinct[s.ITL(i)] = true
	}
	assert.Greater(t, len(distinct), 90)
	assert.Equal(t, time.Duration(0), s.ITL(0), "token 0 comes at TTFT, no gap")

	var xs, ys []float64
	for k := uint64(0); k < 5000; k++ {
		p := l.Plan(splitmix64(k))
		xs, ys = append(xs, float64(p.TTFT)), append(ys, float64(p.Tokens))
	}
	mx, my := summarise(xs), summarise(ys)
	var cov float64
	for i := range xs {
		cov += (xs[i] - mx.mean) * (ys[i] - my.mean)
	}
	corr := cov / float64(len(xs)-1) / (mx.sd * my.sd)
	assert.InDelta(t, 0, corr, 0.06, "TTFT and length are drawn independently")
}

func TestZeroTokensMeansDefault(t *testing.T) {
	s := Latency{}.Plan(1)
	require.Equal(t, DefaultTokens, s.Tokens)
	assert.Equal(t, time.Duration(0), s.TTFT)
	assert.Equal(t, time.Duration(0), s.Total(s.Tokens))
}
