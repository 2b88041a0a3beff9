package store

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Open readies the readers in the background and leaves the analysis
// statements to their first use; reads work whether or not the warm-up has
// finished.
func TestOpenReadiesReadersInTheBackground(t *testing.T) {
	s := openTemp(t)
	assert.False(t, s.stmts.files.done.Load())
	s.warm.Wait()
	assert.True(t, s.stmts.reads.done.Load(), "the readers were readied without a read")
	assert.Equal(t, 1, s.r.Stats().OpenConnections)

	ctx := context.Background()
	_, ok, err := s.CacheGet(ctx, "absent")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.False(t, s.stmts.files.done.Load(), "a cache read prepares no analysis statement")

	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{{Path: "/src/a.go", Hash: "h", Language: "go",
		Symbols: []Symbol{{Name: "Alpha", Kind: "function", StartLine: 1, EndLine: 2}}}}))
	assert.True(t, s.stmts.files.done.Load())
	hits, err := s.SearchSymbols(ctx, "Alpha", 5)
	require.NoError(t, err)
	require.Len(t, hits, 1)
}

// The first use of a lazy group from many goroutines at once, racing the
// background warm-up, prepares it once, and every caller sees the prepared
// statements (run with -race).
func TestLazyStatementsUnderConcurrentFirstUse(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id, err := s.CreateConversation(ctx, &Conversation{Question: "q", Profile: "p"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 16; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, _, err := s.Conversation(ctx, id)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := s.CountFiles(ctx, "/src")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	s.stmts.mu.Lock()
	n := len(s.stmts.all)
	s.stmts.mu.Unlock()
	assert.Equal(t, 5+3+9+symbolInsertSizes, n, "each statement prepared once")
}
