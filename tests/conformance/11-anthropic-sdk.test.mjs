// Issue 4: the @anthropic-ai/sdk client against POST /v1/messages, routed to an OpenAI-format
// target (translated both ways) and to an Anthropic target (passed through).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { World } from './lib/admin.mjs';
import { MOCK_TEXT, anthropicClient, parseSse, rawPost } from './lib/clients.mjs';
import { ms, uid } from './lib/env.mjs';
import { onlyRequestWith, requestsWith } from './lib/mock.mjs';

const T = { timeout: ms(60000) };
const weather = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

let world;
let client;
let key;
let toOpenAi;
let toAnthropic;

before(async () => {
  world = await World.create('messages');
  toOpenAi = await world.model('openai', 'mock-gpt-4o');
  toAnthropic = await world.model('anthropic', 'claude-upstream-mock');
  key = await world.key();
  client = anthropicClient(key.key);
});

/** The event names of a raw /v1/messages stream, with their parsed data. */
function eventsOf(text) {
  return parseSse(text).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

function assertEventGrammar(events) {
  const names = events.map((e) => e.event).filter((n) => n !== 'ping');
  assert.equal(names[0], 'message_start', names.join(','));
  assert.equal(names.at(-1), 'message_stop', names.join(','));
  assert.equal(names.at(-2), 'message_delta', names.join(','));
  for (const e of events) {
    assert.equal(e.data.type, e.event, 'the data type names the event');
  }
  // Blocks open and close in order, deltas only inside an open block.
  let open = null;
  for (const e of events) {
    if (e.event === 'content_block_start') {
      assert.equal(open, null, 'one block at a time');
      open = e.data.index;
    } else if (e.event === 'content_block_delta') {
      assert.equal(e.data.index, open);
    } else if (e.event === 'content_block_stop') {
      assert.equal(e.data.index, open);
      open = null;
    }
  }
  assert.equal(open, null, 'every block closed');
}

describe('anthropic SDK -> OpenAI-format target (translated)', () => {
  test('plain message', T, async () => {
    const marker = uid('p');
    const msg = await client.messages.create({
      model: toOpenAi,
      max_tokens: 256,
      system: 'You are terse.',
      messages: [{ role: 'user', content: `Say hello ${marker}` }],
      temperature: 0.5,
    });
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.ok([toOpenAi, 'mock-gpt-4o'].includes(msg.model), msg.model);
    assert.equal(msg.content.length, 1);
    assert.deepEqual({ type: msg.content[0].type, text: msg.content[0].text }, { type: 'text', text: MOCK_TEXT });
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, 6);
    assert.equal(msg.usage.output_tokens, 7);
    assert.match(msg.id, /.+/);

    const up = await onlyRequestWith(marker);
    assert.equal(up.target, '/v1/chat/completions');
    assert.equal(up.json.model, 'mock-gpt-4o');
    assert.deepEqual(up.json.messages[0], { role: 'system', content: 'You are terse.' });
    assert.equal(up.json.messages[1].role, 'user');
    assert.equal(up.json.temperature, 0.5);
    assert.equal(up.json.max_tokens ?? up.json.max_completion_tokens, 256);
  });

  test('streamed message (SDK MessageStream)', T, async () => {
    const stream = client.messages.stream({
      model: toOpenAi,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    let text = '';
    stream.on('text', (t) => {
      text += t;
    });
    const final = await stream.finalMessage();
    assert.equal(text, MOCK_TEXT);
    assert.equal(final.content[0].text, MOCK_TEXT);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 7);
  });

  test('streamed message: the event grammar is Anthropic', T, async () => {
    const res = await rawPost(
      '/v1/messages',
      { model: toOpenAi, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello' }] },
      { 'x-api-key': key.key, 'anthropic-version': '2023-06-01' },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const events = eventsOf(res.text);
    assertEventGrammar(events);
    const deltas = events.filter((e) => e.event === 'content_block_delta');
    assert.ok(deltas.length >= 2);
    assert.equal(deltas.map((d) => d.data.delta.text).join(''), MOCK_TEXT);
    const md = events.find((e) => e.event === 'message_delta');
    assert.equal(md.data.delta.stop_reason, 'end_turn');
    assert.equal(md.data.usage.output_tokens, 7);
  });

  test('tool_use, plain, and the tool_result round trip', T, async () => {
    const marker = uid('t');
    const messages = [{ role: 'user', content: `Weather in Paris? ${marker}` }];
    const first = await client.messages.create({ model: toOpenAi, max_tokens: 256, tools: [weather], messages });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.ok(use, JSON.stringify(first.content));
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, { location: 'Paris' });
    assert.match(use.id, /.+/);

    const up = await onlyRequestWith(marker);
    assert.deepEqual(up.json.tools, [
      {
        type: 'function',
        function: { name: 'get_weather', description: weather.description, parameters: weather.input_schema },
      },
    ]);

    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 C' }] },
    );
    const second = await client.messages.create({ model: toOpenAi, max_tokens: 256, tools: [weather], messages });
    assert.equal(second.stop_reason, 'end_turn');
    assert.equal(second.content[0].type, 'text');
    assert.equal(second.content[0].text, 'The tool said: sunny, 21 C');
    const recs = await requestsWith(marker);
    const body = JSON.parse(recs.at(-1).body);
    const toolMsg = body.messages.find((m) => m.role === 'tool');
    assert.equal(toolMsg?.tool_call_id, use.id, JSON.stringify(body.messages));
    const assistant = body.messages.find((m) => m.role === 'assistant');
    assert.equal(assistant.tool_calls[0].id, use.id);
  });

  test('tool_use, streamed (input_json_delta)', T, async () => {
    const stream = client.messages.stream({
      model: toOpenAi,
      max_tokens: 256,
      tools: [weather],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const events = [];
    for await (const ev of stream) {
      events.push(ev);
    }
    const final = await stream.finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    const use = final.content.find((b) => b.type === 'tool_use');
    assert.ok(use, JSON.stringify(final.content));
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, { location: 'Paris' });
    const jsonDeltas = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta');
    assert.ok(jsonDeltas.length >= 1, 'input_json_delta events');
  });

  test('errors come back in Anthropic shape with the SDK classes', T, async () => {
    const bad = anthropicClient('sk-not-a-key');
    const err = await bad.messages
      .create({ model: toOpenAi, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    assert.ok(err instanceof Anthropic.AuthenticationError, String(err));
    assert.equal(err.error?.type, 'error');
    assert.equal(typeof err.error?.error?.message, 'string');

    const nf = await client.messages
      .create({ model: uid('nope-'), max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    assert.ok(nf instanceof Anthropic.NotFoundError, String(nf));
    assert.equal(nf.error?.type, 'error');

    const res = await rawPost('/v1/messages', '{"model":', { 'x-api-key': key.key });
    assert.equal(res.status, 400);
    assert.equal(res.json?.type, 'error');
    assert.equal(res.json?.error?.type, 'invalid_request_error');
  });
});

describe('anthropic SDK -> Anthropic target (passthrough)', () => {
  test('plain: the upstream gets the body unchanged apart from the model', T, async () => {
    const marker = uid('pt');
    const params = {
      model: toAnthropic,
      max_tokens: 300,
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: `Say hello ${marker}` }] },
      ],
      temperature: 0.3,
      top_k: 5,
      metadata: { user_id: 'conformance' },
      stop_sequences: ['STOP'],
    };
    const msg = await client.messages.create(params);
    assert.equal(msg.content[0].text, MOCK_TEXT);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, 6);

    const up = await onlyRequestWith(marker);
    assert.equal(up.target, '/v1/messages');
    assert.deepEqual(up.json, { ...params, model: 'claude-upstream-mock' });
    assert.match(up.headers['x-api-key'], /^sk-conformance-anthropic-/);
    assert.ok(up.headers['anthropic-version']);
  });

  test('streamed passthrough keeps the Anthropic events', T, async () => {
    const marker = uid('pts');
    const params = {
      model: toAnthropic,
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: `Say hello ${marker}` }],
    };
    const res = await rawPost('/v1/messages', params, { 'x-api-key': key.key, 'anthropic-version': '2023-06-01' });
    assert.equal(res.status, 200);
    const events = eventsOf(res.text);
    assertEventGrammar(events);
    assert.ok(events.some((e) => e.event === 'ping'), 'the upstream ping is passed on');
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => e.data.delta.text)
      .join('');
    assert.equal(text, MOCK_TEXT);
    const up = await onlyRequestWith(marker);
    assert.deepEqual(up.json, { ...params, model: 'claude-upstream-mock' });

    // And through the SDK.
    const stream = client.messages.stream({ ...params, stream: undefined });
    const final = await stream.finalMessage();
    assert.equal(final.content[0].text, MOCK_TEXT);
  });

  test('tool_use passthrough round trip', T, async () => {
    const marker = uid('ptt');
    const messages = [{ role: 'user', content: `Weather in Paris? ${marker}` }];
    const first = await client.messages.create({ model: toAnthropic, max_tokens: 100, tools: [weather], messages });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(use.input, { location: 'Paris' });
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 C' }] },
    );
    const params = { model: toAnthropic, max_tokens: 100, tools: [weather], messages };
    const second = await client.messages.create(params);
    assert.equal(second.content[0].text, 'The tool said: sunny, 21 C');
    const recs = await requestsWith(marker);
    assert.equal(recs.length, 2);
    assert.deepEqual(JSON.parse(recs[1].body), { ...params, model: 'claude-upstream-mock' });
  });
});

