package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// RunRecorder writes what consensus runs leave behind, with group commit:
// Begin inserts the conversation (status "running") while the run's stages
// are still going, so its id is known when the run ends; Finish writes the
// outcome and the messages; CachePut stores the answer in the response
// cache. None of them waits for the database: one goroutine takes every
// write queued meanwhile and commits them together on the store's writer
// connection, inserts first (runs wait for their ids), then everything else
// in transactions of at most restBatch writes.
//
// Why: with one transaction per run, on the caller's goroutine, N runs that
// end together wait for N commits in line, and each waiter, once woken,
// waits again for a CPU behind the other runs: the record was most of a
// run's own time under concurrency. A caller waits for its run's outcome
// with RunWrite.Wait: runs that end together share one commit.
//
// One goroutine for all of a process's run writes also means the writer
// connection is never handed between goroutines, each handoff a wait for a
// CPU when the machine is busy.
//
// A RunRecorder is safe for concurrent use. Close it before closing the
// Store: Close writes everything queued.
type RunRecorder struct {
	s *Store

	mu     sync.Mutex
	queue  []runOp
	closed bool
	wake   chan struct{} // capacity 1: "the queue is not empty"
	done   chan struct{} // closed when the writer goroutine has exited
	// slots bounds the finishes and cache puts queued or being written:
	// enqueue takes a slot (waiting when all are taken), write gives it
	// back. Without it a server offered more runs than the disk takes grew
	// without limit (464 MB RSS, 236 MB of queued records after 60 s of
	// hive-1000-users); with it the runs slow down to what is recorded.
	slots chan struct{}
}

// maxBacklog is how many finishes and cache puts may wait for the writer.
// A finish holds a run's four stage outputs, so this is a few MB.
const maxBacklog = 1024

// RunWrite is one run's record: its conversation row, inserted by Begin,
// and its outcome, written by Finish.
type RunWrite struct {
	r    *RunRecorder
	conv *Conversation // the begin's row; the writer owns it until begun closes

	begun    chan struct{} // closed once the insert committed or failed
	id       int64
	beginErr error

	out       *Conversation // Finish's outcome fields
	msgs      []Message
	put       *cacheEntry // FinishCached's cache entry, written with the outcome
	onErr     func(error)
	finished  chan struct{} // closed once the outcome committed or failed
	finishErr error
}

// runOp is one queued write: a RunWrite's begin or finish, or a cache put.
type runOp struct {
	kind opKind
	w    *RunWrite // begin, finish
	put  cacheEntry
}

type opKind uint8

const (
	opBegin opKind = iota
	opFinish
	opCachePut
)

type cacheEntry struct {
	key     string
	value   []byte
	created int64 // unix nanoseconds
	expires int64 // unix nanoseconds; 0 = never
	onErr   func(error)
}

// NewRunRecorder starts a recorder writing to s.
func (s *Store) NewRunRecorder() *RunRecorder { return s.newRunRecorder(maxBacklog) }

func (s *Store) newRunRecorder(backlog int) *RunRecorder {
	r := &RunRecorder{s: s,
		wake: make(chan struct{}, 1), done: make(chan struct{}), slots: make(chan struct{}, backlog)}
	go r.loop()
	return r
}

// Begin queues the insert of c (Status "running" if empty, CreatedAt now if
// zero) and returns at once. c must not be changed afterwards.
func (r *RunRecorder) Begin(c *Conversation) *RunWrite {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if c.Status == "" {
		c.Status = "running"
	}
	w := &RunWrite{r: r, conv: c, begun: make(chan struct{}), finished: make(chan struct{})}
	r.enqueue(runOp{kind: opBegin, w: w})
	return w
}

// ID waits for Begin's insert and returns the conversation's id.
func (w *RunWrite) ID(ctx context.Context) (int64, error) {
	select {
	case <-w.begun:
		return w.id, w.beginErr
	case <-ctx.Done():
		return 0, fmt.Errorf("store: waiting for conversation insert: %w", context.Cause(ctx))
	}
}

