import { describe, expect, it } from 'vitest';
import type { Agent } from '@/api/types';
import {
  REGION_RE, RULES_MAX, cleanList, createDefaultModel, ruleListProblem, toInput,
} from '@/views/agents/modules/agent-form';
import { formatLatency } from '@/views/agents/modules/agent-columns';
import { isHttpUrl } from '@/utils/validators';
import { formatRelative } from '@/utils/format';

const agent: Agent = {
  id: 1, name: 'eu-west', region: 'eu-west-1', description: 'Frankfurt', kind: 'portkey', endpoint: 'http://10.0.0.5:8787',
  enabled: false, rules: { models: ['gpt-4o*'], regions: ['eu'] }, priority: 3, key_prefix: 'agk-x', status: 'disabled',
  last_seen_at: null, latency_ms: null, agent_version: null, config_version: null, remote_addr: null, stats: null,
};

describe('agent form model', () => {
  it('starts empty for a new agent: a gateway, enabled, matching everything', () => {
    expect(createDefaultModel()).toEqual({
      name: '', region: '', description: '', kind: 'gateway', endpoint: '', enabled: true,
      models: [], providers: [], regions: [], priority: 0,
    });
  });

  it('round-trips an agent, missing rule lists becoming empty ones', () => {
    const m = createDefaultModel(agent);
    expect(m).toMatchObject({ kind: 'portkey', endpoint: 'http://10.0.0.5:8787', enabled: false, models: ['gpt-4o*'], providers: [], regions: ['eu'], priority: 3 });
    expect(toInput(m)).toEqual({
      name: 'eu-west', region: 'eu-west-1', description: 'Frankfurt', kind: 'portkey', endpoint: 'http://10.0.0.5:8787',
      enabled: false, rules: { models: ['gpt-4o*'], providers: [], regions: ['eu'] }, priority: 3,
    });
    m.models.push('x'); // the form edits a copy
    expect(agent.rules.models).toEqual(['gpt-4o*']);
  });

  it('trims, sends no endpoint as null, drops a trailing slash and cleans the lists', () => {
    const m = { ...createDefaultModel(), name: '  a  ', region: ' r1 ', endpoint: ' https://h:3000/ ', priority: null,
      models: [' gpt-4o* ', 'gpt-4o*', ''], providers: ['openai'], regions: [] };
    expect(toInput(m)).toMatchObject({ name: 'a', region: 'r1', endpoint: 'https://h:3000', priority: 0, rules: { models: ['gpt-4o*'], providers: ['openai'], regions: [] } });
    expect(toInput({ ...m, endpoint: '   ' }).endpoint).toBeNull();
    expect(cleanList(['b', ' a', 'b '])).toEqual(['b', 'a']);
  });

  it('checks the region charset and length like the server', () => {
    for (const ok of ['eu-west-1', 'us_east.2', 'A', 'x'.repeat(64)]) expect(REGION_RE.test(ok), ok).toBe(true);
    for (const bad of ['', 'eu west', 'eu/west', 'régión', 'x'.repeat(65)]) expect(REGION_RE.test(bad), bad).toBe(false);
  });

  it('finds empty entries and over-long rule lists', () => {
    expect(ruleListProblem(['a', 'b'])).toBeNull();
    expect(ruleListProblem(['a', ' '])).toEqual({ key: 'agent.ruleEmpty', index: 1 });
    expect(ruleListProblem(Array.from({ length: RULES_MAX + 1 }, (_, i) => `m${i}`))).toEqual({ key: 'agent.ruleTooMany', index: RULES_MAX });
  });

  it('accepts only http(s) endpoint URLs', () => {
    for (const ok of ['http://127.0.0.1:3000', 'https://eu.example.com', ' https://h/x ']) expect(isHttpUrl(ok), ok).toBe(true);
    for (const bad of ['', 'eu.example.com', 'ftp://h', 'http://', 'javascript:alert(1)']) expect(isHttpUrl(bad), bad).toBe(false);
  });
});

describe('agent cells', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');

  it('show last seen relative to now in the chosen language', () => {
    expect(formatRelative('2026-11-28T09:59:55Z', now, 'en-US')).toBe('5 seconds ago');
    expect(formatRelative('2026-11-28T09:57:00Z', now, 'en-US')).toBe('3 minutes ago');
    expect(formatRelative('2026-11-28T07:00:00Z', now, 'en-US')).toBe('3 hours ago');
    expect(formatRelative('2026-11-25T10:00:00Z', now, 'en-US')).toBe('3 days ago');
    expect(formatRelative('2026-11-28T09:57:00Z', now, 'zh-CN')).toBe('3分钟前');
    expect(formatRelative('2026-11-28T10:00:03Z', now, 'en-US')).toBe('now'); // slightly ahead: clock skew
    expect(formatRelative(null, now, 'en-US')).toBe('-');
    expect(formatRelative('garbage', now, 'en-US')).toBe('garbage');
  });

  it('show latency with one decimal under 10 ms', () => {
    expect(formatLatency(null)).toBe('-');
    expect(formatLatency(2.345)).toBe('2.3 ms');
    expect(formatLatency(12.5)).toBe('13 ms');
  });
});
