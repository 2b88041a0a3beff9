-- 0002: the response cache as a rowid table. Its values are whole stage
-- replies (kilobytes); a WITHOUT ROWID table keeps rows inside the key
-- b-tree, which SQLite advises only for rows well under a twentieth of a
-- page, and every put paid for it in page splits.
CREATE TABLE response_cache_new (
    key        TEXT    NOT NULL UNIQUE,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL              -- unix nanoseconds; 0 = never
);
INSERT INTO response_cache_new(key, value, created_at, expires_at)
    SELECT key, value, created_at, expires_at FROM response_cache;
DROP TABLE response_cache;
ALTER TABLE response_cache_new RENAME TO response_cache;
