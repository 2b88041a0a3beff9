package load

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/harness/results"
)

// The N segments' arrivals are the schedule, each arrival once, for every
// N and rate: no gap, no double.
func TestSegmentsPartitionTheSchedule(t *testing.T) {
	rates := []Rate{0.5, 1, 3, 16.6666667, 100, 333.3, 1000, 12345}
	durations := []time.Duration{time.Second, 7300 * time.Millisecond, time.Minute}
	for _, rate := range rates {
		for _, d := range durations {
			if float64(rate)*d.Seconds() > 1e5 {
				continue // the property holds for every schedule; the long ones only cost time
			}
			sc := scenario(func(sc *Scenario) { sc.Rate, sc.Duration = rate, d })
			whole := sc.Arrivals(results.Part{Index: 0, Count: 1})
			for _, n := range []int{1, 2, 3, 4, 7, 10, 64} {
				t.Run(fmt.Sprintf("%v_%v_%d", rate, d, n), func(t *testing.T) {
					var union []int64
					for i := range n {
						seg := sc.Arrivals(results.Part{Index: i, Count: n})
						for k, a := range seg {
							require.Equal(t, int64(i), a%int64(n), "segment %d/%d holds arrival %d", i, n, a)
							if k > 0 {
								require.Greater(t, a, seg[k-1], "a segment's arrivals are in schedule order")
							}
						}
						union = append(union, seg...)
					}
					sort.Slice(union, func(a, b int) bool { return union[a] < union[b] })
					require.Equal(t, whole, union, "the union of the segments is the whole schedule")
				})
			}
		}
	}
}

func TestSegmentsShareUsersAndSlots(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 8} {
		for _, items := range []int{n, n + 1, 7, 100, 1000} {
			total := 0
			seen := map[int]int{}
			for i := range n {
				p := results.Part{Index: i, Count: n}
				total += share(items, p)
				sc := Scenario{Users: items}
				us := sc.SegmentUsers(p)
				assert.Len(t, us, share(items, p))
				for _, u := range us {
					seen[u]++
				}
			}
			assert.Equal(t, items, total, "n=%d: the segments' shares add up to %d", n, items)
			assert.Len(t, seen, items)
			for u, c := range seen {
				assert.Equal(t, 1, c, "user %d in one segment", u)
			}
		}
	}
	sc := scenario(func(sc *Scenario) { sc.MaxInFlight = 2 })
	require.NoError(t, sc.Validate())
	assert.ErrorContains(t, sc.CheckSegment(results.Part{Index: 0, Count: 3}), "max_inflight is 2, fewer than the 3 segments")
	closed := scenario(func(sc *Scenario) { sc.Model, sc.Rate, sc.Users = Closed, 0, 2 })
	require.NoError(t, closed.Validate())
	assert.ErrorContains(t, closed.CheckSegment(results.Part{Index: 0, Count: 3}), "users is 2, fewer than the 3 segments")
	assert.NoError(t, closed.CheckSegment(results.Part{Index: 1, Count: 2}))
}

// Two segments run for real against a loopback server offer, together,
// exactly the arrivals of the unsegmented run, and leave the thresholds
// to the merge.
func TestSegmentRunsOfferTheirArrivals(t *testing.T) {
	sc := scenario(func(sc *Scenario) {
		sc.Rate, sc.Duration = 200, 400*time.Millisecond
		sc.Thresholds = []string{"rate(errors)<0.01", "count(dropped)==0"}
	})
	require.NoError(t, sc.Validate())
	url := serve(t, &fakeHive{})
	whole := run(t, context.Background(), sc, url, Options{})
	require.True(t, whole.Complete)
	require.Len(t, whole.Thresholds, 2)
	assert.Equal(t, int64(len(sc.Arrivals(results.Part{Count: 1}))), whole.Arrivals)

	var arrivals, requests int64
	for i := range 2 {
		p := &results.Part{Index: i, Count: 2}
		rep := run(t, context.Background(), sc, url, Options{Segment: p})
		require.True(t, rep.Complete)
		assert.Empty(t, rep.Thresholds, "a segment judges no threshold")
		assert.Equal(t, p, rep.Segment)
		assert.Equal(t, int64(len(sc.Arrivals(*p))), rep.Arrivals)
		arrivals += rep.Arrivals
		requests += rep.All.Requests + rep.Dropped
		f := ToResults(rep)
		require.NoError(t, f.Validate())
		assert.Equal(t, p, f.Segment)
		require.NotNil(t, f.Load)
		assert.Equal(t, sc.Thresholds, f.Load.Thresholds, "the results carry the thresholds for the merge")
	}
	assert.Equal(t, whole.Arrivals, arrivals, "the two segments' arrivals are the whole run's")
	assert.Equal(t, whole.Arrivals, requests, "every arrival was sent or dropped, once")
}

