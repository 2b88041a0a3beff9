// dbbench prints exactly --ops samples of every operation, in ns, as
// `hive db bench --json` does: the database probe refuses anything else.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { run, scratch } from "./helpers";

test("dbbench: every operation, exactly --ops samples in ns", () => {
  const r = run("dbbench.js", ["--db", path.join(scratch(), "d.db"), "--ops", "3"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.unit, "ns");
  assert.deepEqual(Object.keys(out.ops).sort(), ["cache_get", "cache_put", "insert_message", "read_conversation", "record_run", "search_symbols", "upsert_file_50_symbols"]);
  for (const [op, samples] of Object.entries(out.ops as Record<string, number[]>)) {
    assert.equal(samples.length, 3, op);
    for (const s of samples) assert.ok(Number.isInteger(s) && s > 0, `${op}: ${s}`);
  }
});

test("dbbench refuses a bad --ops with exit 2", () => {
  for (const ops of ["0", "x", "1.5"]) {
    const r = run("dbbench.js", ["--db", path.join(scratch(), "d.db"), "--ops", ops]);
    assert.equal(r.code, 2, ops);
  }
});
