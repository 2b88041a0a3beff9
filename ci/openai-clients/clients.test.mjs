// The official `openai` npm package against a real hive serve. TestNodeClient
// (node_client_test.go) runs this file with node --test once TestMain has
// started the server, passing its address and token in the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';

const baseURL = process.env.HIVE_OPENAI_BASE_URL;
const apiKey = process.env.HIVE_OPENAI_KEY;
if (!baseURL || !apiKey) {
  throw new Error('HIVE_OPENAI_BASE_URL and HIVE_OPENAI_KEY are not set: run ci/module-test.sh');
}

// Retries off: a 502 must reach the test as one answer, not three.
const client = (key = apiKey) => new OpenAI({ baseURL, apiKey: key, maxRetries: 0, timeout: 60_000 });

// Each question is new to the server, even when this file runs again
// against the same one (go test -count=N): a live run, not a cache hit.
const runID = randomUUID();
let seq = 0;
const question = (what) => `npm client ${what} #${++seq} (${runID}): what is a B-tree?`;
const asks = (q) => [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: q },
];

test('non-streaming: the answer and its usage', async () => {
  const res = await client().chat.completions.create({ model: 'hive/plain', messages: asks(question('non-streaming')) });
  assert.equal(res.object, 'chat.completion');
  assert.equal(res.model, 'hive/plain');
  assert.equal(res.choices.length, 1);
  assert.equal(res.choices[0].message.role, 'assistant');
  assert.ok(res.choices[0].message.content.length > 0);
  assert.equal(res.choices[0].finish_reason, 'stop');
  assert.ok(res.usage.prompt_tokens > 0);
  assert.ok(res.usage.completion_tokens > 0);
  assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
});

test('max_tokens, temperature and stop reach the answer', async () => {
  const res = await client().chat.completions.create({
    model: 'hive/plain', messages: asks(question('max_tokens')), max_tokens: 3, temperature: 0, stop: ['\n\nEND'],
  });
  assert.equal(res.choices[0].finish_reason, 'length');
});

test('streaming with include_usage: deltas, then a usage chunk with no choices', async () => {
  const q = question('streaming');
  const stream = await client().chat.completions.create({
    model: 'hive/plain', messages: asks(q), stream: true, stream_options: { include_usage: true },
  });
  let content = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  let last = null;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
    if (chunk.usage) {
      assert.equal(usage, null, 'usage comes once');
      usage = chunk.usage;
    }
    last = chunk;
  }
  assert.ok(chunks > 3, `${chunks} chunks`);
  assert.deepEqual(last.choices, [], 'the last chunk has no choices');
  assert.ok(usage, 'the last chunk has the usage');
  assert.equal(finish, 'stop');
  assert.ok(content.length > 0);

  // The same question again, not streamed, is the cache's copy of that
  // run: the deltas were the whole answer and the usage is the run's.
  const again = await client().chat.completions.create({ model: 'hive/plain', messages: asks(q) });
  assert.equal(again.choices[0].message.content, content);
  assert.deepEqual(
    [usage.prompt_tokens, usage.completion_tokens, usage.total_tokens],
    [again.usage.prompt_tokens, again.usage.completion_tokens, again.usage.total_tokens],
  );
});

test('errors are the library\'s own error classes', async (t) => {
  await t.test('unknown model: NotFoundError', async () => {
    await assert.rejects(
      client().chat.completions.create({ model: 'gpt-4o', messages: asks('q') }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 404);
        assert.equal(err.code, 'model_not_found');
        assert.equal(err.param, 'model');
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.message, /hive\/plain/);
        return true;
      },
    );
  });
  await t.test('wrong key: AuthenticationError', async () => {
    await assert.rejects(
      client('not-the-token').chat.completions.create({ model: 'hive/plain', messages: asks('q') }),
      (err) => {
        assert.ok(err instanceof OpenAI.AuthenticationError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 401);
        assert.equal(err.code, 'invalid_api_key');
        return true;
      },
    );
  });
  await t.test('bad parameter: BadRequestError naming it', async () => {
    await assert.rejects(
      client().chat.completions.create({ model: 'hive/plain', messages: asks('q'), temperature: 3 }),
      (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.param, 'temperature');
        return true;
      },
    );
  });
  await t.test('upstream failure: InternalServerError (502)', async () => {
    await assert.rejects(
      client().chat.completions.create({ model: 'hive/broken', messages: asks(question('broken')) }),
      (err) => {
        assert.ok(err instanceof OpenAI.InternalServerError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 502);
        assert.equal(err.type, 'upstream_error');
        assert.match(err.message, /status 400/);
        return true;
      },
    );
  });
  await t.test('failure mid-stream: APIError from the stream', async () => {
    const stream = await client().chat.completions.create({
      model: 'hive/broken', messages: asks(question('broken, streamed')), stream: true,
    });
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
      (err) => {
        assert.ok(err instanceof OpenAI.APIError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.type, 'upstream_error');
        assert.match(err.message, /status 400/);
        return true;
      },
    );
  });
});

test('models: the profiles, with created and owned_by', async () => {
  const ids = [];
  for await (const m of client().models.list()) {
    ids.push(m.id);
    assert.equal(m.object, 'model');
    assert.equal(m.owned_by, 'hive');
    assert.ok(Number.isInteger(m.created) && m.created > 0, `${m.id}: created ${m.created}`);
  }
  assert.ok(ids.includes('hive/plain'), ids.join(', '));
  assert.ok(ids.includes('hive/broken'), ids.join(', '));
});
