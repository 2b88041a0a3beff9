// The store: SQLite through better-sqlite3 (synchronous, prepared
// statements), a file database in WAL mode with the schema and pragmas of
// hive's engine/store, so that every operation does the same work.
import Database from "better-sqlite3";

export interface Conversation {
  id?: number;
  createdAt?: bigint;
  question: string;
  context?: string;
  profile: string;
  cacheKey?: string;
  status?: string;
  final?: string;
  totalCost?: number;
  latencyNs?: bigint;
}

export interface Message {
  id?: number;
  conversationId?: number;
  seq: number;
  role: string;
  stage: string;
  model?: string;
  content?: string;
  promptTokens?: number;
  completionTokens?: number;
  cost?: number;
  ttftNs?: bigint;
  latencyNs?: bigint;
  status?: string;
  error?: string;
  createdAt?: bigint;
}

export interface SymbolRecord {
  name: string;
  kind: string;
  parent: string;
  startLine: number;
  endLine: number;
  complexity: number;
}

export interface FileRecord {
  path: string;
  hash: string;
  size: number;
  modTime: number;
  language: string;
  lines: number;
  code: number;
  comments: number;
  blanks: number;
  complexity: number;
  errors: number;
  symbolCount: number;
  functionCount: number;
  imports: string[];
  symbols: SymbolRecord[];
}

export interface SymbolHit extends SymbolRecord {
  path: string;
  language: string;
}

// The schema hive's four migrations arrive at.
const SCHEMA = `
CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    question    TEXT    NOT NULL,
    context     TEXT    NOT NULL DEFAULT '',
    profile     TEXT    NOT NULL,
    cache_key   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'running',
    final       TEXT    NOT NULL DEFAULT '',
    total_cost  REAL    NOT NULL DEFAULT 0,
    latency_ns  INTEGER NOT NULL DEFAULT 0,
    owner       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX conversations_running ON conversations(owner) WHERE status = 'running';
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
    key        TEXT    NOT NULL UNIQUE,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
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
    imports        TEXT    NOT NULL DEFAULT '',
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
CREATE VIRTUAL TABLE symbols_fts USING fts5(name, content='symbols', content_rowid='id',
    tokenize='ascii', detail=none, columnsize=0);
CREATE TRIGGER symbols_fts_delete AFTER DELETE ON symbols BEGIN
    INSERT INTO symbols_fts(symbols_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
`;

