package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CacheGet returns the cached value for key. An expired entry is a miss and
// is removed.
func (s *Store) CacheGet(ctx context.Context, key string) ([]byte, bool, error) {
	if err := s.reads(); err != nil {
		return nil, false, err
	}
	var v []byte
	var expires int64
	err := s.stmts.cacheGet.QueryRowContext(ctx, key).Scan(&v, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: cache get: %w", err)
	}
	if expires != 0 && time.Now().UnixNano() >= expires {
		// Only delete the entry we saw, not one a concurrent put just renewed.
		_, _ = s.stmts.cacheDelete.ExecContext(ctx, key, expires)
		return nil, false, nil
	}
	return v, true, nil
}

// CachePut stores value under key for ttl (0: no expiry).
func (s *Store) CachePut(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	now := time.Now().UnixNano()
	var expires int64
	if ttl > 0 {
		expires = now + int64(ttl)
	}
	if _, err := s.stmts.cachePut.ExecContext(ctx, key, value, now, expires); err != nil {
		return fmt.Errorf("store: cache put: %w", err)
	}
	s.wrote()
	return nil
}

// CachePurgeExpired deletes expired entries and returns how many.
func (s *Store) CachePurgeExpired(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, "DELETE FROM response_cache WHERE expires_at != 0 AND expires_at <= ?", time.Now().UnixNano())
	if err != nil {
		return 0, fmt.Errorf("store: cache purge: %w", err)
	}
	s.wrote()
	return res.RowsAffected()
}
