// The four-stage consensus (Generator → Refiner → Validator → Curator) of
// hive's engine/consensus: the same profiles, prompts and message
// assembly, a response cache (an in-memory LRU in front of the store's
// table), and a record of every executed run in the store: the
// conversation row when the stages start, its outcome and one message per
// stage when they end, committed before the answer is sent.
import { createHash } from "node:crypto";
import { Client } from "./llm";
import { DEFAULT_PROFILE, PRICES, PROFILES, Profile } from "./profiles";
import { buildMessages, PROMPTS_DIGEST, StageOutput } from "./prompts";
import { Message, Store } from "./store";

export interface Request {
  question: string;
  context?: string;
  profile?: string;
  no_cache?: boolean;
}

export interface StageRecord {
  stage: string;
  model: string;
  content: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  cost_estimated?: boolean;
  ttft_ms: number;
  latency_ms: number;
  upstream_ms: number;
  attempts: number;
  status: string;
  error?: string;
}

export interface Result {
  conversation_id: number;
  profile: string;
  status: string;
  final: string;
  stages: StageRecord[];
  totals: { prompt_tokens: number; completion_tokens: number; cost: number; latency_ms: number };
  wall_ms: number;
  upstream_ms: number;
  overhead_ms: number;
  cached: boolean;
  recorded: boolean;
  record_error?: string;
}

export class UsageError extends Error {}

const CACHE_ENTRIES = 1024;
const CACHE_TTL_MS = 24 * 3600 * 1000;
const KEY_VERSION = "hive-consensus/v1";

class LRU {
  private m = new Map<string, { res: Result; expires: number }>();
  get(key: string, now: number): Result | undefined {
    const e = this.m.get(key);
    if (!e) return undefined;
    if (now >= e.expires) {
      this.m.delete(key);
      return undefined;
    }
    this.m.delete(key);
    this.m.set(key, e); // most recent last
    return e.res;
  }
  put(key: string, res: Result, now: number): void {
    this.m.delete(key);
    this.m.set(key, { res, expires: now + CACHE_TTL_MS });
    if (this.m.size > CACHE_ENTRIES) this.m.delete(this.m.keys().next().value!);
  }
}

function signature(p: Profile): string {
  return JSON.stringify([KEY_VERSION, PROMPTS_DIGEST, p.name, p.stages]);
}

export function cacheKey(p: Profile, question: string, context: string): string {
  return createHash("sha256").update(signature(p)).update("\0").update(question).update("\0").update(context).digest("hex");
}

export class Engine {
  private lru = new LRU();

  constructor(private readonly client: Client, private readonly store: Store) {}

