package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record runs one conversation through the recorder the way the consensus
// engine does: Begin, ID, Finish.
func record(t testing.TB, r *RunRecorder, question string, onErr func(error)) *RunWrite {
	t.Helper()
	w := r.Begin(&Conversation{Question: question, Profile: "balanced", CacheKey: "k-" + question})
	_, err := w.ID(context.Background())
	require.NoError(t, err)
	w.Finish(&Conversation{Status: "ok", Final: "answer to " + question, TotalCost: 0.5, Latency: 3 * time.Millisecond},
		fourStages("reply to "+question), onErr)
	return w
}

func TestRunRecorderWritesWholeRun(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	ctx := context.Background()

	w := r.Begin(&Conversation{Question: "q?", Profile: "balanced", CacheKey: "key"})
	id, err := w.ID(ctx)
	require.NoError(t, err)
	require.Positive(t, id)
	c, msgs, err := s.Conversation(ctx, id)
	require.NoError(t, err, "the row exists as soon as ID returns")
	assert.Equal(t, "running", c.Status)
	assert.Empty(t, msgs)

	w.Finish(&Conversation{Status: "ok", Final: "a.", TotalCost: 0.25, Latency: time.Second}, fourStages("r"), nil)
	require.NoError(t, w.Wait(ctx))
	c, msgs, err = s.Conversation(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "ok", c.Status)
	assert.Equal(t, "a.", c.Final)
	assert.Equal(t, "q?", c.Question)
	assert.Equal(t, "key", c.CacheKey)
	assert.InDelta(t, 0.25, c.TotalCost, 1e-12)
	assert.Equal(t, time.Second, c.Latency)
	require.Len(t, msgs, 4)
	for i, m := range msgs {
		assert.Equal(t, i, m.Seq)
		assert.Equal(t, id, m.ConversationID)
		assert.Equal(t, "r", m.Content)
	}
	require.NoError(t, r.Close())
}

// FinishCached commits the cache entry with the run's outcome, and only
// with it: an outcome that fails leaves no entry behind.
func TestRunRecorderFinishCachedCommitsTheEntryWithTheOutcome(t *testing.T) {
	for _, fails := range []bool{false, true} {
		t.Run(fmt.Sprintf("outcome fails %v", fails), func(t *testing.T) {
			s := openTemp(t)
			r := s.NewRunRecorder()
			ctx := context.Background()
			if fails {
				_, err := s.w.ExecContext(ctx, `CREATE TRIGGER no_messages BEFORE INSERT ON messages
					BEGIN SELECT RAISE(ABORT, 'messages refused'); END`)
				require.NoError(t, err)
			}
			w := r.Begin(&Conversation{Question: "q?", Profile: "balanced", CacheKey: "key"})
			id, err := w.ID(ctx)
			require.NoError(t, err)
			var reported []error
			w.FinishCached(&Conversation{Status: "ok", Final: "a."}, fourStages("r"), "key", []byte(`{"v":1}`), time.Hour,
				func(err error) { reported = append(reported, err) })
			err = w.Wait(ctx)
			v, ok, getErr := s.CacheGet(ctx, "key")
			require.NoError(t, getErr)
			c, _, convErr := s.Conversation(ctx, id)
			require.NoError(t, convErr)
			if fails {
				require.Error(t, err)
				assert.ErrorContains(t, err, "messages refused")
				assert.Len(t, reported, 1)
				assert.False(t, ok, "no cache entry for a run whose outcome was not committed")
				assert.Equal(t, "running", c.Status)
			} else {
				require.NoError(t, err)
				assert.Empty(t, reported)
				assert.True(t, ok, "the entry is committed when Wait returns")
				assert.Equal(t, `{"v":1}`, string(v))
				assert.Equal(t, "ok", c.Status)
			}
			require.NoError(t, r.Close())
		})
	}
}

// Many runs at once share transactions; each still gets its own id and
// exactly its own messages, and Close leaves nothing unwritten.
// Many runs at once, with a backlog of one (every Finish and cache put
// waits for the previous one to be written: backpressure must not
// deadlock) and with the default: nothing is lost and Close flushes.
func TestRunRecorderConcurrentRunsAndClose(t *testing.T) {
	for _, backlog := range []int{1, maxBacklog} {
		t.Run(fmt.Sprintf("backlog %d", backlog), func(t *testing.T) {
			s := openTemp(t)
			r := s.newRunRecorder(backlog)
			const n = 64
			ids := make([]int64, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					w := record(t, r, fmt.Sprintf("q%d", i), func(err error) { t.Error(err) })
					r.CachePut(fmt.Sprintf("key%d", i), []byte("v"), 0, func(err error) { t.Error(err) })
					ids[i] = w.id
				})
			}
			wg.Wait()
			require.NoError(t, r.Close()) // no Wait: Close must flush the finishes
			assert.Zero(t, len(r.slots), "every queued write gave its slot back")

			seen := map[int64]bool{}
			for i, id := range ids {
				require.False(t, seen[id], "id %d handed out twice", id)
				seen[id] = true
				c, msgs, err := s.Conversation(context.Background(), id)
				require.NoError(t, err)
				q := fmt.Sprintf("q%d", i)
				assert.Equal(t, q, c.Question)
				assert.Equal(t, "ok", c.Status)
				assert.Equal(t, "answer to "+q, c.Final)
				require.Len(t, msgs, 4)
				assert.Equal(t, "reply to "+q, msgs[3].Content)
				_, ok, err := s.CacheGet(context.Background(), fmt.Sprintf("key%d", i))
				require.NoError(t, err)
				assert.True(t, ok, "cache put %d written", i)
			}
		})
	}
}

