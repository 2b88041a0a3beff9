-- 0001: the engine's tables: consensus runs, response cache, analysed files
-- and symbols (with an FTS5 index on names).
--
-- Until the harness's history got a schema of its own, this migration also
-- created its tables (bench_runs, bench_results). A database made then keeps
-- them, and the history (harness/history) adopts them; an applied migration
-- never runs again, so removing them here changes only new databases.

CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,            -- unix nanoseconds
    question    TEXT    NOT NULL,
    context     TEXT    NOT NULL DEFAULT '',
    profile     TEXT    NOT NULL,
    cache_key   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'running',
    final       TEXT    NOT NULL DEFAULT '',
    total_cost  REAL    NOT NULL DEFAULT 0,
    latency_ns  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    role              TEXT    NOT NULL,
    stage             TEXT    NOT NULL,
    model             TEXT    NOT NULL DEFAULT '',
    content           TEXT    NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost              REAL    NOT NULL DEFAULT 0,
    ttft_ns           INTEGER NOT NULL DEFAULT 0,
    latency_ns        INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'ok',
    error             TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages(conversation_id, seq);

CREATE TABLE response_cache (
    key        TEXT PRIMARY KEY,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL              -- unix nanoseconds; 0 = never
) WITHOUT ROWID;

CREATE TABLE files (
    id             INTEGER PRIMARY KEY,
    path           TEXT    NOT NULL UNIQUE,
    content_hash   TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    mod_time       INTEGER NOT NULL,
    language       TEXT    NOT NULL,
    lines          INTEGER NOT NULL,
    code           INTEGER NOT NULL,
    comments       INTEGER NOT NULL,
    blanks         INTEGER NOT NULL,
    complexity     INTEGER NOT NULL,
    errors         INTEGER NOT NULL,
    symbol_count   INTEGER NOT NULL,
    function_count INTEGER NOT NULL,
    imports        TEXT    NOT NULL DEFAULT '', -- newline-separated
    analyzed_at    INTEGER NOT NULL
);

CREATE TABLE symbols (
    id         INTEGER PRIMARY KEY,
    file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    parent     TEXT    NOT NULL DEFAULT '',
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    complexity INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX symbols_file ON symbols(file_id);

-- External-content FTS5 index over symbol names, kept in sync by triggers.
-- ascii tokenizer (underscores and punctuation split words), detail=none and
-- columnsize=0: names are short and searched by prefix, never by phrase, and
-- the leaner index halves the cost of upserting a file's symbols.
CREATE VIRTUAL TABLE symbols_fts USING fts5(name, content='symbols', content_rowid='id',
    tokenize='ascii', detail=none, columnsize=0);
CREATE TRIGGER symbols_fts_insert AFTER INSERT ON symbols BEGIN
    INSERT INTO symbols_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER symbols_fts_delete AFTER DELETE ON symbols BEGIN
    INSERT INTO symbols_fts(symbols_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