describe('anthropic SDK -> Gemini, Bedrock and Azure targets (translated)', () => {
  const upstream = {
    gemini: 'gemini-2.0-flash',
    bedrock: 'anthropic.claude-3-haiku-20240307-v1:0',
    azure: 'gpt-4o-azure',
  };
  for (const [kind, id] of Object.entries(upstream)) {
    test(`${kind}: plain, streamed and tool_use`, T, async () => {
      const model = await world.model(kind, id);
      const plain = await client.messages.create({
        model,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Say hello' }],
      });
      assert.equal(plain.content[0].text, MOCK_TEXT);
      assert.equal(plain.stop_reason, 'end_turn');
      assert.equal(plain.usage.output_tokens, 7);

      const stream = client.messages.stream({
        model,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Say hello' }],
      });
      const final = await stream.finalMessage();
      assert.equal(final.content[0].text, MOCK_TEXT);
      assert.equal(final.stop_reason, 'end_turn');

      const messages = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await client.messages.create({ model, max_tokens: 64, tools: [weather], messages });
      assert.equal(first.stop_reason, 'tool_use');
      const use = first.content.find((b) => b.type === 'tool_use');
      assert.deepEqual(use?.input, { location: 'Paris' }, JSON.stringify(first.content));
      messages.push(
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 C' }] },
      );
      const second = await client.messages.create({ model, max_tokens: 64, tools: [weather], messages });
      const text = second.content.find((b) => b.type === 'text')?.text || '';
      assert.ok(text.startsWith('The tool said: ') && text.includes('sunny, 21 C'), text);
    });
  }
});
