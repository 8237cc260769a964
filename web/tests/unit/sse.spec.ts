import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSse, SseParser } from '@/utils/sse';
import { applyChunk, streamChat } from '@/api/dataplane';

const chunk = (content: string) => JSON.stringify({ model: 'gpt-4o-mini', choices: [{ delta: { content } }] });

describe('SseParser', () => {
  it('parses data lines separated by blank lines', () => {
    expect(parseSse('data: a\n\ndata: b\n\n')).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('handles any split of the input, including inside CRLF', () => {
    const text = `data: ${chunk('Hel')}\r\n\r\n: keep-alive\r\n\r\nevent: x\r\ndata: ${chunk('lo')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const whole = parseSse(text);
    for (let size = 1; size < 12; size++) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      got.push(...p.flush());
      expect(got).toEqual(whole);
    }
    expect(whole.map((e) => e.data)).toEqual([chunk('Hel'), chunk('lo'), '[DONE]']);
    expect(whole[1].event).toBe('x');
  });

  it('joins multi-line data and ignores comments and unknown fields', () => {
    expect(parseSse(': hi\nretry: 10\ndata: one\ndata:two\n\n')).toEqual([{ data: 'one\ntwo' }]);
  });

  it('dispatches a last event without its blank line on flush', () => {
    const p = new SseParser();
    expect(p.push('data: tail')).toEqual([]);
    expect(p.flush()).toEqual([{ data: 'tail' }]);
  });

  it('handles bare CR line endings', () => {
    expect(parseSse('data: a\r\rdata: b\r\r')).toEqual([{ data: 'a' }, { data: 'b' }]);
  });
});

describe('applyChunk', () => {
  it('collects text, model and usage', () => {
    const acc = { usage: null, model: null };
    expect(applyChunk(chunk('Hi'), acc)).toBe('Hi');
    expect(applyChunk(JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 5 } }), acc)).toBe('');
    expect(acc).toEqual({ model: 'gpt-4o-mini', usage: { prompt_tokens: 3, completion_tokens: 5 } });
  });

  it('throws on an in-stream error', () => {
    expect(() => applyChunk(JSON.stringify({ error: { message: 'upstream died' } }), { usage: null, model: null }))
      .toThrow('upstream died');
  });
});

describe('streamChat', () => {
  afterEach(() => vi.unstubAllGlobals());

  function streamOf(parts: string[]): ReadableStream<Uint8Array> {
    const enc = new TextEncoder();
    return new ReadableStream({
      start(c) {
        parts.forEach((p) => c.enqueue(enc.encode(p)));
        c.close();
      },
    });
  }

  it('streams deltas from a fetch body and stops at [DONE]', async () => {
    const body = `data: ${chunk('Hello from ')}\n\ndata: ${chunk('mock-llm')}\n\ndata: {"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":3}}\n\ndata: [DONE]\n\n`;
    const fetchMock = vi.fn(async () => new Response(streamOf([body.slice(0, 20), body.slice(20, 77), body.slice(77)]), {
      status: 200, headers: { 'x-gateway-provider': 'mock' },
    }));
    vi.stubGlobal('fetch', fetchMock);
    const deltas: string[] = [];
    let clock = 0;
    const r = await streamChat({
      key: 'sk-test', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }],
      onDelta: (d) => deltas.push(d), now: () => (clock += 10),
    });
    expect(deltas.join('')).toBe('Hello from mock-llm');
    expect(r.content).toBe('Hello from mock-llm');
    expect(r.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3 });
    expect(r.provider).toBe('mock');
    expect(r.ttftMs).toBe(10);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/v1/chat/completions');
    expect(JSON.parse(String(init.body))).toMatchObject({ model: 'gpt-4o-mini', stream: true });
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer sk-test');
  });

  it("throws the gateway's OpenAI-shaped error message", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(
      JSON.stringify({ error: { message: 'model not allowed', type: 'permission_error', code: 'model_not_allowed' } }),
      { status: 403 },
    )));
    await expect(streamChat({ key: 'k', model: 'm', messages: [], onDelta: () => undefined }))
      .rejects.toThrow('model not allowed');
  });
});
