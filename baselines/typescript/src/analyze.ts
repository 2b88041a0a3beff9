// analyze walks a tree and analyses every Go and C source file with
// tree-sitter (web-tree-sitter, the grammars' own .wasm builds from npm):
// lines (code, comment, blank), symbols (functions, methods with their
// receiver type, structs, unions, enums, interfaces, types), imports,
// cyclomatic complexity per function and per file, syntax errors, and a
// sha256 of the content. A pool of worker threads (one per CPU) parses;
// the main thread walks, writes one JSON line per file to --files-out
// (with latency_us: stat to analysis done, inside the worker) and stores
// the results in SQLite in batches of 256, one transaction each, as
// `hive analyze --no-cache` does. stdout gets {"files", "bytes",
// "complete"}.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { Language, Node, Parser, Query } from "web-tree-sitter";
import { C_QUERY, GO_QUERY } from "./queries";
import type { FileRecord, SymbolRecord } from "./store";

const LANGS: Record<string, string> = { ".go": "go", ".c": "c", ".h": "c" };
const SKIP_DIRS = new Set([".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj", ".pijul"]);
const MAX_SIZE = 2 << 20;
const BATCH = 256;

interface FileResult {
  path: string;
  language?: string;
  bytes: number;
  lines?: number;
  code?: number;
  comments?: number;
  blanks?: number;
  complexity?: number;
  syntax_errors?: number;
  symbol_count?: number;
  functions?: number;
  symbols?: SymbolRecord[];
  imports?: string[];
  hash?: string;
  skipped?: string;
  error?: string;
  latency_us: number;
  mod_time?: number;
}

// ---- worker side ----

interface Compiled {
  parser: Parser;
  query: Query;
}

async function loadLanguages(): Promise<Record<string, Compiled>> {
  await Parser.init();
  const out: Record<string, Compiled> = {};
  for (const [name, pkg, src] of [["go", "tree-sitter-go/tree-sitter-go.wasm", GO_QUERY], ["c", "tree-sitter-c/tree-sitter-c.wasm", C_QUERY]]) {
    const lang = await Language.load(require.resolve(pkg));
    const parser = new Parser();
    parser.setLanguage(lang);
    out[name] = { parser, query: new Query(lang, src) };
  }
  return out;
}

function countErrors(n: Node): number {
  if (!n.hasError) return 0;
  if (n.isError || n.isMissing) return 1;
  let c = 0;
  for (const ch of n.children) if (ch) c += countErrors(ch);
  return c;
}

// cDeclaratorName descends a C declarator chain to its identifier.
function cDeclaratorName(n: Node | null): string {
  while (n) {
    if (n.type === "identifier" || n.type === "field_identifier") return n.text;
    n = n.childForFieldName("declarator");
  }
  return "";
}

// goReceiverType is the type name of a Go receiver list: (s *Server) → Server.
function goReceiverType(n: Node): string {
  const m = /\*?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\[.*\])?\s*\)?\s*$/.exec(n.text.replace(/^\(/, "").replace(/\)$/, "").split(",")[0].trim());
  return m ? m[1] : "";
}

