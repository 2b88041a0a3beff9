package server

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/internal/exitcode"
)

// spendWindowLen is the span of the spend cap: a rolling hour.
const spendWindowLen = time.Hour

// admission bounds what any client can make the server do: how many run
// requests are in flight (MaxInflight) and how much the runs that ended in
// the last rolling hour cost (MaxCostPerHour).
type admission struct {
	maxInflight int64 // 0: no limit
	inflight    atomic.Int64
	spend       spendWindow
	now         func() time.Time
	// unpricedWarned: the warning about runs the cap cannot price is
	// logged once, not once per run.
	unpricedWarned atomic.Bool
}

// admit is the adapter of the run routes: 429 with Retry-After when the
// in-flight limit or the spend cap is reached, else the request holds a
// slot until its handler returns (the whole stream, for SSE).
func (s *Server) admit(next http.Handler) http.Handler {
	a := &s.admission
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.take() {
			w.Header().Set("Retry-After", "1")
			s.refuse(w, refusedInflight, apiError{status: http.StatusTooManyRequests, typ: typeRateLimit, code: "too_many_inflight_runs",
				msg: fmt.Sprintf("%d run %s already in flight, the server's limit (--max-inflight); retry when one ends", a.maxInflight, plural(a.maxInflight, "request is", "requests are"))})
			return
		}
		defer a.inflight.Add(-1)
		now := a.now()
		if spent, freeAt, ok := a.spend.room(now); !ok {
			wait := freeAt.Sub(now)
			secs := max(1, int64(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			s.refuse(w, refusedSpendCap, apiError{status: http.StatusTooManyRequests, typ: typeRateLimit, code: "spend_cap_reached",
				msg: fmt.Sprintf("spend cap reached: runs that ended in the last hour cost %.6g USD, the cap (--max-cost-per-hour) is %g USD; room frees up at %s (in %d s)",
					spent, a.spend.cap, freeAt.UTC().Format(time.RFC3339), secs)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// take claims an in-flight slot, exactly: a compare-and-swap, so that a
// burst never admits more than the limit nor refuses below it.
func (a *admission) take() bool {
	for {
		n := a.inflight.Load()
		if a.maxInflight > 0 && n >= a.maxInflight {
			return false
		}
		if a.inflight.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// charge counts a run's cost in the spend window when it ends. A hit
// spent nothing (its Totals are the original run's); a failed or canceled
// run spent what its finished stages cost. It returns the model of a stage
// that used tokens at no cost, when a cap is set: upstream reported none
// and the config has no price for it, so the cap cannot see what it spent.
func (a *admission) charge(res *consensus.Result) (unpriced string) {
	if res == nil || res.Cached {
		return ""
	}
	if res.Totals.Cost > 0 {
		a.spend.add(a.now(), res.Totals.Cost)
	}
	if a.spend.cap > 0 {
		for _, st := range res.Stages {
			if st.PromptTokens+st.CompletionTokens > 0 && st.Cost == 0 && !st.CostEstimated {
				return st.Model
			}
		}
	}
	return ""
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// spendWindow sums costs over a rolling hour in one-second buckets, so it
// holds at most 3600 of them whatever the request rate.
type spendWindow struct {
	cap float64 // USD; 0: no cap (the window is still kept, for the metric)

	mu      sync.Mutex
	buckets []spendBucket // oldest first
	sum     float64
}

type spendBucket struct {
	sec int64 // Unix second
	usd float64
}

// expire drops the buckets that left the window at now. Called with mu.
func (w *spendWindow) expire(now time.Time) {
	cut := now.Add(-spendWindowLen).Unix() // a bucket at sec counts while sec > cut
	i := 0
	for i < len(w.buckets) && w.buckets[i].sec <= cut {
		i++
	}
	if i == 0 {
		return
	}
	w.buckets = append(w.buckets[:0], w.buckets[i:]...)
	// Re-add rather than subtract, so rounding never leaves a residue.
	w.sum = 0
	for _, b := range w.buckets {
		w.sum += b.usd
	}
}

func (w *spendWindow) add(now time.Time, usd float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expire(now)
	sec := now.Unix()
	if n := len(w.buckets); n > 0 && w.buckets[n-1].sec >= sec {
		// Same second (or a clock step back): one bucket, so the count
		// stays bounded.
		w.buckets[n-1].usd += usd
	} else {
		w.buckets = append(w.buckets, spendBucket{sec, usd})
	}
	w.sum += usd
}

// total is the cost of the runs that ended in the hour before now.
func (w *spendWindow) total(now time.Time) float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expire(now)
	return w.sum
}

// room reports whether a run may start at now; when not, what the window
// holds and when enough of it will have expired to drop below the cap.
func (w *spendWindow) room(now time.Time) (spent float64, freeAt time.Time, ok bool) {
	if w.cap <= 0 {
		return 0, time.Time{}, true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expire(now)
	if w.sum < w.cap {
		return w.sum, time.Time{}, true
	}
	left := w.sum
	for _, b := range w.buckets {
		left -= b.usd
		if left < w.cap {
			return w.sum, time.Unix(b.sec, 0).Add(spendWindowLen), false
		}
	}
	// Unreachable with a positive cap; fail closed for the longest wait.
	return w.sum, now.Add(spendWindowLen), false
}

// registerAdmissionMetrics registers the gauges read at scrape time.
func (s *Server) registerAdmissionMetrics(reg prometheus.Registerer) error {
	a := &s.admission
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hive_http_run_requests_in_flight",
			Help: "POST /v1/consensus and /v1/chat/completions requests admitted and not yet answered (what --max-inflight bounds).",
		}, func() float64 { return float64(a.inflight.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hive_http_spend_window_usd",
			Help: "Cost in USD of the runs that ended in the last rolling hour (what --max-cost-per-hour bounds); cache hits count 0.",
		}, func() float64 { return a.spend.total(a.now()) }),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// CheckLimits checks --max-inflight and --max-cost-per-hour. It is
// exported so that `hive serve` can refuse bad input before opening the
// store.
func CheckLimits(maxInflight int, maxCostPerHour float64) error {
	if maxInflight < 0 {
		return exitcode.UsageError("serve: --max-inflight is %d; want 0 (no limit) or a positive number of run requests", maxInflight)
	}
	if maxCostPerHour < 0 || math.IsNaN(maxCostPerHour) || math.IsInf(maxCostPerHour, 0) {
		return exitcode.UsageError("serve: --max-cost-per-hour is %v; want 0 (no cap) or a positive USD amount such as 2.50", maxCostPerHour)
	}
	return nil
}
