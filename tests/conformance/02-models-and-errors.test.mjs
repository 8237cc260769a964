// Issue 3: /v1/models per key, and every client-visible error with the SDK's error classes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { World } from './lib/admin.mjs';
import { openaiClient, rawPost } from './lib/clients.mjs';
import { GATEWAY_URL, ms, uid } from './lib/env.mjs';
import { requestsWith } from './lib/mock.mjs';

const T = { timeout: ms(60000) };
let world;
let m1;
let m2;
let m3;
let key;

before(async () => {
  world = await World.create('errors');
  m1 = await world.model('openai', 'mock-a');
  m2 = await world.model('openai', 'mock-b');
  m3 = await world.model('anthropic', 'claude-mock');
  key = await world.key();
});

function assertOpenAiError(body) {
  assert.equal(typeof body.error, 'object', JSON.stringify(body));
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.ok('type' in body.error, 'error.type');
}

describe('model list', () => {
  test('allowed_models restricts the list to exactly those models', T, async () => {
    const k = await world.key({ allowed_models: [m1, m3] });
    const list = await openaiClient(k.key).models.list();
    const ids = list.data.map((m) => m.id).sort();
    assert.deepEqual(ids, [m1, m3].sort());
    for (const m of list.data) {
      assert.equal(m.object, 'model');
    }
  });

  test('a key bound to a provider lists that provider models only', T, async () => {
    const anthropic = await world.provider('anthropic');
    const k = await world.key({ provider_id: anthropic.id });
    const ids = (await openaiClient(k.key).models.list()).data.map((m) => m.id);
    assert.ok(ids.includes(m3));
    assert.ok(!ids.includes(m1) && !ids.includes(m2));
  });

  test('an unrestricted key lists every enabled model, each once', T, async () => {
    const ids = (await openaiClient(key.key).models.list()).data.map((m) => m.id);
    for (const m of [m1, m2, m3]) {
      assert.ok(ids.includes(m), m);
    }
    assert.equal(new Set(ids).size, ids.length);
  });

  test('a disabled model leaves the list and answers 404', T, async () => {
    const extra = await world.model('openai', 'mock-c');
    const models = await world.admin.get(`/api/admin/models?q=${encodeURIComponent(extra)}`);
    const row = models.data.find((m) => m.name === extra);
    await world.admin.put(`/api/admin/models/${row.id}`, { enabled: false });
    const client = openaiClient(key.key);
    const ids = (await client.models.list()).data.map((m) => m.id);
    assert.ok(!ids.includes(extra));
    await assert.rejects(
      client.chat.completions.create({ model: extra, messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.NotFoundError,
    );
  });

  test('the model list needs a valid key', T, async () => {
    await assert.rejects(openaiClient('sk-not-a-key').models.list(), OpenAI.AuthenticationError);
  });
});

describe('errors', () => {
  const chat = (client, model, extra = {}) =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  test('a bad key is 401 AuthenticationError', T, async () => {
    const err = await chat(openaiClient('sk-gw-not-a-real-key'), m1).catch((e) => e);
    assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
    assert.equal(err.status, 401);
    assertOpenAiError({ error: err.error });
  });

  test('no key at all is 401', T, async () => {
    const res = await rawPost('/v1/chat/completions', { model: m1, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 401);
    assertOpenAiError(res.json);
  });

  test('the key is accepted as x-api-key and as api-key too', T, async () => {
    const body = { model: m1, messages: [{ role: 'user', content: 'x' }] };
    for (const h of ['x-api-key', 'api-key']) {
      const res = await rawPost('/v1/chat/completions', body, { [h]: key.key });
      assert.equal(res.status, 200, `${h}: ${res.text}`);
    }
    const res = await rawPost('/chat/completions', body, { authorization: `Bearer ${key.key}` });
    assert.equal(res.status, 200, 'also without /v1');
  });

  test('a model the key may not use is 403 PermissionDeniedError', T, async () => {
    const k = await world.key({ allowed_models: [m1] });
    const client = openaiClient(k.key);
    await chat(client, m1);
    const err = await chat(client, m2).catch((e) => e);
    assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
    assert.equal(err.status, 403);
  });

  test('a disabled key is 403 (or 401)', T, async () => {
    const k = await world.key();
    await world.admin.put(`/api/admin/virtual-keys/${k.id}`, { enabled: false });
    const err = await chat(openaiClient(k.key), m1).catch((e) => e);
    assert.ok(err instanceof OpenAI.PermissionDeniedError || err instanceof OpenAI.AuthenticationError, String(err));
  });

  test('an unknown model is 404 NotFoundError', T, async () => {
    const err = await chat(openaiClient(key.key), uid('no-such-model-')).catch((e) => e);
    assert.ok(err instanceof OpenAI.NotFoundError, String(err));
    assert.equal(err.status, 404);
  });

  test('malformed JSON is 400', T, async () => {
    const res = await rawPost('/v1/chat/completions', '{"model": "x", "messages": [', {
      authorization: `Bearer ${key.key}`,
    });
    assert.equal(res.status, 400);
    assertOpenAiError(res.json);
  });

  test('a body that is not an object is 400', T, async () => {
    for (const body of ['[1,2]', '"text"', '']) {
      const res = await rawPost('/v1/chat/completions', body, { authorization: `Bearer ${key.key}` });
      assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
      assertOpenAiError(res.json);
    }
  });

  test('missing messages is 400 BadRequestError naming the field', T, async () => {
    const res = await rawPost('/v1/chat/completions', { model: m1 }, { authorization: `Bearer ${key.key}` });
    assert.equal(res.status, 400);
    assertOpenAiError(res.json);
    assert.match(res.json.error.message + (res.json.error.param || ''), /messages/);
    const err = await openaiClient(key.key)
      .chat.completions.create({ model: m1, messages: [] })
      .catch((e) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
  });

  test('missing model is 400', T, async () => {
    const res = await rawPost(
      '/v1/chat/completions',
      { messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${key.key}` },
    );
    assert.equal(res.status, 400);
    assertOpenAiError(res.json);
  });

  test('a body over MAX_BODY_BYTES is 413', T, async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const body = JSON.stringify({ model: m1, messages: [{ role: 'user', content: big }] });
    let status;
    try {
      const res = await fetch(`${GATEWAY_URL}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body,
      });
      status = res.status;
      await res.text();
    } catch (e) {
      assert.fail(`the gateway should answer 413, not drop the connection: ${e.cause || e}`);
    }
    assert.equal(status, 413);
    // And the gateway is still fine afterwards.
    const after = await chat(openaiClient(key.key), m1);
    assert.equal(after.object, 'chat.completion');
  });

  test('an unreachable upstream is 502', T, async () => {
    const dead = await world.model('dead', 'mock-dead');
    const err = await chat(openaiClient(key.key), dead).catch((e) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502, String(err));
    const s = await chat(openaiClient(key.key), dead, { stream: true }).catch((e) => e);
    assert.equal(s.status, 502, `streamed: ${s}`);
  });

  test('an upstream slower than the first-byte timeout is 504', { timeout: ms(90000) }, async () => {
    const slow = await world.model('openai', 'mock-slow@latency=5000');
    const marker = uid('slow');
    const t0 = Date.now();
    const s = await chat(openaiClient(key.key), slow, {
      stream: true,
      messages: [{ role: 'user', content: marker }],
    }).catch((e) => e);
    assert.equal(s.status, 504, `streamed: ${s}`);
    assert.ok(Date.now() - t0 < ms(4500), `gave up after ${Date.now() - t0} ms`);
    const err = await chat(openaiClient(key.key), slow).catch((e) => e);
    assert.equal(err.status, 504, `plain: ${err}`);
    assert.equal((await requestsWith(marker)).length, 1, 'no retry by default');
  });

  test('upstream error statuses come back to the client', T, async () => {
    const cases = [
      ['mock-x@status=400', OpenAI.BadRequestError, 400],
      ['mock-x@status=429,retry_after=3', OpenAI.RateLimitError, 429],
      ['mock-x@status=500', OpenAI.InternalServerError, null],
    ];
    for (const [upstream, cls, status] of cases) {
      const model = await world.model('openai', upstream);
      const err = await chat(openaiClient(key.key), model).catch((e) => e);
      assert.ok(err instanceof cls, `${upstream}: ${err}`);
      if (status) {
        assert.equal(err.status, status, upstream);
      } else {
        assert.ok(err.status >= 500, `${upstream}: ${err.status}`);
      }
      assertOpenAiError({ error: err.error });
    }
  });

  test('unknown paths and methods answer JSON errors', T, async () => {
    const res = await fetch(`${GATEWAY_URL}/v1/not-a-route`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}` },
    });
    assert.equal(res.status, 404);
    await res.text();
  });
});
