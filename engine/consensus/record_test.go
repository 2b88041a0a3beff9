package consensus

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deferred run answers with its conversation id before the outcome is
// committed; WaitRecorded makes the outcome readable.
func TestDeferredRecordIsReadableAfterWaitRecorded(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	res, err := h.eng.Run(ctx, Request{Question: "What is a B-tree?", NoCache: true, DeferRecord: true}, nil)
	require.NoError(t, err)
	require.Positive(t, res.ConversationID)
	assert.NoError(t, res.RecordErr)

	require.NoError(t, h.eng.WaitRecorded(ctx, res.ConversationID))
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

// Close writes every deferred record (graceful shutdown), and runs that
// end together each get their own conversation.
func TestCloseFlushesDeferredRecords(t *testing.T) {
	h := newHarness(t, zeroLatency(), "")
	ctx := context.Background()
	const n = 16
	results := make([]*Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := h.eng.Run(ctx, Request{Question: fmt.Sprintf("question %d", i), DeferRecord: true}, nil)
			assert.NoError(t, err)
			results[i] = res
		})
	}
	wg.Wait()
	require.NoError(t, h.eng.Close())

	ids := map[int64]bool{}
	for i, res := range results {
		require.NotNil(t, res)
		require.False(t, ids[res.ConversationID], "conversation id %d given twice", res.ConversationID)
		ids[res.ConversationID] = true
		conv, msgs, err := h.store.Conversation(ctx, res.ConversationID)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("question %d", i), conv.Question)
		assert.Equal(t, StatusOK, conv.Status)
		assert.Equal(t, res.Final, conv.Final)
		assert.Len(t, msgs, 4)
		// The cache put went through the same writer.
		_, ok, err := h.store.CacheGet(ctx, res.CacheKey)
		require.NoError(t, err)
		assert.True(t, ok, "run %d was not cached in the store", i)
	}
}

// A deferred write that fails after the answer is counted and reported to
// the store error handler: not lost silently.
func TestDeferredRecordFailureIsReported(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	h := newHarness(t, zeroLatency(), "", WithStoreErrorHandler(func(err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	}))
	ctx := context.Background()
	// A trigger, added from another connection, makes the outcome's write
	// fail, as a full disk would.
	db, err := sql.Open("sqlite3", h.store.Path())
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TRIGGER no_messages BEFORE INSERT ON messages
		BEGIN SELECT RAISE(ABORT, 'messages refused'); END`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	res, err := h.eng.Run(ctx, Request{Question: "q", NoCache: true, DeferRecord: true}, nil)
	require.NoError(t, err)
	require.Positive(t, res.ConversationID)
	require.NoError(t, h.eng.Close())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, reported, 1)
	assert.Contains(t, reported[0].Error(), fmt.Sprintf("conversation %d", res.ConversationID))
	assert.Contains(t, reported[0].Error(), "messages refused")
	assert.Equal(t, 1.0, metricValue(t, h.eng.m.errors.WithLabelValues(errKindStore)))
	conv, msgs, err := h.store.Conversation(ctx, res.ConversationID)
	require.NoError(t, err)
	assert.Equal(t, "running", conv.Status, "the row shows the run never finished recording")
	assert.Empty(t, msgs)
}
