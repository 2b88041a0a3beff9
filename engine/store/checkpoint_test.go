package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The WAL hook's count must agree with the WAL file, which after a
// TRUNCATE checkpoint holds exactly the frames written since.
func TestWALHookCountsFrames(t *testing.T) {
	s := openTemp(t)
	require.NotNil(t, s.ckpt)
	ctx := context.Background()
	value := make([]byte, 2048)
	for _, puts := range []int{1, 10, 60} {
		t.Run(fmt.Sprint(puts), func(t *testing.T) {
			_, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			require.NoError(t, err)
			for i := 0; i < puts; i++ {
				require.NoError(t, s.CachePut(ctx, fmt.Sprintf("p%d-%d", puts, i), value, 0))
			}
			fi, err := os.Stat(s.path + "-wal")
			require.NoError(t, err)
			frames := uint32((fi.Size() - 32) / (4096 + 24))
			require.Less(t, frames, uint32(backgroundFrames), "below the threshold: nothing checkpointed behind the test's back")
			assert.Equal(t, frames, s.wal.frames())
			assert.Equal(t, frames, s.ckpt.pending())
			assert.Greater(t, frames, uint32(puts), "a put writes more than one page")
		})
	}
}

// Replacing SQLite's automatic checkpoint with the WAL hook keeps its
// backstop: with the background checkpoint stopped, the writer still
// checkpoints itself at autoCheckpointFrames and the WAL starts over.
func TestWriterCheckpointsItselfAtTheThreshold(t *testing.T) {
	s := openTemp(t)
	require.NoError(t, s.ckpt.close())
	ctx := context.Background()
	value := make([]byte, 2048)
	var most uint32
	restarts := 0
	for i := 0; i < 1500; i++ {
		before := s.wal.frames()
		require.NoError(t, s.CachePut(ctx, fmt.Sprint("k", i), value, 0))
		most = max(most, s.wal.frames())
		if s.wal.frames() < before {
			restarts++
		}
	}
	assert.Less(t, most, uint32(autoCheckpointFrames+50), "the WAL outgrew the writer's own checkpoint")
	assert.GreaterOrEqual(t, restarts, 1, "the WAL never started over")
}

// With the writer's own automatic checkpoint off, only the background one
// can copy the WAL back: writes past the threshold must be followed by it,
// for each kind of write, and every row must read back.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	value := make([]byte, 2048)
	writes := []struct {
		name  string
		write func(s *Store, i int) error
	}{
		{"cache put", func(s *Store, i int) error { return s.CachePut(ctx, fmt.Sprint("k", i), value, 0) }},
		{"insert message", func(s *Store, i int) error {
			id, err := s.CreateConversation(ctx, &Conversation{Question: "q", Profile: "p"})
			if err == nil {
				_, err = s.InsertMessage(ctx, &Message{ConversationID: id, Role: "assistant", Stage: "direct", Content: string(value)})
			}
			return err
		}},
		{"record run", func(s *Store, i int) error {
			_, err := s.RecordRun(ctx, &Conversation{Question: "q", Profile: "p", Status: "ok"},
				[]Message{{Role: "assistant", Stage: "direct", Content: string(value)}})
			return err
		}},
		{"upsert files", func(s *Store, i int) error { return s.UpsertFiles(ctx, []FileRecord{opBenchFile(i)}) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			s, err := Open(filepath.Join(t.TempDir(), "hive.db"))
			require.NoError(t, err)
			defer s.Close()
			s.wal.setAutoCheckpoint(0) // not PRAGMA wal_autocheckpoint: it would remove the WAL hook
			for i := 0; i < 400; i++ {
				require.NoError(t, w.write(s, i))
			}
			require.Eventually(t, func() bool { return s.ckpt.pending() < backgroundFrames }, 5*time.Second, 5*time.Millisecond,
				"frames waiting: %d", s.ckpt.pending())
			check, err := s.Check(ctx)
			require.NoError(t, err)
			assert.Equal(t, []string{"ok"}, check)
		})
	}
}

// Close stops the goroutine and still folds the WAL into the main file.
func TestCloseAfterBackgroundCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hive.db")
	s, err := Open(path)
	require.NoError(t, err)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		require.NoError(t, s.CachePut(ctx, fmt.Sprint("k", i), make([]byte, 2048), 0))
	}
	c := s.ckpt
	require.NoError(t, s.Close())
	select {
	case <-c.done:
	default:
		t.Fatal("checkpoint goroutine still running after Close")
	}
	assert.NoError(t, c.close(), "closing twice")
	assert.NotPanics(t, c.noteWrite, "a write racing Close")
	fi, err := os.Stat(path + "-wal")
	if err == nil {
		assert.Zero(t, fi.Size(), "WAL folded back on Close")
	}
	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	v, ok, err := s.CacheGet(ctx, "k299")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Len(t, v, 2048)
}

// A nil checkpointer (a Store whose Open failed half-way) is a no-op.
func TestNilCheckpointer(t *testing.T) {
	var c *checkpointer
	assert.NotPanics(t, c.noteWrite)
	assert.NoError(t, c.close())
}