  async run(req: Request): Promise<Result> {
    const start = performance.now();
    const question = (req.question ?? "").trim();
    const norm = question.split(/\s+/).filter((w) => w !== "").join(" ");
    if (norm === "") throw new UsageError("consensus: the question is empty");
    const name = req.profile || DEFAULT_PROFILE;
    const p = PROFILES[name];
    if (!p) throw new UsageError(`consensus: unknown profile ${JSON.stringify(name)}; known profiles: ${Object.keys(PROFILES).sort().join(", ")}`);
    const context = (req.context ?? "").trim();
    const key = cacheKey(p, norm, context);

    if (!req.no_cache) {
      const hit = this.lookup(key);
      if (hit) {
        const wall = performance.now() - start;
        return { ...hit, cached: true, upstream_ms: 0, wall_ms: wall, overhead_ms: wall };
      }
    }

    const convID = this.store.insertConversation({ question, context, profile: p.name, cacheKey: key });
    const res: Result = { conversation_id: 0, profile: p.name, status: "ok", final: "", stages: [],
      totals: { prompt_tokens: 0, completion_tokens: 0, cost: 0, latency_ms: 0 }, wall_ms: 0, upstream_ms: 0, overhead_ms: 0,
      cached: false, recorded: false };
    const outputs: StageOutput[] = [];
    let runErr: Error | undefined;
    for (const [stage, cfg] of p.stages) {
      const rec: StageRecord = { stage, model: cfg.model, content: "", prompt_tokens: 0, completion_tokens: 0, cost: 0,
        ttft_ms: 0, latency_ms: 0, upstream_ms: 0, attempts: 0, status: "skipped" };
      res.stages.push(rec);
      if (runErr) continue;
      const t0 = performance.now();
      try {
        const r = await this.client.chat({ model: cfg.model, fallbacks: cfg.fallbacks, temperature: cfg.temperature,
          max_tokens: cfg.max_tokens, messages: buildMessages(stage, question, context, outputs) });
        Object.assign(rec, { model: r.model, content: r.content, prompt_tokens: r.usage.promptTokens,
          completion_tokens: r.usage.completionTokens, cost: r.usage.cost, ttft_ms: r.ttftMs, latency_ms: r.latencyMs,
          upstream_ms: r.upstreamMs, attempts: r.attempts, status: "ok" });
        if (!r.usage.costReported) {
          const price = PRICES[r.model] ?? PRICES[cfg.model];
          if (price && (r.usage.promptTokens > 0 || r.usage.completionTokens > 0)) {
            rec.cost = (r.usage.promptTokens * price.prompt + r.usage.completionTokens * price.completion) / 1e6;
            rec.cost_estimated = true;
          }
        }
        outputs.push({ stage, content: rec.content });
      } catch (err) {
        runErr = err as Error;
        rec.status = "failed";
        rec.error = runErr.message;
        rec.latency_ms = rec.upstream_ms = performance.now() - t0;
        res.status = "failed";
      }
      res.totals.prompt_tokens += rec.prompt_tokens;
      res.totals.completion_tokens += rec.completion_tokens;
      res.totals.cost += rec.cost;
      res.totals.latency_ms += rec.latency_ms;
      res.upstream_ms += rec.upstream_ms;
    }
    if (res.status === "ok") res.final = res.stages[res.stages.length - 1].content;

    const msgs: Message[] = res.stages.map((s, i) => ({ seq: i, role: "assistant", stage: s.stage, model: s.model, content: s.content,
      promptTokens: s.prompt_tokens, completionTokens: s.completion_tokens, cost: s.cost, ttftNs: BigInt(Math.round(s.ttft_ms * 1e6)),
      latencyNs: BigInt(Math.round(s.latency_ms * 1e6)), status: s.status, error: s.error ?? "" }));
    try {
      this.store.finishRunTx(convID, { question, profile: p.name, status: res.status, final: res.final, totalCost: res.totals.cost,
        latencyNs: BigInt(Math.round((performance.now() - start) * 1e6)) }, msgs);
      res.conversation_id = convID;
      res.recorded = true;
    } catch (err) {
      res.record_error = (err as Error).message;
    }
    res.wall_ms = performance.now() - start;
    res.overhead_ms = Math.max(0, res.wall_ms - res.upstream_ms);
    if (res.status === "ok" && res.recorded) this.remember(key, res);
    if (runErr) throw Object.assign(runErr, { result: res });
    return res;
  }

  private lookup(key: string): Result | undefined {
    const now = Date.now();
    const hit = this.lru.get(key, now);
    if (hit) return hit;
    const raw = this.store.cacheGet(key);
    if (!raw) return undefined;
    try {
      const res = JSON.parse(raw.toString("utf8")) as Result;
      this.lru.put(key, res, now);
      return res;
    } catch {
      return undefined; // a broken entry must not fail the run
    }
  }

  private remember(key: string, res: Result): void {
    this.lru.put(key, res, Date.now());
    // Off the answer's path, as hive's write-behind: the LRU answers
    // repeats meanwhile.
    setImmediate(() => {
      try {
        this.store.cachePut(key, Buffer.from(JSON.stringify(res)), CACHE_TTL_MS);
      } catch {
        // counted nowhere; the LRU still has it
      }
    });
  }
}