// Finish queues the run's outcome (out's Status, Final, TotalCost and
// Latency; its other fields are ignored) and its messages, and returns at
// once unless maxBacklog writes are already waiting (then it waits for a
// free place: backpressure). It is meant to be called after ID, and it waits for Begin's insert
// if not. The messages' ConversationID, ID and zero CreatedAt are set by the
// write. onErr, if not nil, is called on the writer's goroutine when the
// write fails; Wait returns the same error.
func (w *RunWrite) Finish(out *Conversation, msgs []Message, onErr func(error)) {
	w.finish(out, msgs, nil, onErr)
}

// FinishCached is Finish that also stores value under key in the response
// cache for ttl (0: no expiry), in the outcome's transaction: the entry
// is committed if and only if the outcome is, so no cached answer points
// at a run the database does not hold.
//
// Why: a cache put queued after the run's record was committed took a
// transaction of its own, a third commit per run beside the insert and the
// outcome (and a third wake of the writer) whenever runs do not overlap.
func (w *RunWrite) FinishCached(out *Conversation, msgs []Message, key string, value []byte, ttl time.Duration, onErr func(error)) {
	now := time.Now().UnixNano()
	e := &cacheEntry{key: key, value: value, created: now}
	if ttl > 0 {
		e.expires = now + int64(ttl)
	}
	w.finish(out, msgs, e, onErr)
}

func (w *RunWrite) finish(out *Conversation, msgs []Message, put *cacheEntry, onErr func(error)) {
	<-w.begun
	w.out, w.msgs, w.put, w.onErr = out, msgs, put, onErr
	if w.beginErr != nil {
		w.fail(fmt.Errorf("store: finish conversation: it was never inserted: %w", w.beginErr))
		close(w.finished)
		return
	}
	w.r.enqueue(runOp{kind: opFinish, w: w})
}

// Wait waits until Finish's write has committed (nil) or failed.
func (w *RunWrite) Wait(ctx context.Context) error {
	select {
	case <-w.finished:
		return w.finishErr
	case <-ctx.Done():
		return fmt.Errorf("store: waiting for conversation %d: %w", w.id, context.Cause(ctx))
	}
}

func (w *RunWrite) fail(err error) {
	w.finishErr = err
	if w.onErr != nil {
		w.onErr(err)
	}
}

// CachePut queues Store.CachePut(key, value, ttl) and returns at once, or
// once there is room in the backlog (see Finish).
// onErr, if not nil, is called on the writer's goroutine if it fails.
func (r *RunRecorder) CachePut(key string, value []byte, ttl time.Duration, onErr func(error)) {
	now := time.Now().UnixNano()
	e := cacheEntry{key: key, value: value, created: now, onErr: onErr}
	if ttl > 0 {
		e.expires = now + int64(ttl)
	}
	r.enqueue(runOp{kind: opCachePut, put: e})
}

// Close writes everything queued and stops the writer. Later Begin and
// Finish calls write at once on the caller's goroutine (a run that outlived
// the server's shutdown grace is still recorded while the Store is open).
// It does not close the Store.
func (r *RunRecorder) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.wake)
	}
	r.mu.Unlock()
	<-r.done
	return nil
}

func (r *RunRecorder) enqueue(op runOp) {
	if op.kind != opBegin {
		r.slots <- struct{}{} // given back by write
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.write([]runOp{op})
		return
	}
	r.queue = append(r.queue, op)
	select { // under mu: Close closes wake under mu too
	case r.wake <- struct{}{}:
	default: // the writer is already due to look at the queue
	}
	r.mu.Unlock()
}

// restBatch bounds the finishes and cache puts committed together, so that
// inserts queued meanwhile (runs waiting for their ids) wait for at most one
// such transaction, not for the records of a hundred runs.
const restBatch = 32

func (r *RunRecorder) loop() {
	defer close(r.done)
	var begins, rest []runOp
	// Every value on wake is followed by draining the queue until it is
	// empty, so nothing queued before Close closed wake is left behind.
	for range r.wake {
		for {
			r.mu.Lock()
			for _, op := range r.queue {
				if op.kind == opBegin {
					begins = append(begins, op)
				} else {
					rest = append(rest, op)
				}
			}
			clear(r.queue)
			r.queue = r.queue[:0]
			r.mu.Unlock()
			if len(begins) > 0 {
				r.write(begins)
				clear(begins) // do not pin finished runs
				begins = begins[:0]
			}
			if len(rest) == 0 {
				break
			}
			n := min(len(rest), restBatch)
			r.write(rest[:n])
			clear(rest[:n])
			rest = rest[n:]
		}
	}
}

