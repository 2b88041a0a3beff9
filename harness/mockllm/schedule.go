package mockllm

import "time"

// Schedule is the planned shape of one reply: when the first token comes,
// how many tokens follow, and the gap before each later token. It is a pure
// function of the latency model and a key (see Plan), which is what makes
// the mock's timings reproducible and testable without a clock.
type Schedule struct {
	TTFT   time.Duration // request accepted → first content token
	Tokens int           // content tokens in the reply, before any max_tokens cap

	key       uint64
	itl       time.Duration
	itlJitter time.Duration
}

// ITL is the planned gap before content token i (i ≥ 1; token 0 comes at
// TTFT). Computed on demand from the key so a reply of any length costs no
// allocation.
func (s Schedule) ITL(i int) time.Duration {
	if i <= 0 {
		return 0
	}
	return jitterDuration(s.itl, s.itlJitter, rand64(s.key, laneITL, uint64(i)))
}

// Total is TTFT plus every inter-token gap of an n-token reply: how long a
// non-streamed reply of n tokens waits before it is written.
func (s Schedule) Total(n int) time.Duration {
	d := s.TTFT
	for i := 1; i < n; i++ {
		d += s.ITL(i)
	}
	return d
}

// Plan computes the schedule of the reply identified by key (RequestKey
// mixes the server seed with the request's content). Each jittered quantity
// is drawn uniformly from [mean−jitter, mean+jitter]; Validate guarantees
// jitter ≤ mean (tokens: jitter < mean), so the declared mean is the true
// mean and nothing is clamped.
func (l Latency) Plan(key uint64) Schedule {
	l = l.withDefaults()
	return Schedule{
		TTFT:      jitterDuration(l.TTFT, l.TTFTJitter, rand64(key, laneTTFT, 0)),
		Tokens:    jitterInt(l.Tokens, l.TokensJitter, rand64(key, laneTokens, 0)),
		key:       key,
		itl:       l.ITL,
		itlJitter: l.ITLJitter,
	}
}

// Lanes separate the independent random streams drawn from one key, so that
// e.g. changing the reply length does not shift the words or the timings.
const (
	laneTTFT uint64 = iota + 1
	laneTokens
	laneITL
	laneWords
	laneFault429
	laneFault500
	laneFaultCut
	laneFaultMalformed
	laneFaultKeepAlive
	laneFaultError
	lanePosition
	laneID
)

func jitterDuration(mean, jitter time.Duration, r uint64) time.Duration {
	if jitter <= 0 {
		return mean
	}
	// Uniform integer in [mean−jitter, mean+jitter]; the modulo bias over
	// 64 random bits is far below anything a test or a benchmark can see.
	span := uint64(2*jitter) + 1
	return mean - jitter + time.Duration(r%span)
}

func jitterInt(mean, jitter int, r uint64) int {
	if jitter <= 0 {
		return mean
	}
	span := uint64(2*jitter) + 1
	return mean - jitter + int(r%span)
}

// splitmix64 is a fast, well-mixed 64-bit permutation (Steele, Lea, Flood
// 2014). It is the only source of randomness in the mock: no global RNG, so
// concurrent requests cannot perturb each other's draws.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rand64 is draw i of lane from key.
func rand64(key, lane, i uint64) uint64 {
	return splitmix64(key ^ splitmix64(lane<<40^i))
}

// unit maps r to [0, 1).
func unit(r uint64) float64 { return float64(r>>11) / (1 << 53) }

// fnv64a is FNV-1a over s, continued from h; inlined because hash/fnv
// allocates through its interface and this runs on every request.
func fnv64a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

const fnvOffset = 14695981039346656037
