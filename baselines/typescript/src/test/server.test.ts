// The server end to end on loopback: /healthz, a four-stage run against an
// OpenAI-compatible upstream that streams SSE (this test's own, so that it
// can check what was sent), usage and cost per stage, the response cache,
// the recorded conversation, and a clean stop on SIGTERM.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { dist, scratch } from "./helpers";

interface Seen {
  model: string;
  stream: boolean;
  include_usage: boolean;
  system: string;
  user: string;
}

const seen: Seen[] = [];
let upstream: http.Server;
let server: ChildProcess;
let base = "";

// Only the curator's model reports a cost, so the other stages estimate
// theirs from the price table.
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const r = JSON.parse(body);
    seen.push({ model: r.model, stream: r.stream, include_usage: r.stream_options?.include_usage, system: r.messages[0].content, user: r.messages[1].content });
    res.writeHead(200, { "content-type": "text/event-stream" });
    const words = [`answer `, `of `, `stage ${seen.length}`];
    for (const w of words) res.write(`data: ${JSON.stringify({ model: r.model, choices: [{ delta: { content: w } }] })}\r\n\r\n`);
    const usage: Record<string, number> = { prompt_tokens: 100, completion_tokens: 10 };
    if (r.model === "openai/gpt-4o") usage.cost = 0.5;
    res.write(`: keep-alive\n\ndata: ${JSON.stringify({ model: r.model, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function post(body: unknown): Promise<any> {
  const r = await fetch(base + "/v1/consensus", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return r.json();
}

before(async () => {
  upstream = http.createServer(answer);
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const llm = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [path.join(dist, "server.js"), "--port", String(port), "--db", path.join(scratch(), "s.db")],
    { env: { ...process.env, TS_LLM_BASE_URL: llm }, stdio: ["ignore", "ignore", "pipe"] });
  // Bounded: 30 s of polls.
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(base + "/healthz")).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server never answered /healthz");
});

after(() => {
  upstream.close();
  if (server.exitCode === null) server.kill("SIGKILL");
});

test("a four-stage run: prompts, SSE, usage, cost, record, cache", async () => {
  const res = await post({ question: "  why  WAL? ", profile: "balanced", no_cache: true });
  assert.equal(res.status, "ok");
  assert.equal(res.cached, false);
  assert.ok(res.conversation_id > 0);
  assert.ok(res.overhead_ms >= 0 && res.upstream_ms >= 0 && res.wall_ms >= res.upstream_ms);
  assert.deepEqual(res.stages.map((s: any) => [s.stage, s.model, s.status]), [
    ["generator", "openai/gpt-4o-mini", "ok"], ["refiner", "anthropic/claude-3.5-haiku", "ok"],
    ["validator", "google/gemini-2.0-flash-001", "ok"], ["curator", "openai/gpt-4o", "ok"]]);
  assert.equal(res.final, "answer of stage 4");
  assert.deepEqual([res.totals.prompt_tokens, res.totals.completion_tokens], [400, 40]);
  // gpt-4o-mini at 0.15/0.60 per million tokens, estimated; the curator's 0.5 reported.
  assert.equal(res.stages[0].cost_estimated, true);
  assert.ok(Math.abs(res.stages[0].cost - (100 * 0.15 + 10 * 0.6) / 1e6) < 1e-12);
  assert.equal(res.stages[3].cost, 0.5);
  assert.equal(res.stages[3].cost_estimated, undefined);

  assert.equal(seen.length, 4);
  assert.ok(seen.every((s) => s.stream && s.include_usage));
  assert.match(seen[0].system, /^You are the Generator/);
  assert.match(seen[3].system, /^You are the Curator/);
  assert.equal(seen[0].user, "Question:\nwhy  WAL?", "trimmed, as hive sends it");
  assert.match(seen[1].user, /=== Generator draft ===\nanswer of stage 1$/);
  assert.match(seen[3].user, /=== Generator draft ===[\s\S]*=== Refined answer ===[\s\S]*=== Validator findings ===\nanswer of stage 3$/);

  const conv = await (await fetch(`${base}/v1/conversations/${res.conversation_id}`)).json();
  assert.equal(conv.conversation.status, "ok");
  assert.equal(conv.messages.length, 4);

  const again = await post({ question: "why WAL?", profile: "balanced" });
  assert.equal(again.cached, true, "the same question, whitespace aside, comes from the cache");
  assert.equal(again.final, res.final);
  assert.equal(seen.length, 4, "nothing more went upstream");
});

test("bad requests are refused, unknown routes are 404", async () => {
  let r = await fetch(base + "/v1/consensus", { method: "POST", body: JSON.stringify({ question: " " }) });
  assert.equal(r.status, 400);
  r = await fetch(base + "/v1/consensus", { method: "POST", body: JSON.stringify({ question: "q", profile: "nope" }) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /unknown profile "nope"/);
  r = await fetch(base + "/v1/nothing");
  assert.equal(r.status, 404);
  r = await fetch(base + "/v1/conversations/999999");
  assert.equal(r.status, 404);
});

test("SIGTERM stops the server with exit 0", async () => {
  const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
  server.kill("SIGTERM");
  assert.equal(await exited, 0);
});
