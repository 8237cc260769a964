// The official SDK clients, pointed at the gateway, and raw HTTP helpers.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GATEWAY_URL, ms } from './env.mjs';
import { recordingFetch, recordResponse } from './record.mjs';

/** The `openai` SDK with a virtual key. No SDK retries: the tests see each answer. */
export function openaiClient(apiKey, options = {}) {
  return new OpenAI({
    apiKey,
    baseURL: `${GATEWAY_URL}/v1`,
    maxRetries: 0,
    timeout: ms(30000),
    fetch: recordingFetch,
    ...options,
  });
}

/** The `@anthropic-ai/sdk` client with a virtual key (sent as x-api-key). */
export function anthropicClient(apiKey, options = {}) {
  return new Anthropic({
    apiKey,
    baseURL: GATEWAY_URL,
    maxRetries: 0,
    timeout: ms(30000),
    fetch: recordingFetch,
    ...options,
  });
}

/** A raw POST to the gateway; answers `{status, headers, text, json}`. */
export async function rawPost(path, body, headers = {}) {
  const res = await fetch(GATEWAY_URL + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await res.text();
  recordResponse(`POST ${path} -> ${res.status}`, text);
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Splits an SSE body into events `{event, data}` (data lines joined by "\n"). */
export function parseSse(text) {
  const events = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (data.length > 0) {
      events.push({ event, data: data.join('\n') });
    }
  }
  return events;
}

/** The weather tool every tool-call test declares (mock-llm calls the first tool). */
export const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
    },
  },
};

export const MOCK_TEXT = 'Hello from mock-llm, the deterministic fake provider.';

/** Drains an openai SDK chat stream into {chunks, text, toolCalls, finish, usage}. */
export async function collectChatStream(stream) {
  const chunks = [];
  let text = '';
  let finish = null;
  let usage = null;
  const toolCalls = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    if (chunk.usage) {
      usage = chunk.usage;
    }
    for (const choice of chunk.choices || []) {
      const d = choice.delta || {};
      if (typeof d.content === 'string') {
        text += d.content;
      }
      for (const tc of d.tool_calls || []) {
        const slot = (toolCalls[tc.index] ||= { id: '', name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) {
        finish = choice.finish_reason;
      }
    }
  }
  return { chunks, text, toolCalls, finish, usage };
}
