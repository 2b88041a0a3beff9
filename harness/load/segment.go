package load

import (
	"fmt"
	"math"

	"github.com/hiveperf/hive/harness/results"
)

// share is how many of n items (users, in-flight slots) segment p takes:
// the items i with i ≡ p.Index (mod p.Count).
func share(n int, p results.Part) int {
	if n <= p.Index {
		return 0
	}
	return (n-p.Index-1)/p.Count + 1
}

// CheckSegment reports whether the scenario can be cut into p.Count
// segments: each needs at least one user (closed) or one in-flight slot
// (open). Call it after Validate.
func (sc *Scenario) CheckSegment(p results.Part) error {
	if p.Count < 1 || p.Index < 0 || p.Index >= p.Count {
		return fmt.Errorf("segment %d/%d: want 0 ≤ I < N", p.Index, p.Count)
	}
	switch sc.Model {
	case Closed:
		if sc.Users < p.Count {
			return fmt.Errorf("users is %d, fewer than the %d segments; each segment runs at least one user", sc.Users, p.Count)
		}
	case Open:
		if sc.MaxInFlight < p.Count {
			return fmt.Errorf("max_inflight is %d, fewer than the %d segments; each segment needs at least one in-flight slot", sc.MaxInFlight, p.Count)
		}
	}
	return nil
}

// segmentCap is the request cap of segment p: the scenario's for an open
// model (it bounds the arrival index, which the segments share), and for
// a closed model the scenario's in proportion to the segment's users,
// apportioned so that the N segments' caps add up to the scenario's
// exactly (rounding each share up would let the union exceed it).
func (sc *Scenario) segmentCap(p results.Part) int64 {
	limit := sc.MaxRequestsOrDefault()
	if sc.Model == Open || p.Count == 1 || sc.Users < 1 {
		return limit
	}
	before := 0 // users of the segments 0..p.Index-1
	for q := range p.Index {
		before += share(sc.Users, results.Part{Index: q, Count: p.Count})
	}
	upTo := func(users int) int64 {
		return int64(math.Floor(float64(limit) * float64(users) / float64(sc.Users)))
	}
	return upTo(before+share(sc.Users, p)) - upTo(before)
}

// Arrivals returns the indexes of the open model's arrivals that segment
// p offers, in order: i ≡ p.Index (mod p.Count), for every i whose
// scheduled time i/rate falls inside the duration and under the request
// cap. The schedule the runner follows is this one; the N segments'
// together are the unsegmented run's, each arrival once.
func (sc *Scenario) Arrivals(p results.Part) []int64 {
	var out []int64
	limit := sc.MaxRequestsOrDefault()
	for i := int64(p.Index); i < limit && sc.scheduled(i); i += int64(p.Count) {
		out = append(out, i)
	}
	return out
}

// scheduled reports whether arrival i of the open model falls inside the
// duration; the runner and Arrivals both ask it.
func (sc *Scenario) scheduled(i int64) bool { return sc.Rate.offset(i) < sc.Duration }

// SegmentUsers returns the closed model's users segment p runs: u ≡ p.Index
// (mod p.Count).
func (sc *Scenario) SegmentUsers(p results.Part) []int {
	var out []int
	for u := p.Index; u < sc.Users; u += p.Count {
		out = append(out, u)
	}
	return out
}
