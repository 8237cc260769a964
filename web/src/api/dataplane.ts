/**
 * The OpenAI-compatible data plane, called with a *virtual key* (not the admin JWT), so it
 * uses fetch directly: a 401 here is a bad key, not an expired admin session, and chat
 * answers are streamed.
 */
import { SseParser } from '@/utils/sse';
import type { ApiError } from './http';
import type { ChatMessage, OpenAiModel, Usage } from './types';

export class DataPlaneError extends Error {
  constructor(public readonly info: ApiError) {
    super(info.message);
  }
}

interface OpenAiErrorBody {
  error?: { message?: string; code?: string | number; type?: string };
}

interface ChatChunk {
  model?: string;
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }[];
  usage?: Usage | null;
  error?: { message?: string };
}

async function toError(res: Response): Promise<DataPlaneError> {
  let message = `HTTP ${res.status}`;
  let code = String(res.status);
  try {
    const body = (await res.json()) as OpenAiErrorBody;
    if (body.error?.message) message = body.error.message;
    if (body.error?.code !== undefined) code = String(body.error.code);
  } catch {
    // not JSON: keep the status line
  }
  return new DataPlaneError({ status: res.status, code, message, details: [] });
}

export async function listDataPlaneModels(key: string, signal?: AbortSignal): Promise<OpenAiModel[]> {
  const res = await fetch('/v1/models', { headers: { Authorization: `Bearer ${key}` }, signal });
  if (!res.ok) throw await toError(res);
  const body = (await res.json()) as { data?: OpenAiModel[] };
  return body.data ?? [];
}

export interface StreamChatOptions {
  key: string;
  model: string;
  messages: ChatMessage[];
  signal?: AbortSignal;
  /** Called with each text delta as it arrives. */
  onDelta: (text: string) => void;
  /** Injected for tests. */
  now?: () => number;
}

export interface StreamChatResult {
  content: string;
  usage: Usage | null;
  model: string | null;
  ttftMs: number | null;
  totalMs: number;
  provider: string | null;
}

/** Applies one parsed chunk; returns the text it adds. Exported for unit tests. */
export function applyChunk(data: string, acc: { usage: Usage | null; model: string | null }): string {
  const chunk = JSON.parse(data) as ChatChunk;
  if (chunk.error) throw new DataPlaneError({ status: 0, code: 'stream', message: chunk.error.message ?? 'error', details: [] });
  if (chunk.model) acc.model = chunk.model;
  if (chunk.usage) acc.usage = chunk.usage;
  return (chunk.choices ?? []).map((c) => c.delta?.content ?? '').join('');
}

export async function streamChat(opts: StreamChatOptions): Promise<StreamChatResult> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const res = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${opts.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: opts.model,
      messages: opts.messages,
      stream: true,
      stream_options: { include_usage: true },
    }),
    signal: opts.signal,
  });
  if (!res.ok || !res.body) throw await toError(res);
  const acc: { usage: Usage | null; model: string | null } = { usage: null, model: null };
  let content = '';
  let ttftMs: number | null = null;
  const parser = new SseParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let done = false;
  const handle = (events: { data: string }[]) => {
    for (const ev of events) {
      if (ev.data === '[DONE]') {
        done = true;
        return;
      }
      const text = applyChunk(ev.data, acc);
      if (text) {
        if (ttftMs === null) ttftMs = now() - started;
        content += text;
        opts.onDelta(text);
      }
    }
  };
  while (!done) {
    const { value, done: eof } = await reader.read();
    if (eof) {
      handle(parser.flush());
      break;
    }
    handle(parser.push(value));
  }
  if (done) await reader.cancel().catch(() => undefined);
  return {
    content,
    usage: acc.usage,
    model: acc.model,
    ttftMs,
    totalMs: now() - started,
    provider: res.headers.get('x-gateway-provider'),
  };
}
