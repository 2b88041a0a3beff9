// A client for OpenAI-compatible chat completions, always streamed over
// SSE (POST {base}/chat/completions with stream and include_usage), with
// retries before the first token, model fallbacks, and usage and cost from
// upstream. fetch (undici, built into Node 20) does the HTTP, with its
// default keep-alive pool.
//
// Timing: upstreamMs is the time spent awaiting upstream (fetch until the
// headers, every read of the body, backoff waits); the rest of latencyMs
// is this process's own (encoding, SSE and JSON parsing, callbacks), so
// latency − upstream is the client's overhead, as hive's llm package
// reports it. One difference stays: an await resumes only when the event
// loop is free, and a single-threaded process cannot tell that queueing
// from upstream's own time, so it counts as upstream. Alone on the loop
// that is nothing; with many runs at once it is most of the overhead, and
// the self-reported overhead_ms then errs low (docs/typescript.md, where
// the server's CPU per run, measured from outside, is the fair figure).
import { ChatMessage } from "./prompts";

export interface ChatRequest {
  model: string;
  fallbacks: string[];
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cost: number;
  costReported: boolean;
}

export interface ChatResponse {
  model: string;
  content: string;
  usage: Usage;
  ttftMs: number;
  latencyMs: number;
  upstreamMs: number;
  attempts: number;
}

export class APIError extends Error {
  constructor(readonly status: number, message: string, readonly retryable: boolean) {
    super(message);
  }
}

const MAX_ATTEMPTS = 3;
const MAX_ANSWER_BYTES = 1 << 20;

export class Client {
  constructor(private readonly baseURL: string, private readonly apiKey = "") {}

  async chat(req: ChatRequest, onToken?: (delta: string) => void, signal?: AbortSignal): Promise<ChatResponse> {
    const start = performance.now();
    const out: ChatResponse = { model: req.model, content: "", usage: { promptTokens: 0, completionTokens: 0, cost: 0, costReported: false },
      ttftMs: 0, latencyMs: 0, upstreamMs: 0, attempts: 0 };
    const errors: string[] = [];
    for (const model of [req.model, ...req.fallbacks]) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        out.attempts++;
        if (attempt > 0) {
          const wait = 100 * 2 ** (attempt - 1) * (0.5 + Math.random());
          const t = performance.now();
          await new Promise((r) => setTimeout(r, wait));
          out.upstreamMs += performance.now() - t;
        }
        try {
          await this.attempt(model, req, out, onToken, signal);
          out.latencyMs = performance.now() - start;
          return out;
        } catch (err) {
          out.latencyMs = performance.now() - start;
          if (signal?.aborted) throw err;
          // Once content has arrived nothing is retried: the caller saw it.
          if (out.content !== "") throw err;
          errors.push(`${model}: ${(err as Error).message}`);
          if (err instanceof APIError && !err.retryable) break; // next model
        }
      }
    }
    throw new Error("llm: every model failed: " + errors.join("; "));
  }

  private async attempt(model: string, req: ChatRequest, out: ChatResponse, onToken?: (d: string) => void, signal?: AbortSignal): Promise<void> {
    const body = JSON.stringify({ model, messages: req.messages, temperature: req.temperature, max_tokens: req.max_tokens,
      stream: true, stream_options: { include_usage: true } });
    const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
    if (this.apiKey) headers.authorization = "Bearer " + this.apiKey;
    const t0 = performance.now();
    let t = t0;
    const res = await fetch(this.baseURL + "/chat/completions", { method: "POST", headers, body, signal });
    out.upstreamMs += performance.now() - t;
    if (res.status !== 200) {
      const text = await res.text().catch(() => "");
      throw new APIError(res.status, `upstream answered ${res.status}: ${text.slice(0, 300)}`, res.status === 408 || res.status === 429 || res.status >= 500);
    }
    if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      throw new APIError(res.status, "upstream answer is not an event stream", false);
    }
    const reader = res.body!.getReader();
    const sse = new SSEParser();
    const decoder = new TextDecoder();
    let done = false;
    let bytes = 0;
    for (;;) {
      t = performance.now();
      const { value, done: eof } = await reader.read();
      out.upstreamMs += performance.now() - t;
      if (eof) break;
      for (const data of sse.push(decoder.decode(value, { stream: true }))) {
        if (data === "[DONE]") {
          done = true;
          continue;
        }
        let chunk: any;
        try {
          chunk = JSON.parse(data);
        } catch {
          throw new APIError(200, "malformed chunk: " + data.slice(0, 100), false);
        }
        if (chunk.error) throw new APIError(200, "error in the stream: " + JSON.stringify(chunk.error).slice(0, 200), true);
        if (chunk.model) out.model = chunk.model;
        const delta: string | undefined = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          if (out.content === "") out.ttftMs = performance.now() - t0;
          out.content += delta;
          bytes += delta.length;
          if (bytes > MAX_ANSWER_BYTES) {
            await reader.cancel();
            throw new APIError(200, `answer over ${MAX_ANSWER_BYTES} bytes`, false);
          }
          onToken?.(delta);
        }
        if (chunk.usage) {
          out.usage.promptTokens = chunk.usage.prompt_tokens ?? 0;
          out.usage.completionTokens = chunk.usage.completion_tokens ?? 0;
          if (typeof chunk.usage.cost === "number") {
            out.usage.cost = chunk.usage.cost;
            out.usage.costReported = true;
          }
        }
      }
    }
    if (!done) throw new APIError(200, "the stream ended before [DONE]", true);
  }
}

// SSEParser is the event-stream format: lines ending in LF, CRLF or CR,
// comments (":"), multi-line data fields joined with "\n", an event ends at
// a blank line. push returns the data of every event completed so far.
export class SSEParser {
  private buf = "";
  private data: string[] = [];
  // skipLF is set when the last line ended in a CR at the end of the input
  // so far: an LF that comes next is the second half of that CRLF.
  private skipLF = false;

  push(text: string): string[] {
    this.buf += text;
    if (this.skipLF && this.buf !== "") {
      if (this.buf[0] === "\n") this.buf = this.buf.slice(1);
      this.skipLF = false;
    }
    const events: string[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      // A CR at the very end ends the line now (the stream may end there);
      // an LF that follows later is skipped.
      if (m[0] === "\r" && this.buf === "") this.skipLF = true;
      if (line === "") {
        if (this.data.length > 0) events.push(this.data.join("\n"));
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
    }
    return events;
  }
}