function analyzeSource(c: Compiled, lang: string, src: string): Omit<FileResult, "path" | "bytes" | "latency_us"> {
  const tree = c.parser.parse(src)!;
  const caps = c.query.captures(tree.rootNode);
  interface Def { node: Node; kind: string; name: string; parent: string; branches: number }
  const defs: Def[] = [];
  const branches: number[] = [];
  const comments: [number, number][] = [];
  const imports: string[] = [];
  let pending: Def | undefined;
  for (const cap of caps) {
    const n = cap.node;
    switch (cap.name) {
      case "comment": comments.push([n.startIndex, n.endIndex]); break;
      case "branch": branches.push(n.startIndex); break;
      case "import": imports.push(n.text.replace(/^["<`]|[">`]$/g, "")); break;
      case "name": if (pending) pending.name = n.text; break;
      case "declarator": if (pending) pending.name = cDeclaratorName(n); break;
      case "receiver": if (pending) pending.parent = goReceiverType(n); break;
      case "typebody":
        if (pending) pending.kind = n.type === "struct_type" ? "struct" : n.type === "interface_type" ? "interface" : "type";
        break;
      default:
        if (cap.name.startsWith("definition.")) {
          pending = { node: n, kind: cap.name.slice("definition.".length), name: "", parent: "", branches: 0 };
          defs.push(pending);
        }
    }
  }
  // Decision points go to the innermost function around them.
  const funcs = defs.filter((d) => d.kind === "function" || d.kind === "method");
  let outside = 0;
  for (const b of branches) {
    let best: Def | undefined;
    for (const f of funcs) {
      if (b >= f.node.startIndex && b < f.node.endIndex && (!best || f.node.startIndex >= best.node.startIndex)) best = f;
    }
    if (best) best.branches++;
    else outside++;
  }
  const symbols: SymbolRecord[] = defs.filter((d) => d.name !== "").map((d) => ({
    name: d.name, kind: d.kind, parent: d.parent, startLine: d.node.startPosition.row + 1, endLine: d.node.endPosition.row + 1,
    complexity: d.kind === "function" || d.kind === "method" ? 1 + d.branches : 0,
  }));
  const complexity = symbols.reduce((s, x) => s + x.complexity, 0) + outside;
  // Lines: code if a non-blank byte lies outside comments, comment if its
  // only non-blank bytes are inside comments, else blank.
  let lines = 0, code = 0, commentLines = 0, blanks = 0;
  let ci = 0;
  let lineStart = 0;
  const n = src.length;
  while (lineStart < n) {
    let end = src.indexOf("\n", lineStart);
    if (end < 0) end = n;
    let hasCode = false, hasComment = false;
    for (let i = lineStart; i < end; i++) {
      const ch = src.charCodeAt(i);
      if (ch === 32 || ch === 9 || ch === 13 || ch === 12 || ch === 11) continue;
      while (ci < comments.length && comments[ci][1] <= i) ci++;
      if (ci < comments.length && comments[ci][0] <= i) hasComment = true;
      else { hasCode = true; break; }
    }
    lines++;
    if (hasCode) code++;
    else if (hasComment) commentLines++;
    else blanks++;
    lineStart = end + 1;
  }
  const errors = countErrors(tree.rootNode);
  tree.delete();
  return { language: lang, lines, code, comments: commentLines, blanks, complexity, syntax_errors: errors,
    symbol_count: symbols.length, functions: funcs.length, symbols, imports };
}

async function workerMain(): Promise<void> {
  const langs = await loadLanguages();
  parentPort!.on("message", (paths: string[]) => {
    const out: FileResult[] = [];
    for (const p of paths) {
      const t0 = performance.now();
      const r: FileResult = { path: p, bytes: 0, latency_us: 0 };
      try {
        const st = fs.statSync(p);
        r.bytes = st.size;
        r.mod_time = Math.trunc(st.mtimeMs * 1e6);
        const lang = LANGS[path.extname(p)];
        if (!st.isFile()) r.skipped = "not a regular file";
        else if (st.size > MAX_SIZE) r.skipped = `over the ${MAX_SIZE}-byte size cap`;
        else {
          const buf = fs.readFileSync(p);
          if (buf.subarray(0, 8192).includes(0)) r.skipped = "binary";
          else {
            r.hash = createHash("sha256").update(buf).digest("hex");
            Object.assign(r, analyzeSource(langs[lang], lang, buf.toString("utf8")));
          }
        }
      } catch (err) {
        r.error = (err as Error).message;
      }
      r.latency_us = Math.round((performance.now() - t0) * 1000);
      out.push(r);
    }
    parentPort!.postMessage(out);
  });
  parentPort!.postMessage("ready");
}

// ---- main thread ----

function walk(root: string, out: string[]): void {
  let ents: fs.Dirent[];
  try {
    ents = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of ents) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
    } else if (LANGS[path.extname(e.name)] !== undefined) {
      out.push(p);
    }
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true,
    options: { db: { type: "string" }, "files-out": { type: "string" }, jobs: { type: "string" } } });
  if (!values.db || positionals.length !== 1) {
    process.stderr.write("usage: analyze --db FILE [--files-out F.ndjson] [--jobs N] DIR\n");
    process.exit(2);
  }
  // The store is opened on demand: a worker-only import must not load the
  // native module into every thread.
  const { Store } = await import("./store");
  const store = new Store(values.db);
  const root = path.resolve(positionals[0]);
  const files: string[] = [];
  walk(root, files);
  const jobs = Math.max(1, Number(values.jobs ?? 0) || os.availableParallelism());
  const filesOut = values["files-out"] ? fs.openSync(values["files-out"], "w") : undefined;
  let analysed = 0, bytes = 0, errors = 0, skipped = 0;
  let batch: FileRecord[] = [];
  const flush = () => {
    store.upsertFiles(batch);
    batch = [];
  };
  const take = (rs: FileResult[]) => {
    const lines: string[] = [];
    for (const r of rs) {
      lines.push(JSON.stringify({ ...r, symbols: r.symbols && r.symbols.length > 0 ? r.symbols : undefined, mod_time: undefined }));
      if (r.error) { errors++; continue; }
      if (r.skipped) { skipped++; continue; }
      analysed++;
      bytes += r.bytes;
      batch.push({ path: r.path, hash: r.hash!, size: r.bytes, modTime: r.mod_time!, language: r.language!, lines: r.lines!,
        code: r.code!, comments: r.comments!, blanks: r.blanks!, complexity: r.complexity!, errors: r.syntax_errors!,
        symbolCount: r.symbol_count!, functionCount: r.functions!, imports: r.imports!, symbols: r.symbols! });
      if (batch.length >= BATCH) flush();
    }
    if (filesOut !== undefined) fs.writeSync(filesOut, lines.join("\n") + "\n");
  };

  // Workers take small chunks so that they stay busy to the end.
  const CHUNK = 8;
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, files.length)) }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(__filename);
    const give = () => {
      if (next >= files.length) {
        w.terminate().then(() => resolve(), reject);
        return;
      }
      w.postMessage(files.slice(next, next + CHUNK));
      next += CHUNK;
    };
    w.on("message", (m: FileResult[] | "ready") => {
      if (m !== "ready") take(m);
      give();
    });
    w.on("error", reject);
  })));
  flush();
  if (filesOut !== undefined) fs.closeSync(filesOut);
  store.close();
  process.stdout.write(JSON.stringify({ files: analysed, bytes, skipped, errors, complete: true }) + "\n");
}

if (isMainThread) {
  main().catch((err) => {
    process.stderr.write(`analyze: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
} else {
  workerMain().catch((err) => {
    process.stderr.write(`analyze worker: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