// RunWrite.Wait is what an answer waits for: once it returns nil, the
// outcome and the messages are readable.
func TestRunWriteWaitMeansReadable(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	defer r.Close()
	ctx := context.Background()
	for i := range 20 {
		w := record(t, r, fmt.Sprintf("q%d", i), nil)
		require.NoError(t, w.Wait(ctx))
		c, msgs, err := s.Conversation(ctx, w.id)
		require.NoError(t, err)
		assert.Equal(t, "ok", c.Status)
		assert.Len(t, msgs, 4)
	}
}

// A failing run does not take the others of its batch down, and its error
// reaches both onErr and Wait.
func TestRunRecorderFailureIsPerRun(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	defer r.Close()
	ctx := context.Background()

	bad := r.Begin(&Conversation{Question: "bad", Profile: "p"})
	badID, err := bad.ID(ctx)
	require.NoError(t, err)
	// good first: SQLite would hand a new row the freed max id.
	good := r.Begin(&Conversation{Question: "good", Profile: "p"})
	_, err = good.ID(ctx)
	require.NoError(t, err)
	_, err = s.w.Exec("DELETE FROM conversations WHERE id = ?", badID)
	require.NoError(t, err)

	var mu sync.Mutex
	var reported []error
	onErr := func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }
	bad.Finish(&Conversation{Status: "ok"}, fourStages("x"), onErr)
	good.Finish(&Conversation{Status: "ok", Final: "fine"}, fourStages("y"), onErr)

	err = bad.Wait(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("conversation %d", badID))
	require.NoError(t, good.Wait(ctx))
	mu.Lock()
	assert.Len(t, reported, 1)
	mu.Unlock()
	_, msgs, err := s.Conversation(ctx, badID)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Empty(t, msgs)
	c, msgs, err := s.Conversation(ctx, good.id)
	require.NoError(t, err)
	assert.Equal(t, "fine", c.Final)
	assert.Len(t, msgs, 4)
}

func TestRunRecorderCachePut(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	r.CachePut("a", []byte("va"), 0, func(err error) { t.Error(err) })
	r.CachePut("b", []byte("vb"), time.Nanosecond, func(err error) { t.Error(err) })
	r.CachePut("a", []byte("va2"), time.Hour, func(err error) { t.Error(err) })
	require.NoError(t, r.Close())
	ctx := context.Background()
	v, ok, err := s.CacheGet(ctx, "a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "va2", string(v), "puts of one key apply in order")
	_, ok, err = s.CacheGet(ctx, "b")
	require.NoError(t, err)
	assert.False(t, ok, "the TTL applies")
}

// A run that ends after Close (one the server stopped waiting for) is still
// written.
func TestRunRecorderAfterClose(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	ctx := context.Background()
	w := r.Begin(&Conversation{Question: "late", Profile: "p"})
	id, err := w.ID(ctx)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	w.Finish(&Conversation{Status: "canceled"}, fourStages("partial"), nil)
	require.NoError(t, w.Wait(ctx))
	w2 := record(t, r, "later", nil)
	require.NoError(t, w2.Wait(ctx))

	c, msgs, err := s.Conversation(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "canceled", c.Status)
	assert.Len(t, msgs, 4)
	c, _, err = s.Conversation(ctx, w2.id)
	require.NoError(t, err)
	assert.Equal(t, "later", c.Question)
}

func TestRunRecorderIDHonoursContext(t *testing.T) {
	s := openTemp(t)
	r := s.NewRunRecorder()
	defer r.Close()
	// Hold the writer connection so the insert cannot happen yet.
	tx, err := s.w.Begin()
	require.NoError(t, err)
	w := r.Begin(&Conversation{Question: "q", Profile: "p"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = w.ID(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	require.NoError(t, tx.Rollback())
	id, err := w.ID(context.Background())
	require.NoError(t, err, "the insert goes on once the writer is free")
	assert.Positive(t, id)
}
