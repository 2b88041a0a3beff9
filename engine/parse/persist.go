package parse

import (
	"context"
	"fmt"
	"time"

	"github.com/hiveperf/hive/engine/store"
)

// persister writes analysed files to the store from one goroutine, in
// batches (one transaction each), so parse workers never wait on SQLite
// and SQLite never sees concurrent writers. Its channel is bounded: if the
// store falls behind, the walk slows down instead of buffering the tree.
type persister struct {
	st   *store.Store
	in   chan store.FileRecord
	done chan error
}

const (
	persistBatch = 256
	persistEvery = 200 * time.Millisecond // flush a partial batch this long after its first record
)

func startPersister(ctx context.Context, st *store.Store) *persister {
	p := &persister{st: st, in: make(chan store.FileRecord, persistBatch), done: make(chan error, 1)}
	// Writes outlive a canceled walk so that what was analysed is kept.
	go p.loop(context.WithoutCancel(ctx))
	return p
}

func (p *persister) loop(ctx context.Context) {
	var firstErr error
	batch := make([]store.FileRecord, 0, persistBatch)
	timer := time.NewTimer(persistEvery)
	timer.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if firstErr == nil {
			if err := p.st.UpsertFiles(ctx, batch); err != nil {
				firstErr = fmt.Errorf("parse: storing analysed files: %w", err)
			}
		}
		clear(batch) // drop the symbols for the GC
		batch = batch[:0]
	}
	for {
		select {
		case rec, ok := <-p.in:
			if !ok {
				flush()
				p.done <- firstErr
				return
			}
			if len(batch) == 0 {
				timer.Reset(persistEvery)
			}
			batch = append(batch, rec)
			if len(batch) == persistBatch {
				timer.Stop()
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// close flushes what is left and returns the first write error.
func (p *persister) close() error {
	close(p.in)
	return <-p.done
}
