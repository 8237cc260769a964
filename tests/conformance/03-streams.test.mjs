// Issue 3: a client that goes away mid-stream is noticed upstream; 200 concurrent streams all
// arrive whole.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { World } from './lib/admin.mjs';
import { openaiClient, parseSse } from './lib/clients.mjs';
import { GATEWAY_URL, ms, uid } from './lib/env.mjs';
import { mockStats, poll, requestsWith } from './lib/mock.mjs';

let world;
let key;

before(async () => {
  world = await World.create('streams');
  key = await world.key();
});

describe('streams', () => {
  test('a client that aborts mid-stream makes the gateway drop the upstream', { timeout: ms(60000) }, async () => {
    const model = await world.model('openai', 'mock-drip@chunks=40,chunk_delay=100');
    const marker = uid('abort');
    const before = (await mockStats()).client_disconnects;
    const client = openaiClient(key.key);
    const stream = await client.chat.completions.create({
      model,
      stream: true,
      messages: [{ role: 'user', content: marker }],
    });
    let seen = 0;
    const err = await (async () => {
      for await (const chunk of stream) {
        seen++;
        if (chunk.choices[0]?.delta?.content) {
          stream.controller.abort();
        }
      }
    })().catch((e) => e);
    // The SDK ends the iteration quietly on its own abort (older versions throw).
    assert.ok(err === undefined || err instanceof OpenAI.APIUserAbortError || err?.name === 'AbortError', String(err));
    assert.ok(seen >= 1 && seen < 10, `aborted early (${seen} chunks)`);
    // 40 chunks at 100 ms would take 4 s: the mock must see the gateway leave well before that.
    const after = await poll(async () => {
      const s = await mockStats();
      return s.client_disconnects > before ? s : null;
    }, ms(2000));
    assert.ok(after, 'the mock counted a client disconnect within 2 s');
    const rec = await poll(async () => (await requestsWith(marker)).find((r) => r.client_disconnected));
    assert.ok(rec, 'the upstream request is marked client_disconnected');
  });

  test('a client that aborts while the upstream is still silent cancels it too', { timeout: ms(60000) }, async () => {
    const model = await world.model('openai', 'mock-late@latency=3000');
    const marker = uid('abort-wait');
    const before = (await mockStats()).client_disconnects;
    const ac = new AbortController();
    const pending = fetch(`${GATEWAY_URL}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: marker }] }),
      signal: ac.signal,
    }).catch((e) => e);
    // Wait until the upstream request is in flight, then leave.
    assert.ok(await poll(async () => (await requestsWith(marker)).length > 0, ms(2000)), 'upstream reached');
    ac.abort();
    await pending;
    const after = await poll(async () => (await mockStats()).client_disconnects > before, ms(2000));
    assert.ok(after, 'the mock counted a client disconnect within 2 s');
  });

  test('200 concurrent streams all arrive whole, each ending with [DONE]', { timeout: ms(120000) }, async () => {
    const chunks = 8;
    const model = await world.model('openai', `mock-fan@chunks=${chunks},chunk_delay=20`);
    const n = 200;
    const one = async (i) => {
      const res = await fetch(`${GATEWAY_URL}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({
          model,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: `stream number ${i}` }],
        }),
      });
      const text = await res.text();
      return { status: res.status, text };
    };
    const results = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
    const expected = 'Hello from mock-llm, the deterministic fake provider.';
    let bad = 0;
    for (const [i, r] of results.entries()) {
      const problems = [];
      if (r.status !== 200) problems.push(`status ${r.status}`);
      const events = parseSse(r.text);
      if (events.at(-1)?.data !== '[DONE]') problems.push('no [DONE] at the end');
      const payloads = events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
      const text = payloads.map((p) => p.choices?.[0]?.delta?.content || '').join('');
      if (text !== expected) problems.push(`text ${JSON.stringify(text)}`);
      const pieces = payloads.filter((p) => p.choices?.[0]?.delta?.content).length;
      if (pieces !== chunks) problems.push(`${pieces} content chunks`);
      const usage = payloads.at(-1)?.usage;
      if (!usage || usage.prompt_tokens !== 3) problems.push(`usage ${JSON.stringify(usage)}`);
      if (problems.length) {
        bad++;
        if (bad <= 3) console.log(`stream ${i}: ${problems.join('; ')}`);
      }
    }
    assert.equal(bad, 0, `${bad} of ${n} streams were not intact`);
  });
});