const SCHEMA_VERSION = 4;

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export class Store {
  readonly db: Database.Database;
  private readonly owner = `pid:${process.pid}`;
  private readonly s: Record<string, Database.Statement>;
  readonly recordRunTx: (c: Conversation, msgs: Message[]) => number;
  readonly finishRunTx: (id: number, c: Conversation, msgs: Message[]) => void;
  readonly upsertFilesTx: (files: FileRecord[]) => void;

  constructor(path: string) {
    this.db = new Database(path, { timeout: 10_000 });
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("cache_size = -8000");
    this.db.pragma("mmap_size = 67108864");
    this.db.pragma("temp_store = MEMORY");
    this.migrate();
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      insertConversation: p(`INSERT INTO conversations(created_at, question, context, profile, cache_key, status, final, total_cost, latency_ns, owner)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      finishConversation: p(`UPDATE conversations SET status = ?, final = ?, total_cost = ?, latency_ns = ? WHERE id = ?`),
      getConversation: p(`SELECT id, created_at, question, context, profile, cache_key, status, final, total_cost, latency_ns
        FROM conversations WHERE id = ?`),
      insertMessage: p(`INSERT INTO messages(conversation_id, seq, role, stage, model, content, prompt_tokens, completion_tokens,
        cost, ttft_ns, latency_ns, status, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      listMessages: p(`SELECT id, conversation_id, seq, role, stage, model, content, prompt_tokens, completion_tokens,
        cost, ttft_ns, latency_ns, status, error, created_at FROM messages WHERE conversation_id = ? ORDER BY seq, id`),
      cacheGet: p(`SELECT value, expires_at FROM response_cache WHERE key = ?`),
      cachePut: p(`INSERT INTO response_cache(key, value, created_at, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at`),
      cacheDelete: p(`DELETE FROM response_cache WHERE key = ? AND expires_at = ?`),
      upsertFile: p(`INSERT INTO files(path, content_hash, size, mod_time, language, lines, code, comments, blanks,
        complexity, errors, symbol_count, function_count, imports, analyzed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size,
        mod_time = excluded.mod_time, language = excluded.language, lines = excluded.lines, code = excluded.code,
        comments = excluded.comments, blanks = excluded.blanks, complexity = excluded.complexity,
        errors = excluded.errors, symbol_count = excluded.symbol_count, function_count = excluded.function_count,
        imports = excluded.imports, analyzed_at = excluded.analyzed_at
        RETURNING id`),
      deleteSymbols: p(`DELETE FROM symbols WHERE file_id = ?`),
      maxSymbolID: p(`SELECT coalesce(max(id), 0) AS m FROM symbols`),
      insertSymbol: p(`INSERT INTO symbols(file_id, name, kind, parent, start_line, end_line, complexity) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      indexSymbols: p(`INSERT INTO symbols_fts(rowid, name) SELECT id, name FROM symbols WHERE id > ?`),
      searchSymbols: p(`SELECT s.name, s.kind, s.parent, s.start_line, s.end_line, s.complexity, f.path, f.language
        FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid JOIN files f ON f.id = s.file_id
        WHERE symbols_fts MATCH ? ORDER BY length(s.name), s.name, f.path, s.start_line LIMIT ?`),
    };
    this.s.maxSymbolID.pluck();
    // Nanosecond times exceed 2^53: read them exactly.
    this.s.cacheGet.safeIntegers(true);

    const insertMessages = (id: number, msgs: Message[], created: bigint) => {
      for (const m of msgs) {
        m.conversationId = id;
        const r = this.s.insertMessage.run(id, m.seq, m.role, m.stage, m.model ?? "", m.content ?? "", m.promptTokens ?? 0,
          m.completionTokens ?? 0, m.cost ?? 0, m.ttftNs ?? 0n, m.latencyNs ?? 0n, m.status ?? "ok", m.error ?? "", m.createdAt ?? created);
        m.id = Number(r.lastInsertRowid);
      }
    };
    this.recordRunTx = this.db.transaction((c: Conversation, msgs: Message[]) => {
      const id = this.insertConversation(c);
      insertMessages(id, msgs, c.createdAt!);
      return id;
    });
    this.finishRunTx = this.db.transaction((id: number, c: Conversation, msgs: Message[]) => {
      const r = this.s.finishConversation.run(c.status ?? "ok", c.final ?? "", c.totalCost ?? 0, c.latencyNs ?? 0n, id);
      if (r.changes === 0) throw new Error(`store: finish conversation ${id}: not found`);
      insertMessages(id, msgs, nowNs());
    });
    this.upsertFilesTx = this.db.transaction((files: FileRecord[]) => {
      const now = nowNs();
      const ids: number[] = [];
      for (const f of files) {
        const row = this.s.upsertFile.get(f.path, f.hash, f.size, f.modTime, f.language, f.lines, f.code, f.comments, f.blanks,
          f.complexity, f.errors, f.symbolCount, f.functionCount, f.imports.join("\n"), now) as { id: number };
        this.s.deleteSymbols.run(row.id);
        ids.push(row.id);
      }
      const maxID = this.s.maxSymbolID.get() as number;
      let inserted = false;
      files.forEach((f, i) => {
        for (const sym of f.symbols) {
          this.s.insertSymbol.run(ids[i], sym.name, sym.kind, sym.parent, sym.startLine, sym.endLine, sym.complexity);
          inserted = true;
        }
      });
      if (inserted) this.s.indexSymbols.run(maxID);
    });
  }

  private migrate(): void {
    const v = this.db.pragma("user_version", { simple: true }) as number;
    if (v === SCHEMA_VERSION) return;
    if (v !== 0) throw new Error(`store: database schema ${v}, this build knows ${SCHEMA_VERSION}`);
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  close(): void {
    this.db.close();
  }

  insertConversation(c: Conversation): number {
    c.createdAt ??= nowNs();
    const r = this.s.insertConversation.run(c.createdAt, c.question, c.context ?? "", c.profile, c.cacheKey ?? "",
      c.status ?? "running", c.final ?? "", c.totalCost ?? 0, c.latencyNs ?? 0n, this.owner);
    c.id = Number(r.lastInsertRowid);
    return c.id;
  }

  insertMessage(m: Message): number {
    const r = this.s.insertMessage.run(m.conversationId, m.seq, m.role, m.stage, m.model ?? "", m.content ?? "", m.promptTokens ?? 0,
      m.completionTokens ?? 0, m.cost ?? 0, m.ttftNs ?? 0n, m.latencyNs ?? 0n, m.status ?? "ok", m.error ?? "", m.createdAt ?? nowNs());
    return Number(r.lastInsertRowid);
  }

  recordRun(c: Conversation, msgs: Message[]): number {
    return this.recordRunTx(c, msgs);
  }

  conversation(id: number): { conversation: Record<string, unknown>; messages: Record<string, unknown>[] } | undefined {
    const c = this.s.getConversation.get(id) as Record<string, unknown> | undefined;
    if (!c) return undefined;
    return { conversation: c, messages: this.s.listMessages.all(id) as Record<string, unknown>[] };
  }

  cacheGet(key: string): Buffer | undefined {
    const row = this.s.cacheGet.get(key) as { value: Buffer; expires_at: bigint } | undefined;
    if (!row) return undefined;
    if (row.expires_at !== 0n && nowNs() >= row.expires_at) {
      this.s.cacheDelete.run(key, row.expires_at);
      return undefined;
    }
    return row.value;
  }

  cachePut(key: string, value: Buffer, ttlMs: number): void {
    const now = nowNs();
    const expires = ttlMs > 0 ? now + BigInt(ttlMs) * 1_000_000n : 0n;
    this.s.cachePut.run(key, value, now, expires);
  }

  upsertFiles(files: FileRecord[]): void {
    if (files.length > 0) this.upsertFilesTx(files);
  }

  searchSymbols(query: string, limit = 50): SymbolHit[] {
    const words = query.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "");
    if (words.length === 0) throw new Error(`store: symbol search needs at least one letter or digit, got ${JSON.stringify(query)}`);
    const match = words.map((w) => `"${w}"*`).join(" ");
    return (this.s.searchSymbols.all(match, limit) as Record<string, unknown>[]).map((r) => ({
      name: r.name as string, kind: r.kind as string, parent: r.parent as string, startLine: r.start_line as number,
      endLine: r.end_line as number, complexity: r.complexity as number, path: r.path as string, language: r.language as string,
    }));
  }
}
