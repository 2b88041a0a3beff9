// dbbench times each hot store operation inside this process, as `hive db
// bench` times hive's: the same operations on the same shapes of rows, one
// sample per call in nanoseconds (process.hrtime.bigint), printed as
// {"unit": "ns", "ops": {NAME: [ns, ...]}}.
import { FileRecord, Message, Store } from "./store";
import { parseArgs } from "node:util";

const OP_NAMES = ["insert_message", "read_conversation", "cache_put", "cache_get", "upsert_file_50_symbols", "search_symbols", "record_run"];

function fourStages(content: string): Message[] {
  return ["generator", "refiner", "validator", "curator"].map((stage, i) => ({ seq: i, role: "assistant", stage, model: "m", content, status: "ok" }));
}

function opBenchFile(i: number): FileRecord {
  const symbols = [];
  for (let j = 0; j < 50; j++) {
    symbols.push({ name: `opbench${i}_handle${j}`, kind: "function", parent: "", startLine: j * 8, endLine: j * 8 + 7, complexity: 2 });
  }
  return {
    path: `/opbench/pkg${i % 50}/file${i}.go`, hash: "0123456789abcdef0123456789abcdef", size: 4096, modTime: i, language: "go",
    lines: 400, code: 300, comments: 60, blanks: 40, complexity: 80, errors: 0, symbolCount: 50, functionCount: 40,
    imports: ["fmt", "os", "strings"], symbols,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { db: { type: "string" }, ops: { type: "string" } } });
  const n = Number(values.ops);
  if (!values.db || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
    process.stderr.write("usage: dbbench --db FILE --ops N (1 to 1000000)\n");
    process.exit(2);
  }
  const s = new Store(values.db);
  const out: Record<string, number[]> = {};
  const convID = s.insertConversation({ question: "what does the store cost?", profile: "balanced" });
  let reply = "a stage reply of a realistic few hundred bytes, repeated to length. ";
  while (reply.length < 400) reply += reply;
  const value = Buffer.alloc(2048);
  const files = Array.from({ length: n }, (_, i) => opBenchFile(i));
  const runIDs: number[] = [];
  for (let j = 0; j < 64; j++) runIDs.push(s.recordRun({ question: "q", profile: "balanced", status: "ok" }, fourStages(reply)));

  const steps: [string, (i: number) => void][] = [
    ["insert_message", (i) => {
      s.insertMessage({ conversationId: convID, seq: i, role: "assistant", stage: "generator", model: "openai/gpt-4o-mini",
        content: reply, promptTokens: 120, completionTokens: 300, status: "ok" });
    }],
    ["read_conversation", (i) => {
      const c = s.conversation(runIDs[i % runIDs.length]);
      if (!c || c.messages.length !== 4) throw new Error(`read ${c?.messages.length} messages, want 4`);
    }],
    ["cache_put", (i) => s.cachePut("opbench-" + i, value, 3_600_000)],
    ["cache_get", (i) => {
      if (s.cacheGet("opbench-" + i) === undefined) throw new Error("cache miss on a key just put");
    }],
    ["upsert_file_50_symbols", (i) => s.upsertFiles([files[i]])],
    ["search_symbols", (i) => {
      if (s.searchSymbols("opbench" + i, 20).length === 0) throw new Error("search found nothing for a stored symbol");
    }],
    ["record_run", () => { s.recordRun({ question: "q", profile: "balanced", status: "ok" }, fourStages(reply)); }],
  ];
  for (const [name, op] of steps) {
    const samples = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      op(i);
      samples[i] = Number(process.hrtime.bigint() - t0);
    }
    out[name] = samples;
  }
  s.close();
  if (Object.keys(out).join() !== OP_NAMES.join()) throw new Error("dbbench: operations out of step with hive's");
  process.stdout.write(JSON.stringify({ unit: "ns", ops: out }) + "\n");
}

main();
