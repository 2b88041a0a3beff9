package store

import (
	"database/sql"
	"encoding/binary"
	"os"
	"sync"
)

// checkpointer copies the WAL back into the database file on a goroutine of
// its own, so that a write does not pay for it.
//
// Why: SQLite's automatic checkpoint runs inside the commit that takes the
// WAL past wal_autocheckpoint pages (1000), so one write in a few hundred
// copies a thousand pages and waits for two fsyncs. Averaged over cache puts
// that was more than the put itself: 127 µs per 2 KB put with it, 70 µs with
// no checkpoint at all (wall, same process, alternating; load 4).
//
// The writer keeps wal_autocheckpoint at SQLite's default, so durability is
// what it was: with synchronous=NORMAL a commit is on disk once a checkpoint
// has synced the WAL, and the writer still checkpoints itself when 1000
// frames have piled up. The background checkpoint starts at half of that
// (backgroundFrames), so the writer's own only runs when the background one
// falls behind, as under a write load that outruns the disk; the same
// synchronous setting applies on both connections.
//
// After a write, noteWrite reads the WAL-index header from the -shm file
// (one pread of 136 bytes; the layout is SQLite's documented wal-index
// format) to see how many frames wait, and wakes the goroutine only past the
// threshold. The checkpoint is PASSIVE, on a connection of its own: it never
// waits for readers or the writer.
type checkpointer struct {
	shm  *os.File      // the -shm file, read with ReadAt (safe for concurrent use)
	dsn  string        // for the checkpoint connection
	db   *sql.DB       // opened by the goroutine on its first checkpoint
	wake chan struct{} // capacity 1
	stop chan struct{}
	done chan struct{} // closed when the goroutine has exited

	closeOnce sync.Once
	closeErr  error
}

// backgroundFrames is how many WAL frames not yet copied back start a
// background checkpoint: half of SQLite's default wal_autocheckpoint, so
// that it runs before the writer's own would.
const backgroundFrames = 500

// Offsets in the -shm file (https://sqlite.org/walformat.html): the first
// copy of the wal-index header holds mxFrame, the last valid frame, at 16;
// the checkpoint info that follows both header copies holds nBackfill, the
// last frame copied back, at 96. Both are 32-bit in native byte order.
const (
	shmMxFrame   = 16
	shmNBackfill = 96
	shmHeader    = 136
)

// newCheckpointer starts the goroutine for the database at path, whose
// writer connection is open (so the -shm file exists). It returns nil, and
// the writer's own checkpoints do all the work as before, if the -shm file
// cannot be opened.
func newCheckpointer(path, dsn string) *checkpointer {
	shm, err := os.Open(path + "-shm")
	if err != nil {
		return nil
	}
	c := &checkpointer{shm: shm, dsn: dsn, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// noteWrite is called after a write commits. It costs one pread while the
// WAL is short.
func (c *checkpointer) noteWrite() {
	if c == nil || c.pending() < backgroundFrames {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// pending returns how many WAL frames wait to be copied back, 0 when that
// cannot be read.
func (c *checkpointer) pending() uint32 {
	var hdr [shmHeader]byte
	if n, err := c.shm.ReadAt(hdr[:], 0); n < shmHeader || err != nil {
		return 0
	}
	mx := binary.NativeEndian.Uint32(hdr[shmMxFrame:])
	backfilled := binary.NativeEndian.Uint32(hdr[shmNBackfill:])
	if mx <= backfilled {
		return 0
	}
	return mx - backfilled
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		if c.db == nil {
			// A query-only connection like the readers': a checkpoint
			// changes no content, and SQLite allows it there.
			db, err := sql.Open(readerDriver, c.dsn)
			if err != nil {
				return // the writer's own checkpoints go on as before
			}
			db.SetMaxOpenConns(1)
			c.db = db
		}
		// Again while writes made during the last one keep the WAL past
		// the threshold and it still makes progress. An error (SQLITE_BUSY
		// while the writer's own checkpoint runs) leaves the work to the
		// next wake or to the writer.
		for before := c.pending(); before >= backgroundFrames; {
			_, _ = c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			after := c.pending()
			if after >= before {
				break
			}
			before = after
		}
	}
}

// close stops the goroutine and closes its connection; a second call
// returns the first's result. noteWrite after it does nothing useful but is
// harmless.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		if c.db != nil {
			c.closeErr = c.db.Close()
		}
		c.shm.Close()
	})
	return c.closeErr
}
