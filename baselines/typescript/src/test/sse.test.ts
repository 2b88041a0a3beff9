// The upstream's event stream is outside input: every line ending, a
// comment, a multi-line data field and an event split anywhere across
// chunks give the same events as hive's parser.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SSEParser } from "../llm";

const cases: [string, string, string[]][] = [
  ["LF", "data: a\n\ndata: b\n\n", ["a", "b"]],
  ["CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", ["a", "b"]],
  ["CR", "data: a\r\rdata: b\r\r", ["a", "b"]],
  ["comment and other fields", ": keep-alive\nevent: x\nid: 1\ndata: a\n\n", ["a"]],
  ["multi-line data", "data: a\ndata: b\n\n", ["a\nb"]],
  ["no space after colon", "data:a\n\n", ["a"]],
  ["blank lines alone", "\n\n\n", []],
  ["unfinished event", "data: a\n", []],
  ["[DONE]", "data: {\"x\":1}\n\ndata: [DONE]\n\n", ["{\"x\":1}", "[DONE]"]],
];

for (const [name, stream, want] of cases) {
  test(`SSE ${name}, whole and split at every byte`, () => {
    assert.deepEqual(new SSEParser().push(stream), want);
    for (let i = 1; i < stream.length; i++) {
      const p = new SSEParser();
      const got = [...p.push(stream.slice(0, i)), ...p.push(stream.slice(i))];
      assert.deepEqual(got, want, `split at ${i}`);
    }
  });
}

test("SSE a CR at the end of one chunk and an LF at the start of the next are one line end", () => {
  const p = new SSEParser();
  assert.deepEqual(p.push("data: a\r"), []);
  assert.deepEqual(p.push("\n\r"), ["a"]);
  assert.deepEqual(p.push("\ndata: b\n\n"), ["b"]);
});
