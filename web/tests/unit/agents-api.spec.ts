import { beforeEach, describe, expect, it } from 'vitest';
import { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { http, tokenStorage } from '@/api/http';
import {
  checkAgent, createAgent, deleteAgent, getAgent, getAgentInstallScript, listAgents, regenerateAgentKey, updateAgent,
} from '@/api/agents';
import type { Agent } from '@/api/types';

interface Seen {
  method: string;
  url: string;
  params: unknown;
  body: unknown;
  responseType: string | undefined;
}

const agent: Agent = {
  id: 7, name: 'eu-west', region: 'eu-west-1', description: '', kind: 'gateway', endpoint: 'https://eu.example.com:3000',
  enabled: true, rules: { models: ['gpt-4o*'], providers: [], regions: ['eu'] }, priority: 0, key_prefix: 'agk-AbC1...wxyz',
  status: 'online', last_seen_at: '2026-11-28T10:00:00Z', latency_ms: 12.5, agent_version: '0.1.0', config_version: 7,
  remote_addr: '10.0.0.5', stats: { requests: 10, errors: 1, inflight: 0, uptime_s: 60 },
};

let seen: Seen[] = [];

/** Answers every call with `status` and `data`, recording what was sent. */
function answer(status: number, data: unknown): void {
  http.defaults.adapter = async (config: InternalAxiosRequestConfig) => {
    seen.push({
      method: (config.method ?? 'get').toUpperCase(),
      url: config.url ?? '',
      params: config.params,
      body: typeof config.data === 'string' ? JSON.parse(config.data) : config.data,
      responseType: config.responseType,
    });
    const response = { status, statusText: '', data, headers: {}, config };
    if (status >= 400) throw new AxiosError('fail', AxiosError.ERR_BAD_REQUEST, config, null, response);
    return response;
  };
}

describe('api/agents', () => {
  beforeEach(() => {
    seen = [];
    localStorage.clear();
    tokenStorage.set('jwt');
  });

  it('lists with the filters as query parameters', async () => {
    answer(200, { data: [agent], total: 1 });
    const r = await listAgents({ page: 2, page_size: 20, q: 'eu', region: 'eu-west-1', enabled: false });
    expect(seen).toEqual([{ method: 'GET', url: '/api/admin/agents', params: { page: 2, page_size: 20, q: 'eu', region: 'eu-west-1', enabled: false }, body: undefined, responseType: undefined }]);
    expect(r.data).toEqual({ data: [agent], total: 1 });
  });

  it('reads, updates and deletes one agent by id', async () => {
    answer(200, agent);
    expect((await getAgent(7)).data).toEqual(agent);
    await updateAgent(7, { enabled: false });
    answer(204, '');
    expect((await deleteAgent(7)).error).toBeNull();
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['GET', '/api/admin/agents/7', undefined],
      ['PUT', '/api/admin/agents/7', { enabled: false }],
      ['DELETE', '/api/admin/agents/7', undefined],
    ]);
  });

  it('creates and returns the key and install script shown once', async () => {
    const created = { agent, key: 'agk-secret', install_script: '#!/bin/sh\necho hi\n' };
    answer(201, created);
    const body = { name: 'eu-west', region: 'eu-west-1', kind: 'gateway' as const, endpoint: null, rules: { models: ['gpt-4o*'] }, priority: 0 };
    const r = await createAgent(body);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/admin/agents', body });
    expect(r.data).toEqual(created);
  });

  it('regenerates the key and runs a check with POST', async () => {
    answer(200, { agent, key: 'agk-new', install_script: '#!/bin/sh\n' });
    expect((await regenerateAgentKey(7)).data?.key).toBe('agk-new');
    answer(200, { ok: false, latency_ms: null, status: null, error: 'connection refused' });
    const check = await checkAgent(7);
    expect(check.data).toEqual({ ok: false, latency_ms: null, status: null, error: 'connection refused' });
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ['POST', '/api/admin/agents/7/regenerate-key'],
      ['POST', '/api/admin/agents/7/check'],
    ]);
  });

  it('fetches the key-less install script as text', async () => {
    const script = '#!/bin/sh\n: "${AGENT_KEY:?set AGENT_KEY}"\n';
    answer(200, script);
    const r = await getAgentInstallScript(7);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/admin/agents/7/install-script', responseType: 'text' });
    expect(r.data).toBe(script);
  });

  it("passes on the server's message and field paths when it refuses", async () => {
    answer(400, { error: { code: 'invalid_request', message: 'rules.models[2]: must be a non-empty string', details: [{ path: 'rules.models[2]', message: 'must be a non-empty string' }] } });
    const r = await createAgent({ name: 'x', region: 'r' });
    expect(r.error).toEqual({
      status: 400, code: 'invalid_request', message: 'rules.models[2]: must be a non-empty string',
      details: [{ path: 'rules.models[2]', message: 'must be a non-empty string' }],
    });
    answer(409, { error: { code: 'conflict', message: 'agent "x" exists' } });
    expect((await createAgent({ name: 'x', region: 'r' })).error?.message).toBe('agent "x" exists');
  });
});
