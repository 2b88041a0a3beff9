package store

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Open connects only the writer: a server's first 200 does not wait for a
// reader connection. The first read opens one and prepares the readers'
// statements; analysis statements wait for the first analysis call.
func TestOpenConnectsOnlyTheWriter(t *testing.T) {
	s := openTemp(t)
	assert.Equal(t, 0, s.r.Stats().OpenConnections, "no reader connection at Open")
	assert.False(t, s.stmts.reads.done.Load())
	assert.False(t, s.stmts.files.done.Load())

	ctx := context.Background()
	_, ok, err := s.CacheGet(ctx, "absent")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.True(t, s.stmts.reads.done.Load())
	assert.Equal(t, 1, s.r.Stats().OpenConnections)
	assert.False(t, s.stmts.files.done.Load(), "a cache read prepares no analysis statement")

	require.NoError(t, s.UpsertFiles(ctx, []FileRecord{{Path: "/src/a.go", Hash: "h", Language: "go",
		Symbols: []Symbol{{Name: "Alpha", Kind: "function", StartLine: 1, EndLine: 2}}}}))
	assert.True(t, s.stmts.files.done.Load())
	hits, err := s.SearchSymbols(ctx, "Alpha", 5)
	require.NoError(t, err)
	require.Len(t, hits, 1)
}

// The first use of a lazy group from many goroutines at once prepares it
// once, and every caller sees the prepared statements (run with -race).
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
