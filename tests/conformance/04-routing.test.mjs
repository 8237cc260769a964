// Routing through the SDK: a virtual model with fallback across providers, and a key-bound
// retrying config, seen from the client (headers, answer) and from the upstream (attempts).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { World } from './lib/admin.mjs';
import { MOCK_TEXT, collectChatStream, openaiClient } from './lib/clients.mjs';
import { ms, uid } from './lib/env.mjs';
import { requestsWith } from './lib/mock.mjs';

const T = { timeout: ms(60000) };
let world;
let key;

before(async () => {
  world = await World.create('routing');
  key = await world.key();
});

describe('routing configs through the SDK', () => {
  test('a virtual model falls back from a dead provider to a live one', T, async () => {
    const dead = await world.provider('dead');
    const live = await world.provider('anthropic');
    const vm = uid('vm-');
    await world.admin.post('/api/admin/routing-configs', {
      name: uid('fallback-'),
      virtual_model: vm,
      config: {
        strategy: { mode: 'fallback' },
        targets: [
          { provider_id: dead.id, override_params: { model: 'mock-dead' } },
          { provider_id: live.id, override_params: { model: 'claude-fallback-mock' } },
        ],
      },
    });
    const client = openaiClient(key.key);
    const ids = (await client.models.list()).data.map((m) => m.id);
    assert.ok(ids.includes(vm), 'the virtual model is listed');
    const { data, response } = await client.chat.completions
      .create({ model: vm, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, MOCK_TEXT);
    assert.equal(response.headers.get('x-gateway-provider'), live.name);
    assert.equal(response.headers.get('x-gateway-model'), 'claude-fallback-mock');
    assert.equal(response.headers.get('x-gateway-attempts'), '2');

    const r = await collectChatStream(
      await client.chat.completions.create({ model: vm, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    );
    assert.equal(r.text, MOCK_TEXT);
  });

  test('a key bound to a retrying config survives two upstream 503s', T, async () => {
    const openai = await world.provider('openai');
    const scenario = uid('sc');
    const cfg = await world.admin.post('/api/admin/routing-configs', {
      name: uid('retry-'),
      config: {
        strategy: { mode: 'single' },
        retry: { attempts: 3, on_status_codes: [503] },
        targets: [
          {
            provider_id: openai.id,
            override_params: { model: `mock-flaky@fail_times=2,scenario=${scenario},status=503` },
          },
        ],
      },
    });
    const bound = await world.key({ routing_config_id: cfg.id });
    const marker = uid('retry');
    const { data, response } = await openaiClient(bound.key)
      .chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: marker }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, MOCK_TEXT);
    assert.equal(response.headers.get('x-gateway-attempts'), '3');
    const recs = await requestsWith(marker);
    assert.deepEqual(recs.map((r) => r.status), [503, 503, 200]);
  });
});
