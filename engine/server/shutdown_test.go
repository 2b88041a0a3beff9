package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/engine/consensus"
	"github.com/hiveperf/hive/engine/server"
)

// finalStatuses reads every conversation's status straight from the file,
// on a connection of its own.
func finalStatuses(t testing.TB, path string) map[int64]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT c.id, c.status, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) FROM conversations c`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id, msgs int64
		var status string
		require.NoError(t, rows.Scan(&id, &status, &msgs))
		out[id] = fmt.Sprintf("%s/%d messages", status, msgs)
	}
	require.NoError(t, rows.Err())
	return out
}

// stopServing does the first half of what hive serve does on SIGTERM:
// Serve returns. It checks that no run was still inside the engine then: a
// run still going could write to the store after it is closed.
func stopServing(t *testing.T, e *env) {
	t.Helper()
	require.NoError(t, e.stop(), "Serve returns cleanly after canceling the runs")
	assert.Zero(t, e.metric(t, "hive_consensus_inflight_runs"), "a run was still going when Serve returned")
}

// closeAll does the second half: the engine, then the store, are closed;
// no store write may have failed.
func closeAll(t *testing.T, e *env) {
	t.Helper()
	require.NoError(t, e.eng.Close())
	require.NoError(t, e.closeStore())
	assert.Empty(t, e.storeErrs.all(), "a store write failed")
}

// TestShutdownWaitsForCanceledRunsToRecord: a run outlives the shutdown
// grace while another process holds the database's write lock for 6 s, so
// that the canceled run's record waits for the lock longer than shutdown
// used to wait for handlers (5 s, then http.Server.Close, which does not
// wait). Serve must return only after the run has recorded itself, so the
// store is closed after the last write, and the row is final: "canceled"
// with its four stages, not "running" with none.
func TestShutdownWaitsForCanceledRunsToRecord(t *testing.T) {
	e := start(t, func(c *server.Config) { c.ShutdownGrace = 50 * time.Millisecond })
	released := holdWriteLock(t, e.store.Path(), 6*time.Second)
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(e.url+"/v1/consensus", "application/json", strings.NewReader(`{"question":"q","profile":"waits"}`))
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return e.mock.Stats().InFlight == 1 }, 10*time.Second, time.Millisecond)

	stopServing(t, e)
	select {
	case <-released:
	default:
		t.Fatal("Serve returned while the run's record still waited for the lock")
	}
	closeAll(t, e)
	assert.Equal(t, http.StatusServiceUnavailable, <-answered)
	assert.Equal(t, map[int64]string{1: "canceled/4 messages"}, finalStatuses(t, e.store.Path()))
	assert.Equal(t, int64(1), e.mock.Stats().ClientCancels, "the upstream request was aborted")
}

// TestShutdownWithManyRunsInFlight: runs on every surface, streamed and
// not, are in progress when the server shuts down with a short grace.
// Every run is canceled, recorded as such, and done before Serve returns.
func TestShutdownWithManyRunsInFlight(t *testing.T) {
	e := start(t, func(c *server.Config) { c.ShutdownGrace = 20 * time.Millisecond })
	bodies := []struct{ path, body string }{
		{"/v1/consensus", `{"question":"q1","profile":"waits"}`},
		{"/v1/consensus", `{"question":"q2","profile":"waits","stream":true}`},
		{"/v1/chat/completions", `{"model":"hive/waits","messages":[{"role":"user","content":"q3"}]}`},
		{"/v1/chat/completions", `{"model":"hive/waits","stream":true,"messages":[{"role":"user","content":"q4"}]}`},
	}
	const perBody = 2
	var wg sync.WaitGroup
	for range perBody {
		for _, b := range bodies {
			wg.Go(func() {
				resp, err := http.Post(e.url+b.path, "application/json", strings.NewReader(b.body))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
	}
	n := int64(len(bodies) * perBody)
	require.Eventually(t, func() bool { return e.mock.Stats().InFlight == n }, 10*time.Second, time.Millisecond)

	stopServing(t, e)
	closeAll(t, e)
	wg.Wait()
	got := finalStatuses(t, e.store.Path())
	require.Len(t, got, int(n))
	for id, s := range got {
		assert.Equal(t, "canceled/4 messages", s, "conversation %d", id)
	}
	assert.Equal(t, n, e.mock.Stats().ClientCancels)
	_, err := e.eng.Run(context.Background(), consensus.Request{Question: "after"}, nil)
	assert.ErrorIs(t, err, consensus.ErrClosed)
}
