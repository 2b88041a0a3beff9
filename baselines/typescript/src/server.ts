// server is the HTTP API: GET /healthz, POST /v1/consensus (hive's request
// and answer), GET /v1/conversations/:id, on node:http. It opens and
// migrates the store before it listens, as `hive serve` does, and stops on
// SIGTERM.
import http from "node:http";
import { parseArgs } from "node:util";
import { Engine, UsageError } from "./consensus";
import { Client } from "./llm";
import { Store } from "./store";

const MAX_BODY = 1 << 20;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new UsageError(`request body is over the ${MAX_BODY}-byte limit`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: "string" }, db: { type: "string" } } });
  const port = Number(values.port);
  if (!values.db || !Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write("usage: server --port PORT --db FILE\n");
    process.exit(2);
  }
  const base = process.env.TS_LLM_BASE_URL || "https://example.invalid/v1";
  const store = new Store(values.db);
  const engine = new Engine(new Client(base, process.env.TS_LLM_API_KEY ?? ""), store);

  const server = http.createServer(async (req, res) => {
    try {
      const url = req.url ?? "/";
      if (req.method === "GET" && url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain", "content-length": 3 });
        res.end("ok\n");
        return;
      }
      if (req.method === "POST" && url === "/v1/consensus") {
        let body: any;
        try {
          body = JSON.parse(await readBody(req));
        } catch (err) {
          send(res, err instanceof UsageError ? 413 : 400, { error: "invalid request body: " + (err as Error).message });
          return;
        }
        try {
          send(res, 200, await engine.run(body));
        } catch (err) {
          const e = err as Error & { result?: unknown };
          send(res, e instanceof UsageError ? 400 : 502, { error: e.message, result: e.result });
        }
        return;
      }
      const m = /^\/v1\/conversations\/(\d+)$/.exec(url);
      if (req.method === "GET" && m) {
        const c = store.conversation(Number(m[1]));
        if (!c) send(res, 404, { error: `conversation ${m[1]} not found` });
        else send(res, 200, c, );
        return;
      }
      send(res, 404, { error: `no route ${req.method} ${url}` });
    } catch (err) {
      send(res, 500, { error: (err as Error).message });
    }
  });
  server.keepAliveTimeout = 90_000;
  const stop = () => {
    server.close(() => {
      store.close();
      process.stderr.write("ts-reference: stopped\n");
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.listen(port, "127.0.0.1", () => process.stderr.write(`ts-reference: listening on http://127.0.0.1:${port}\n`));
}

main();