func TestClosedSegmentsRunTheirUsers(t *testing.T) {
	var mu sync.Mutex
	perUser := map[string]int{}
	h := &fakeHive{hook: func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		perUser[r.RemoteAddr]++
		mu.Unlock()
		return false
	}}
	url := serve(t, h)
	sc := scenario(func(sc *Scenario) {
		sc.Model, sc.Rate, sc.MaxInFlight, sc.Users = Closed, 0, 0, 5
		sc.Think, sc.ThinkJitter = 50*time.Millisecond, 0
		sc.Duration = 300 * time.Millisecond
	})
	require.NoError(t, sc.Validate())
	rep := run(t, context.Background(), sc, url, Options{Segment: &results.Part{Index: 1, Count: 2}})
	assert.True(t, rep.Complete)
	assert.Positive(t, rep.All.Requests)
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, perUser, 2, "segment 1/2 of 5 users runs users 1 and 3, each on its own connection")
}

// --target URL,URL spreads the requests over the replicas, and a
// conversation is read back from the replica that holds it.
func TestRequestsSpreadOverReplicas(t *testing.T) {
	// a's conversations are numbered from 1,000,000 and b's from 1; each
	// answers 404 for the other's, as two servers with their own
	// databases would.
	owns := func(first int64) func(w http.ResponseWriter, r *http.Request) bool {
		return func(w http.ResponseWriter, r *http.Request) bool {
			idText, ok := strings.CutPrefix(r.URL.Path, "/v1/conversations/")
			if !ok {
				return false
			}
			id, _ := strconv.ParseInt(idText, 10, 64)
			if (id >= 1e6) != (first >= 1e6) {
				w.WriteHeader(http.StatusNotFound)
				return true
			}
			return false
		}
	}
	a, b := &fakeHive{hook: owns(1e6)}, &fakeHive{hook: owns(1)}
	a.nextID.Store(1e6)
	ua, ub := serve(t, a), serve(t, b)
	tgt, err := ParseTargets(ua + ", " + ub)
	require.NoError(t, err)
	assert.Equal(t, []string{ub}, tgt.Replicas)
	sc := scenario(func(sc *Scenario) {
		sc.Rate, sc.Duration = 200, 300*time.Millisecond
		sc.Mix = map[string]float64{"consensus": 1, "conversation_read": 1}
	})
	rep, err := Run(context.Background(), sc, tgt, Options{SampleEvery: 100 * time.Millisecond})
	require.NoError(t, err)
	assert.Zero(t, rep.All.Errors, "every conversation is read from its own replica: %+v", rep.Errors)
	assert.Positive(t, rep.Kind(KindConversationRead).OK)
	assert.Positive(t, a.requests.Load(), "both replicas were loaded")
	assert.Positive(t, b.requests.Load())
	require.Len(t, rep.ReplicaMemory, 1)
	assert.NotEmpty(t, rep.ReplicaMemory[0].Samples, "each replica's memory is sampled")

	_, err = ParseTargets(ua + "," + ua)
	assert.ErrorContains(t, err, "twice")
	_, err = ParseTargets(ua + ",http://192.0.2.1:80")
	assert.ErrorContains(t, err, "not a loopback address")
	_, err = ParseTargets(" , ")
	assert.ErrorContains(t, err, "want one or more loopback URLs")
}

// The closed model's request cap is split so that the segments' caps add
// up to the scenario's, each in proportion to its users.
func TestClosedSegmentCapsAddUpToTheScenarios(t *testing.T) {
	for _, users := range []int{1, 2, 3, 7, 10, 100} {
		for _, limit := range []int64{1, 5, 99, 1000, 123457} {
			for _, n := range []int{1, 2, 3, 4, 7} {
				if n > users {
					continue
				}
				sc := Scenario{Model: Closed, Users: users, MaxRequests: limit}
				var sum int64
				for i := range n {
					c := sc.segmentCap(results.Part{Index: i, Count: n})
					assert.GreaterOrEqual(t, c, int64(0))
					sum += c
				}
				assert.Equal(t, limit, sum, "users %d, cap %d, %d segments", users, limit, n)
			}
		}
	}
}
