package consensus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An answer is a committed record: read back at once, without waiting for
// anything, the conversation holds the run's outcome and every stage.
func TestAnsweredRunIsReadableAtOnce(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	res, err := h.eng.Run(ctx, Request{Question: "What is a B-tree?", NoCache: true}, nil)
	require.NoError(t, err)
	require.Positive(t, res.ConversationID)
	assert.NoError(t, res.RecordErr)
	assert.True(t, res.Recorded)

	conv, msgs, err := h.store.Conversation(ctx, res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, StatusOK, conv.Status)
	assert.Equal(t, res.Final, conv.Final)
	assert.Equal(t, "What is a B-tree?", conv.Question)
	assert.Equal(t, res.CacheKey, conv.CacheKey)
	assert.InDelta(t, res.Totals.Cost, conv.TotalCost, 1e-12)
	require.Len(t, msgs, 4)
	for i, m := range msgs {
		assert.Equal(t, res.Stages[i].Content, m.Content)
	}
	assert.Equal(t, 0.0, metricValue(t, h.eng.m.errors.WithLabelValues(errKindStore)))
}

// Runs that end together share commits but each gets its own conversation,
// readable as soon as its answer is; Close writes the cache puts queued
// behind them.
func TestRunsEndingTogetherEachGetTheirRecord(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[int64]bool{}
	results := make([]*Result, n)
	for i := range n {
		wg.Go(func() {
			res, err := h.eng.Run(ctx, Request{Question: fmt.Sprintf("question %d", i)}, nil)
			if !assert.NoError(t, err) {
				return
			}
			results[i] = res
			conv, msgs, err := h.store.Conversation(ctx, res.ConversationID)
			if assert.NoError(t, err) {
				assert.Equal(t, fmt.Sprintf("question %d", i), conv.Question)
				assert.Equal(t, StatusOK, conv.Status)
				assert.Equal(t, res.Final, conv.Final)
				assert.Len(t, msgs, 4)
			}
			mu.Lock()
			assert.False(t, ids[res.ConversationID], "conversation id %d given twice", res.ConversationID)
			ids[res.ConversationID] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	require.NoError(t, h.eng.Close())
	for i, res := range results {
		require.NotNil(t, res)
		_, ok, err := h.store.CacheGet(ctx, res.CacheKey)
		require.NoError(t, err)
		assert.True(t, ok, "run %d was not cached in the store", i)
	}
}

// A record that fails is in the answer: Recorded false, the error, and the
// counters. Nothing is said to be recorded that is not.
func TestRecordFailureIsInTheAnswer(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	// A trigger, added from another connection, makes the outcome's write
	// fail, as a full disk would.
	db, err := sql.Open("sqlite3", h.store.Path())
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TRIGGER no_messages BEFORE INSERT ON messages
		BEGIN SELECT RAISE(ABORT, 'messages refused'); END`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	res, err := h.eng.Run(ctx, Request{Question: "q", NoCache: true}, nil)
	require.NoError(t, err, "the answer is still valid")
	assert.False(t, res.Recorded)
	require.Error(t, res.RecordErr)
	assert.Contains(t, res.RecordErr.Error(), "messages refused")
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.errors.WithLabelValues(errKindStore)))
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.unrecorded))
	require.NoError(t, h.eng.Close())
	conv, msgs, err := h.store.Conversation(ctx, res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, "running", conv.Status, "the row shows the run never finished recording")
	assert.Empty(t, msgs)
}

// holdWriteLock takes the database's write lock from a connection of its
// own, as another process would (BEGIN IMMEDIATE), and releases it after
// d. The returned channel is closed once it is released.
func holdWriteLock(t testing.TB, path string, d time.Duration) <-chan struct{} {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	require.NoError(t, err)
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	_, err = conn.ExecContext(context.Background(), "BEGIN IMMEDIATE")
	require.NoError(t, err)
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(d)
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}()
	t.Cleanup(func() { <-released })
	return released
}

// A run whose record the store does not confirm within the record timeout
// says so — Recorded false, a RecordErr naming the timeout, the unrecorded
// counter — instead of answering conversation 0 as if nothing were wrong;
// it is not cached (a hit would point at no conversation); and its row is
// still completed once the database takes it, not left "running".
func TestRunNotRecordedInTimeSaysSoAndIsCompletedLater(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	h := newHarness(t, zeroLatency(), "", WithRecordTimeout(200*time.Millisecond),
		WithStoreErrorHandler(func(err error) {
			mu.Lock()
			reported = append(reported, err)
			mu.Unlock()
		}))
	ctx := context.Background()
	released := holdWriteLock(t, h.store.Path(), time.Second)

	res, err := h.eng.Run(ctx, Request{Question: "What is a B-tree?"}, nil)
	require.NoError(t, err, "the run itself succeeded")
	assert.Equal(t, StatusOK, res.Status)
	assert.NotEmpty(t, res.Final)
	assert.False(t, res.Recorded)
	assert.Zero(t, res.ConversationID)
	require.Error(t, res.RecordErr)
	assert.Contains(t, res.RecordErr.Error(), "did not record the run within 200ms")
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.unrecorded))
	wire := map[string]any{}
	require.NoError(t, json.Unmarshal(res.AppendJSON(nil), &wire))
	assert.Equal(t, false, wire["recorded"])
	assert.Contains(t, wire["record_error"], "did not record the run")

	again, err := h.eng.Lookup(ctx, Request{Question: "What is a B-tree?"})
	require.NoError(t, err)
	assert.Nil(t, again, "an unrecorded answer is not served from the cache")

	<-released
	require.NoError(t, h.eng.Close(), "Close waits for the late record")
	conv, msgs, err := h.store.Conversation(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, StatusOK, conv.Status, "the row is completed, not left running")
	assert.Equal(t, res.Final, conv.Final)
	assert.Len(t, msgs, 4)
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, reported)
}

// Close refuses new runs, waits for the runs in progress (and their
// records) before it stops the recorder, so that the caller may close the
// store right after it: nothing writes to a closed store.
func TestCloseWaitsForRunsInProgress(t *testing.T) {
	h := newHarness(t, zeroLatency(), `
  slow:
    generator: {model: "@ttft-20s/slow"}
    refiner:   {model: test/ref}
    validator: {model: test/val}
    curator:   {model: test/cur}
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 4
	results := make(chan *Result, n)
	for i := range n {
		go func() {
			res, _ := h.eng.Run(ctx, Request{Question: fmt.Sprintf("q%d", i), Profile: "slow"}, nil)
			results <- res
		}()
	}
	require.Eventually(t, func() bool { return h.up.mock.Stats().InFlight == n }, 10*time.Second, time.Millisecond)

	closed := make(chan error, 1)
	go func() { closed <- h.eng.Close() }()
	// Close is waiting for the runs; a new one is refused meanwhile.
	require.Eventually(t, func() bool {
		_, err := h.eng.Run(context.Background(), Request{Question: "late"}, nil)
		return errors.Is(err, ErrClosed)
	}, 5*time.Second, time.Millisecond)
	_, err := h.eng.Lookup(context.Background(), Request{Question: "late"})
	assert.ErrorIs(t, err, ErrClosed)
	select {
	case <-closed:
		t.Fatal("Close returned while runs were in progress")
	default:
	}

	cancel()
	require.NoError(t, <-closed)
	for range n {
		res := <-results
		require.NotNil(t, res)
		assert.Equal(t, StatusCanceled, res.Status)
		assert.True(t, res.Recorded)
		conv, msgs, err := h.store.Conversation(context.Background(), res.ConversationID)
		require.NoError(t, err)
		assert.Equal(t, StatusCanceled, conv.Status, "the record was written before Close returned")
		assert.Len(t, msgs, 4)
	}
	assert.Zero(t, metricValue(t, h.eng.m.inflight))
}

// The store's copy of an answer is committed with the run's record, in its
// transaction: once Run returns, a process that reads the cache table finds
// it, pointing at the run's conversation (a put queued after the record
// landed later, in a commit of its own).
func TestRunCommitsTheCacheEntryWithTheRecord(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	for i := range 20 {
		res, err := h.eng.Run(ctx, Request{Question: fmt.Sprintf("What is a B-tree, take %d?", i), NoCache: true}, nil)
		require.NoError(t, err)
		require.True(t, res.Recorded)
		data, ok, err := h.store.CacheGet(ctx, res.CacheKey)
		require.NoError(t, err)
		require.True(t, ok, "run %d: the cache entry is in the store when Run returns", i)
		p, err := h.eng.Config().Profile(res.Profile)
		require.NoError(t, err)
		cached, err := decodeCached(data, p)
		require.NoError(t, err)
		assert.Equal(t, res.ConversationID, cached.ConversationID)
		assert.Equal(t, res.Final, cached.Final)
	}
}
