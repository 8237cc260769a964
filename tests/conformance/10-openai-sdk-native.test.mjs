// Issue 4: the openai SDK against native Anthropic, Gemini, Bedrock and Azure targets, plain and
// streamed, with a full tool-call round trip; the upstream sees its own wire format.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { World } from './lib/admin.mjs';
import { MOCK_TEXT, collectChatStream, openaiClient, weatherTool } from './lib/clients.mjs';
import { ms, uid } from './lib/env.mjs';
import { onlyRequestWith, requestsWith } from './lib/mock.mjs';

const T = { timeout: ms(60000) };
const BEDROCK_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** What each target looks like upstream. */
const targets = {
  anthropic: {
    upstream: 'claude-3-5-sonnet-mock',
    path: (stream) => (stream ? /^\/v1\/messages$/ : /^\/v1\/messages$/),
    auth: (h) => assert.match(h['x-api-key'], /^sk-conformance-anthropic-/),
    toolResultSeen: (body, id) => {
      const last = body.messages.at(-1);
      assert.equal(last.role, 'user');
      const block = last.content.find((b) => b.type === 'tool_result');
      assert.ok(block, JSON.stringify(last));
      assert.equal(block.tool_use_id, id);
    },
  },
  gemini: {
    upstream: 'gemini-2.0-flash',
    path: (stream) =>
      stream
        ? /^\/v1beta\/models\/gemini-2\.0-flash:streamGenerateContent\?alt=sse/
        : /^\/v1beta\/models\/gemini-2\.0-flash:generateContent/,
    auth: (h, target) =>
      assert.ok(
        /^sk-conformance-gemini-/.test(h['x-goog-api-key'] || '') || /[?&]key=sk-conformance-gemini-/.test(target),
      ),
    toolResultSeen: (body) => {
      const parts = body.contents.flatMap((c) => c.parts || []);
      assert.ok(parts.some((p) => p.functionResponse?.name === 'get_weather'), JSON.stringify(body.contents));
    },
  },
  bedrock: {
    upstream: BEDROCK_MODEL,
    path: (stream) =>
      new RegExp(`^/model/${encodeURIComponent(BEDROCK_MODEL).replace(/\./g, '\\.')}/${stream ? 'converse-stream' : 'converse'}$`, 'i'),
    auth: (h) => {
      assert.match(h.authorization, /^AWS4-HMAC-SHA256 Credential=AKIACONFORMANCETEST1\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
      assert.ok(h['x-amz-date']);
    },
    toolResultSeen: (body, id) => {
      const blocks = body.messages.at(-1).content;
      const r = blocks.find((b) => b.toolResult);
      assert.ok(r, JSON.stringify(blocks));
      assert.equal(r.toolResult.toolUseId, id);
    },
  },
  azure: {
    upstream: 'gpt-4o-azure',
    path: () => /^\/openai\/deployments\/conformance-gpt4o\/chat\/completions\?api-version=2024-10-21$/,
    auth: (h) => assert.match(h['api-key'], /^sk-conformance-azure-/),
    toolResultSeen: (body, id) => {
      const last = body.messages.at(-1);
      assert.equal(last.role, 'tool');
      assert.equal(last.tool_call_id, id);
    },
  },
};

let world;
let client;
const models = {};

before(async () => {
  world = await World.create('native');
  for (const [kind, t] of Object.entries(targets)) {
    models[kind] = await world.model(kind, t.upstream);
  }
  client = openaiClient((await world.key()).key);
});

for (const [kind, t] of Object.entries(targets)) {
  describe(`openai SDK -> ${kind}`, () => {
    test('plain chat', T, async () => {
      const marker = uid('p');
      const { data, response } = await client.chat.completions
        .create({
          model: models[kind],
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: `Say hello ${marker}` },
          ],
          max_tokens: 100,
        })
        .withResponse();
      assert.equal(data.object, 'chat.completion');
      assert.equal(data.choices[0].message.role, 'assistant');
      assert.equal(data.choices[0].message.content, MOCK_TEXT);
      assert.equal(data.choices[0].finish_reason, 'stop');
      assert.equal(data.usage.prompt_tokens, 6);
      assert.equal(data.usage.completion_tokens, 7);
      assert.equal(data.usage.total_tokens, 13);
      assert.match(data.id, /.+/);
      assert.equal(response.headers.get('x-gateway-provider'), (await world.provider(kind)).name);
      assert.equal(response.headers.get('x-gateway-model'), t.upstream);

      const up = await onlyRequestWith(marker);
      assert.match(up.target, t.path(false));
      t.auth(up.headers, up.target);
    });

    test('streamed chat with usage', T, async () => {
      const marker = uid('s');
      const stream = await client.chat.completions.create({
        model: models[kind],
        messages: [{ role: 'user', content: `Say hello ${marker}` }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const r = await collectChatStream(stream);
      assert.equal(r.text, MOCK_TEXT);
      assert.equal(r.finish, 'stop');
      assert.ok(r.chunks.filter((c) => c.choices[0]?.delta?.content).length >= 2, 'several pieces');
      const last = r.chunks.at(-1);
      assert.deepEqual(last.choices, []);
      assert.equal(last.usage?.prompt_tokens, 3);
      assert.equal(last.usage?.completion_tokens, 7);
      for (const c of r.chunks) {
        assert.equal(c.object, 'chat.completion.chunk');
      }
      const ids = new Set(r.chunks.map((c) => c.id));
      assert.equal(ids.size, 1, 'one id for the whole stream');

      const up = await onlyRequestWith(marker);
      assert.match(up.target, t.path(true));
      assert.equal(up.streaming, true);
    });

    test('streamed chat without include_usage has no usage chunk', T, async () => {
      const stream = await client.chat.completions.create({
        model: models[kind],
        messages: [{ role: 'user', content: 'Say hello' }],
        stream: true,
      });
      const r = await collectChatStream(stream);
      assert.equal(r.text, MOCK_TEXT);
      for (const c of r.chunks) {
        assert.ok(!c.usage, JSON.stringify(c));
      }
    });

    test('tool call round trip (plain)', T, async () => {
      const marker = uid('t');
      const messages = [{ role: 'user', content: `What is the weather in Paris? ${marker}` }];
      const first = await client.chat.completions.create({ model: models[kind], messages, tools: [weatherTool] });
      const choice = first.choices[0];
      assert.equal(choice.finish_reason, 'tool_calls');
      assert.equal(choice.message.tool_calls?.length, 1, JSON.stringify(choice.message));
      const call = choice.message.tool_calls[0];
      assert.equal(call.type, 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris' });
      assert.match(call.id, /.+/);

      messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' });
      const second = await client.chat.completions.create({ model: models[kind], messages, tools: [weatherTool] });
      assert.equal(second.choices[0].finish_reason, 'stop');
      const text = second.choices[0].message.content;
      assert.ok(text.startsWith('The tool said: ') && text.includes('sunny, 21 C'), text);

      const recs = await requestsWith(marker);
      assert.equal(recs.length, 2);
      t.toolResultSeen(JSON.parse(recs[1].body), call.id);
    });

    test('tool call round trip (streamed)', T, async () => {
      const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
      const r = await collectChatStream(
        await client.chat.completions.create({ model: models[kind], messages, tools: [weatherTool], stream: true }),
      );
      assert.equal(r.finish, 'tool_calls');
      assert.equal(r.toolCalls.length, 1);
      assert.equal(r.toolCalls[0].name, 'get_weather');
      assert.match(r.toolCalls[0].id, /.+/);
      assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { location: 'Paris' });
      assert.equal(r.text, '');

      messages.push(
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: r.toolCalls[0].id,
              type: 'function',
              function: { name: 'get_weather', arguments: r.toolCalls[0].arguments },
            },
          ],
        },
        { role: 'tool', tool_call_id: r.toolCalls[0].id, content: 'rainy, 12 C' },
      );
      const r2 = await collectChatStream(
        await client.chat.completions.create({ model: models[kind], messages, tools: [weatherTool], stream: true }),
      );
      assert.equal(r2.finish, 'stop');
      assert.ok(r2.text.startsWith('The tool said: ') && r2.text.includes('rainy, 12 C'), r2.text);
    });

    test('upstream errors map to the OpenAI error shape and status', T, async () => {
      const model = await world.model(kind, `${t.upstream}@status=400`);
      const err = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'x' }] })
        .catch((e) => e);
      assert.equal(err.status, 400, String(err));
      assert.equal(typeof err.error?.message, 'string', JSON.stringify(err.error));
    });
  });
}

describe('openai SDK -> gemini embeddings', () => {
  test('embeddings through Gemini', T, async () => {
    const model = await world.model('gemini', 'text-embedding-004', { mode: 'embedding' });
    const r = await client.embeddings.create({ model, input: ['one', 'two'] });
    assert.equal(r.data.length, 2);
    assert.equal(r.data[0].embedding.length, 8);
    assert.notDeepEqual(r.data[0].embedding, r.data[1].embedding);
  });
});
