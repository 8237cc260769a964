// Issue 3: the openai SDK against an OpenAI-format upstream: chat (plain and streamed, with and
// without usage), tool calls, embeddings, legacy completions, answer headers.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  MOCK_TEXT,
  collectChatStream,
  openaiClient,
  parseSse,
  rawPost,
  weatherTool,
} from './lib/clients.mjs';
import { World } from './lib/admin.mjs';
import { ms, uid } from './lib/env.mjs';
import { onlyRequestWith } from './lib/mock.mjs';

const T = { timeout: ms(60000) };
let world;
let client;
let chatModel;
let embedModel;
let provider;

before(async () => {
  world = await World.create('chat');
  provider = await world.provider('openai');
  chatModel = await world.model('openai', 'mock-gpt-4o');
  embedModel = await world.model('openai', 'mock-embed', { mode: 'embedding' });
  const key = await world.key();
  client = openaiClient(key.key);
});

describe('openai SDK -> OpenAI upstream', () => {
  test('non-streaming chat answers the upstream text, usage and gateway headers', T, async () => {
    const marker = uid('n');
    const { data, response } = await client.chat.completions
      .create({ model: chatModel, messages: [{ role: 'user', content: `hi ${marker}` }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices.length, 1);
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.equal(data.choices[0].message.content, MOCK_TEXT);
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.equal(data.usage.prompt_tokens, 2);
    assert.equal(data.usage.completion_tokens, MOCK_TEXT.split(' ').length);
    assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);

    assert.match(response.headers.get('x-request-id') || '', /.+/);
    assert.equal(response.headers.get('x-gateway-provider'), provider.name);
    assert.equal(response.headers.get('x-gateway-model'), 'mock-gpt-4o');

    // The upstream got the upstream model id and the provider key.
    const up = await onlyRequestWith(marker);
    assert.equal(up.target, '/v1/chat/completions');
    assert.equal(up.json.model, 'mock-gpt-4o');
    assert.match(up.headers.authorization, /^Bearer sk-conformance-openai-/);
  });

  test('each answer gets its own x-request-id', T, async () => {
    const ids = new Set();
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions
        .create({ model: chatModel, messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      ids.add(response.headers.get('x-request-id'));
    }
    assert.equal(ids.size, 3);
  });

  test('streaming with include_usage ends with a usage-only chunk', T, async () => {
    const marker = uid('s');
    const { data: stream, response } = await client.chat.completions
      .create({
        model: chatModel,
        messages: [{ role: 'user', content: `stream ${marker}` }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(response.headers.get('x-gateway-provider'), provider.name);
    assert.match(response.headers.get('x-request-id') || '', /.+/);
    const r = await collectChatStream(stream);
    assert.equal(r.text, MOCK_TEXT);
    assert.equal(r.finish, 'stop');
    const last = r.chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage, 'the last chunk carries usage');
    assert.equal(last.usage.prompt_tokens, 2);
    assert.equal(last.usage.completion_tokens, MOCK_TEXT.split(' ').length);
    for (const c of r.chunks.slice(0, -1)) {
      assert.ok(!c.usage, 'only the last chunk carries usage');
      assert.equal(c.object, 'chat.completion.chunk');
    }
  });

  test('streaming without include_usage sends no usage chunk, yet asks the upstream for it', T, async () => {
    const marker = uid('u');
    const stream = await client.chat.completions.create({
      model: chatModel,
      messages: [{ role: 'user', content: `stream ${marker}` }],
      stream: true,
    });
    const r = await collectChatStream(stream);
    assert.equal(r.text, MOCK_TEXT);
    assert.equal(r.finish, 'stop');
    for (const c of r.chunks) {
      assert.ok(!c.usage, `no chunk carries usage: ${JSON.stringify(c)}`);
      assert.ok(c.choices.length > 0, 'no usage-only chunk');
    }
    const up = await onlyRequestWith(marker);
    assert.equal(up.json.stream, true);
    assert.equal(up.json.stream_options?.include_usage, true);
  });

  test('a raw stream ends with data: [DONE]', T, async () => {
    const key = await world.key();
    const res = await rawPost(
      '/v1/chat/completions',
      { model: chatModel, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { authorization: `Bearer ${key.key}` },
    );
    assert.equal(res.status, 200);
    const events = parseSse(res.text);
    assert.equal(events.at(-1).data, '[DONE]');
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.data).choices[0]?.delta?.content || '')
      .join('');
    assert.equal(text, MOCK_TEXT);
  });

  test('tool calls pass through (plain)', T, async () => {
    const marker = uid('t');
    const data = await client.chat.completions.create({
      model: chatModel,
      messages: [{ role: 'user', content: `weather in Paris? ${marker}` }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const choice = data.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris' });
    assert.match(call.id, /.+/);
    const up = await onlyRequestWith(marker);
    assert.deepEqual(up.json.tools, [weatherTool]);
    assert.equal(up.json.tool_choice, 'auto');

    // The tool's result goes back; the model answers from it.
    const second = await client.chat.completions.create({
      model: chatModel,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' },
      ],
      tools: [weatherTool],
    });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.equal(second.choices[0].message.content, 'The tool said: sunny, 21 C');
  });

  test('tool calls pass through (streamed, arguments in pieces)', T, async () => {
    const stream = await client.chat.completions.create({
      model: chatModel,
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
    });
    const r = await collectChatStream(stream);
    assert.equal(r.finish, 'tool_calls');
    assert.equal(r.toolCalls.length, 1);
    assert.equal(r.toolCalls[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { location: 'Paris' });
    const argPieces = r.chunks.filter((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments);
    assert.ok(argPieces.length >= 2, 'arguments arrive in at least two pieces');
  });

  test('embeddings (the SDK asks for base64 and decodes it)', T, async () => {
    const { data, response } = await client.embeddings
      .create({ model: embedModel, input: ['alpha', 'beta', 'alpha'] })
      .withResponse();
    assert.equal(response.headers.get('x-gateway-model'), 'mock-embed');
    assert.equal(data.object, 'list');
    assert.equal(data.data.length, 3);
    for (const [i, e] of data.data.entries()) {
      assert.equal(e.index, i);
      assert.equal(e.embedding.length, 8);
      const norm = Math.sqrt(e.embedding.reduce((s, x) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-4, `unit vector, norm ${norm}`);
    }
    assert.deepEqual(data.data[0].embedding, data.data[2].embedding);
    assert.notDeepEqual(data.data[0].embedding, data.data[1].embedding);
    assert.ok(data.usage.prompt_tokens > 0);

    const floats = await client.embeddings.create({
      model: embedModel,
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 4,
    });
    assert.equal(floats.data[0].embedding.length, 4);
  });

  test('legacy completions, plain and streamed', T, async () => {
    const plain = await client.completions.create({ model: chatModel, prompt: 'Say hi' });
    assert.equal(plain.object, 'text_completion');
    assert.equal(plain.choices[0].text, MOCK_TEXT);
    const stream = await client.completions.create({ model: chatModel, prompt: 'Say hi', stream: true });
    let text = '';
    for await (const c of stream) {
      text += c.choices[0]?.text || '';
    }
    assert.equal(text, MOCK_TEXT);
  });

  test('request parameters reach the upstream unchanged', T, async () => {
    const marker = uid('p');
    await client.chat.completions.create({
      model: chatModel,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: `hi ${marker}` },
      ],
      temperature: 0.25,
      max_tokens: 33,
      top_p: 0.5,
      stop: ['END'],
      seed: 7,
      user: 'conformance',
      response_format: { type: 'json_object' },
    });
    const up = await onlyRequestWith(marker);
    assert.equal(up.json.temperature, 0.25);
    assert.equal(up.json.max_tokens, 33);
    assert.equal(up.json.top_p, 0.5);
    assert.deepEqual(up.json.stop, ['END']);
    assert.equal(up.json.seed, 7);
    assert.deepEqual(up.json.response_format, { type: 'json_object' });
    assert.equal(up.json.messages.length, 2);
    assert.deepEqual(up.json.messages[0], { role: 'system', content: 'be brief' });
  });
});
