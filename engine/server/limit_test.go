package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/server"
)

// scrape reads one series (name with its labels, as /metrics prints it)
// from /metrics; it fails the test when the series is absent.
func (e *env) scrape(t testing.TB, series string) float64 {
	t.Helper()
	resp := e.get(t, "/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, series)
			return f
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("/metrics has no series %s", series)
	return 0
}

// hold starts a run of the "hang" profile (its upstream never answers) and
// returns a function that cancels it and waits for its answer.
func (e *env) hold(t testing.TB, question string) (release func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+"/v1/consensus",
			strings.NewReader(`{"question": "`+question+`", "profile": "hang"}`))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	var once sync.Once
	release = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(release)
	return release
}

const chatQ = `{"model": "hive/plain", "messages": [{"role": "user", "content": "q"}]}`

func TestMaxInflightRefusesBeyondTheLimit(t *testing.T) {
	e := start(t, func(c *server.Config) { c.MaxInflight = 1 })
	release := e.hold(t, "held")
	require.Eventually(t, func() bool { return e.mock.Stats().InFlight == 1 }, 10*time.Second, 5*time.Millisecond)

	refused := []crafted{
		{method: "POST", path: "/v1/consensus", contentType: "application/json", body: `{"question": "q"}`},
		{method: "POST", path: "/v1/consensus", contentType: "application/json", body: `{"question": "q", "stream": true}`},
		{method: "POST", path: "/v1/chat/completions", contentType: "application/json", body: chatQ},
	}
	for _, c := range refused {
		code, hdr, body := e.send(t, c)
		assert.Equal(t, http.StatusTooManyRequests, code, "%s: %s", c.body, body)
		assert.Equal(t, "1", hdr.Get("Retry-After"))
		assertRefusal(t, body, "too_many_inflight_runs", "1 run", "--max-inflight")
	}
	// Only runs count: the other routes answer while the slot is taken.
	for _, path := range []string{"/healthz", "/metrics", "/v1/models"} {
		assert.Equal(t, http.StatusOK, e.get(t, path).StatusCode, path)
	}
	assert.Equal(t, 1.0, e.scrape(t, "hive_http_run_requests_in_flight"))
	assert.Equal(t, 3.0, e.scrape(t, `hive_http_refusals_total{reason="inflight"}`))
	assert.Equal(t, 0.0, e.scrape(t, `hive_http_refusals_total{reason="spend_cap"}`))

	release()
	require.Eventually(t, func() bool { return e.scrape(t, "hive_http_run_requests_in_flight") == 0 },
		10*time.Second, 5*time.Millisecond, "the canceled run did not give its slot back")
	assert.Equal(t, http.StatusOK, e.post(t, "/v1/consensus", map[string]any{"question": "after"}).StatusCode)
	assert.Equal(t, int64(1+4), e.mock.Stats().Requests, "the held run and one admitted run reached upstream")
}

// TestMaxInflightUnderConcurrentArrivals: of many runs arriving together,
// exactly the limit is admitted, whatever the interleaving.
func TestMaxInflightUnderConcurrentArrivals(t *testing.T) {
	const limit, arrivals = 2, 8
	e := start(t, func(c *server.Config) { c.MaxInflight = limit })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	codes := make(chan int, arrivals)
	for i := range arrivals {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+"/v1/consensus",
				strings.NewReader(fmt.Sprintf(`{"question": "q%d", "profile": "hang"}`, i)))
			if err != nil {
				codes <- -1
				return
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0 // canceled while admitted
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	// The refused answer at once; the admitted hang until canceled.
	for range arrivals - limit {
		select {
		case c := <-codes:
			assert.Equal(t, http.StatusTooManyRequests, c)
		case <-time.After(30 * time.Second):
			t.Fatal("the refused requests were not answered")
		}
	}
	require.Eventually(t, func() bool { return e.mock.Stats().InFlight == limit }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, float64(limit), e.scrape(t, "hive_http_run_requests_in_flight"))
	assert.Equal(t, float64(arrivals-limit), e.scrape(t, `hive_http_refusals_total{reason="inflight"}`))
	cancel()
	wg.Wait()
	close(codes)
	for c := range codes {
		assert.NotEqual(t, http.StatusTooManyRequests, c, "more than the limit were refused")
	}
	require.Eventually(t, func() bool { return e.scrape(t, "hive_http_run_requests_in_flight") == 0 },
		10*time.Second, 5*time.Millisecond)
}

func TestSpendCapPerRollingHour(t *testing.T) {
	e := start(t, func(c *server.Config) { c.MaxCostPerHour = 1e-9 })
	resp := e.post(t, "/v1/consensus", map[string]any{"question": "spend"})
	require.Equal(t, http.StatusOK, resp.StatusCode, "the window is empty: the first run is admitted")
	first := decode[consensus.ResultJSON](t, resp.Body)
	require.Greater(t, first.Totals.Cost, 1e-9, "the mock's prices make a run cost more than the cap")

	refused := []crafted{
		{method: "POST", path: "/v1/consensus", contentType: "application/json", body: `{"question": "another"}`},
		{method: "POST", path: "/v1/consensus", contentType: "application/json", body: `{"question": "spend"}`},
		{method: "POST", path: "/v1/chat/completions", contentType: "application/json", body: chatQ},
	}
	for _, c := range refused {
		code, hdr, body := e.send(t, c)
		assert.Equal(t, http.StatusTooManyRequests, code, "%s: %s", c.body, body)
		after, err := strconv.Atoi(hdr.Get("Retry-After"))
		require.NoError(t, err, "Retry-After %q", hdr.Get("Retry-After"))
		assert.True(t, after >= 3599 && after <= 3600, "room frees up when the first run leaves the hour: Retry-After %d", after)
		assertRefusal(t, body, "spend_cap_reached", "1e-09 USD", "--max-cost-per-hour", "frees up")
	}
	assert.Equal(t, 3.0, e.scrape(t, `hive_http_refusals_total{reason="spend_cap"}`))
	assert.InDelta(t, first.Totals.Cost, e.scrape(t, "hive_http_spend_window_usd"), 1e-15)
	assert.Equal(t, int64(4), e.mock.Stats().Requests, "only the first run reached upstream")
	assert.Equal(t, int64(1), e.conversations(t))
}

func TestSpendCapAdmitsUntilReached(t *testing.T) {
	e := start(t, func(c *server.Config) { c.MaxCostPerHour = 1 })
	var spent float64
	for i := range 3 {
		resp := e.post(t, "/v1/consensus", map[string]any{"question": fmt.Sprint("q", i)})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		spent += decode[consensus.ResultJSON](t, resp.Body).Totals.Cost
	}
	// A hit spends nothing: the window holds the three runs only.
	require.Equal(t, http.StatusOK, e.post(t, "/v1/consensus", map[string]any{"question": "q0"}).StatusCode)
	assert.InDelta(t, spent, e.scrape(t, "hive_http_spend_window_usd"), 1e-15)
	assert.Equal(t, 0.0, e.scrape(t, `hive_http_refusals_total{reason="spend_cap"}`))
}