// write commits ops in one transaction, then publishes each outcome. If the
// transaction fails, each op is retried in a transaction of its own, so one
// bad run does not cost the others and each caller gets its own error.
func (r *RunRecorder) write(ops []runOp) {
	errs := make([]error, len(ops))
	defer r.s.wrote()
	if err := r.inTx(ops); err != nil {
		if len(ops) == 1 {
			errs[0] = err
		} else {
			for i := range ops {
				errs[i] = r.inTx(ops[i : i+1])
			}
		}
	}
	for i, op := range ops {
		if op.kind != opBegin {
			<-r.slots
		}
		w := op.w
		switch op.kind {
		case opCachePut:
			if errs[i] != nil && op.put.onErr != nil {
				op.put.onErr(fmt.Errorf("store: cache put: %w", errs[i]))
			}
			continue
		case opBegin:
			w.id, w.beginErr = w.conv.ID, errs[i]
			if errs[i] != nil {
				w.id, w.beginErr = 0, fmt.Errorf("store: insert conversation: %w", errs[i])
			}
			close(w.begun)
			continue
		}
		if errs[i] != nil {
			w.fail(fmt.Errorf("store: finish conversation %d: %w", w.id, errs[i]))
		}
		close(w.finished)
	}
}

func (r *RunRecorder) inTx(ops []runOp) error {
	// No caller's context applies: a write taken into a transaction is
	// seen through (busy_timeout bounds waits on other processes).
	ctx := context.Background()
	tx, err := r.s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var insConv, finish, insMsg, put *sql.Stmt
	for _, op := range ops {
		if op.kind == opCachePut {
			if put == nil {
				put = tx.StmtContext(ctx, r.s.stmts.cachePut)
			}
			e := &op.put
			if _, err := put.ExecContext(ctx, e.key, e.value, e.created, e.expires); err != nil {
				return err
			}
			continue
		}
		if op.kind == opBegin {
			if insConv == nil {
				insConv = tx.StmtContext(ctx, r.s.stmts.insertConversation)
			}
			c := op.w.conv
			res, err := insConv.ExecContext(ctx, c.CreatedAt.UnixNano(), c.Question, c.Context,
				c.Profile, c.CacheKey, c.Status, c.Final, c.TotalCost, int64(c.Latency), r.s.owner)
			if err != nil {
				return err
			}
			if c.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			continue
		}
		if finish == nil {
			finish = tx.StmtContext(ctx, r.s.stmts.finishConversation)
			insMsg = tx.StmtContext(ctx, r.s.stmts.insertMessage)
		}
		w, out := op.w, op.w.out
		res, err := finish.ExecContext(ctx, out.Status, out.Final, out.TotalCost, int64(out.Latency), w.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errors.New("the conversation row is gone")
		}
		for i := range w.msgs {
			m := &w.msgs[i]
			m.ConversationID = w.id
			if m.CreatedAt.IsZero() {
				m.CreatedAt = w.conv.CreatedAt
			}
			res, err := insMsg.ExecContext(ctx, m.ConversationID, m.Seq, m.Role, m.Stage, m.Model, m.Content,
				m.PromptTokens, m.CompletionTokens, m.Cost, int64(m.TTFT), int64(m.Latency), m.Status, m.Error, m.CreatedAt.UnixNano())
			if err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
			m.ID, _ = res.LastInsertId()
		}
		if e := w.put; e != nil {
			if put == nil {
				put = tx.StmtContext(ctx, r.s.stmts.cachePut)
			}
			if _, err := put.ExecContext(ctx, e.key, e.value, e.created, e.expires); err != nil {
				return fmt.Errorf("cache put: %w", err)
			}
		}
	}
	return tx.Commit()
}
