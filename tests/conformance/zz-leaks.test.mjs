// Issue 3: provider secrets never come back out: not in any admin or data-plane answer of this
// run, not in the gateway's log. Runs last (name order) so it sees every earlier file's traffic.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, describe, test } from 'node:test';
import { World } from './lib/admin.mjs';
import { openaiClient, rawPost } from './lib/clients.mjs';
import { GATEWAY_LOG, ms } from './lib/env.mjs';
import { mockRequests } from './lib/mock.mjs';
import { RESPONSES_FILE, SECRETS_FILE, readLines } from './lib/record.mjs';

const T = { timeout: ms(120000) };
const KINDS = ['openai', 'anthropic', 'gemini', 'bedrock', 'azure', 'dead'];
const UPSTREAM = {
  openai: 'mock-gpt',
  anthropic: 'claude-mock',
  gemini: 'gemini-2.0-flash',
  bedrock: 'anthropic.claude-3-haiku-20240307-v1:0',
  azure: 'gpt-4o-azure',
  dead: 'mock-dead',
};

let world;

before(async () => {
  // Exercise every provider's success and failure paths, so every code path that might log or
  // echo a credential has run at least once.
  world = await World.create('leaks');
  const key = await world.key();
  const client = openaiClient(key.key);
  for (const kind of KINDS) {
    for (const suffix of ['', '@status=401', '@status=500', '@fault=malformed-json']) {
      const model = await world.model(kind, UPSTREAM[kind] + suffix);
      for (const stream of [false, true]) {
        try {
          const r = await client.chat.completions.create({
            model,
            stream,
            messages: [{ role: 'user', content: 'hi' }],
          });
          if (stream) {
            for await (const _ of r) {
              // drain
            }
          }
        } catch {
          // errors are expected here; their bodies are recorded
        }
      }
    }
    const p = await world.provider(kind);
    await world.admin.request('POST', `/api/admin/providers/${p.id}/test`, {}, { ok: () => true });
    await world.admin.request('POST', '/api/admin/providers/fetch-models', { provider_id: p.id }, { ok: () => true });
    await world.admin.request('GET', `/api/admin/providers/${p.id}`, undefined, { ok: () => true });
  }
  await rawPost('/v1/messages', { model: 'x', max_tokens: 5, messages: [] }, { 'x-api-key': key.key });
  // Every admin read that could show a provider or its config.
  for (const path of [
    '/api/admin/providers?page_size=200',
    '/api/admin/providers/export',
    '/api/admin/models?page_size=200',
    '/api/admin/virtual-keys?page_size=200',
    '/api/admin/routing-configs',
    '/api/admin/config/status',
    '/api/admin/system/status',
    '/api/admin/logs?page_size=200',
    '/api/admin/health/targets',
  ]) {
    await world.admin.request('GET', path, undefined, { ok: () => true });
  }
});

describe('provider secrets stay inside', () => {
  test('the planted secrets were really used upstream (so the search means something)', T, async () => {
    const secrets = readLines(SECRETS_FILE);
    assert.ok(secrets.length >= KINDS.length, `${secrets.length} secrets planted`);
    const seen = JSON.stringify(await mockRequests());
    const used = secrets.filter((s) => seen.includes(s));
    assert.ok(used.length >= 3, `secrets sent upstream: ${used.length}`);
  });

  test('no admin or data-plane answer contains a provider secret', T, async () => {
    const secrets = readLines(SECRETS_FILE);
    const answers = fs.readFileSync(RESPONSES_FILE, 'utf8');
    assert.ok(answers.length > 10000, `recorded ${answers.length} bytes of answers`);
    for (const s of secrets) {
      const at = answers.indexOf(s);
      assert.equal(at, -1, `secret found in an answer: ...${answers.slice(Math.max(0, at - 300), at + 80)}`);
      // Not even a long prefix of it (a "mask" that keeps most of the key).
      const prefix = s.slice(0, s.length - 8);
      assert.ok(!answers.includes(prefix), `most of a secret found in an answer`);
    }
  });

  test('the gateway log contains no provider secret', T, async () => {
    assert.ok(GATEWAY_LOG && fs.existsSync(GATEWAY_LOG), 'GATEWAY_LOG is set by run.sh');
    const log = fs.readFileSync(GATEWAY_LOG, 'utf8');
    for (const s of readLines(SECRETS_FILE)) {
      const at = log.indexOf(s);
      assert.equal(at, -1, `secret found in the log: ...${log.slice(Math.max(0, at - 300), at + 80)}`);
    }
  });

  // API keys and secret config fields (Bedrock's secret_access_key, session_token) are both
  // sealed with SECRET_KEY at rest.
  test(
    'the database holds no provider secret in plaintext',
    T,
    async () => {
      const db = process.env.GATEWAY_DB;
      assert.ok(db && fs.existsSync(db), 'GATEWAY_DB is set by run.sh');
      const files = [db, `${db}-wal`].filter((f) => fs.existsSync(f));
      const bytes = files.map((f) => fs.readFileSync(f).toString('latin1')).join('');
      for (const s of readLines(SECRETS_FILE)) {
        assert.ok(!bytes.includes(s), `plaintext secret in the database: ${s.slice(0, 24)}...`);
      }
    },
  );
});
