import { describe, expect, it } from 'vitest';
import {
  configToForm, configToText, emptyConfig, emptyTarget, errorMap, fieldError, formToConfig, normalisePath,
  parseConfigText, summarise, targetPath, childPath, validateForm,
} from '@/views/routing/modules/config-model';

const portkeyExamples: Record<string, unknown> = {
  fallback: {
    strategy: { mode: 'fallback', on_status_codes: [429, 500] },
    targets: [
      { provider_id: 1, override_params: { model: 'gpt-4o-mini' }, retry: { attempts: 3, on_status_codes: [429] } },
      { provider: 'anthropic', api_key: 'sk-ant-xxx', override_params: { model: 'claude-3-5-haiku', temperature: 0.2 } },
    ],
    request_timeout: 10000,
  },
  loadbalance: {
    strategy: { mode: 'loadbalance' },
    targets: [
      { provider_id: 1, weight: 0.7 },
      { provider_id: 2, weight: 0.3, custom_host: 'http://localhost:9000/v1' },
    ],
  },
  conditional: {
    strategy: {
      mode: 'conditional',
      conditions: [
        { query: { 'metadata.user_plan': { $eq: 'paid' } }, then: 'premium' },
        { query: { $or: [{ 'params.model': { $eq: 'fast' } }] }, then: 'cheap' },
      ],
      default: 'cheap',
    },
    targets: [
      { name: 'premium', provider_id: 1, override_params: { model: 'gpt-4o' } },
      {
        name: 'cheap',
        strategy: { mode: 'loadbalance' },
        targets: [{ provider_id: 2, weight: 1 }, { provider_id: 3, weight: 2 }],
      },
    ],
    retry: { attempts: 2, use_retry_after_header: true },
    cache: { mode: 'simple' },
  },
  nestedWithoutStrategyKeyOnLeaf: {
    strategy: { mode: 'single' },
    targets: [{ provider: 'openai', api_key: 'sk-x' }],
  },
};

describe('routing config model', () => {
  for (const [name, cfg] of Object.entries(portkeyExamples)) {
    it(`round-trips the ${name} example unchanged`, () => {
      expect(formToConfig(configToForm(cfg))).toEqual(cfg);
      const text = configToText(configToForm(cfg));
      const parsed = parseConfigText(text);
      expect(parsed.ok && formToConfig(parsed.form)).toEqual(cfg);
    });
  }

  it('maps the JSON into visual fields', () => {
    const f = configToForm(portkeyExamples.conditional);
    expect(f.strategy.mode).toBe('conditional');
    expect(f.strategy.defaultTarget).toBe('cheap');
    expect(f.strategy.conditions[0].then).toBe('premium');
    expect(JSON.parse(f.strategy.conditions[0].queryText)).toEqual({ 'metadata.user_plan': { $eq: 'paid' } });
    expect(f.targets[0]).toMatchObject({ kind: 'provider', name: 'premium', providerId: 1, model: 'gpt-4o' });
    expect(f.targets[1].kind).toBe('nested');
    expect(f.targets[1].strategy.mode).toBe('loadbalance');
    expect(f.targets[1].targets.map((t) => t.weight)).toEqual([1, 2]);
    expect(f.retryAttempts).toBe(2);
    expect(f.extra).toEqual({ cache: { mode: 'simple' } });
  });

  it('builds a config from visual edits', () => {
    const f = emptyConfig('fallback');
    const t = emptyTarget();
    t.providerId = 7;
    t.model = 'gpt-4o-mini';
    t.retryAttempts = 2;
    t.retryCodes = [429, 503];
    f.targets.push(t);
    f.strategy.onStatusCodes = [500];
    expect(formToConfig(f)).toEqual({
      strategy: { mode: 'fallback', on_status_codes: [500] },
      targets: [{ provider_id: 7, override_params: { model: 'gpt-4o-mini' }, retry: { attempts: 2, on_status_codes: [429, 503] } }],
    });
  });

  it('switching a target to nested emits its strategy and targets', () => {
    const f = emptyConfig('fallback');
    const t = emptyTarget('nested');
    t.strategy.mode = 'loadbalance';
    const leaf = emptyTarget();
    leaf.providerId = 1;
    leaf.weight = 3;
    t.targets.push(leaf);
    f.targets.push(t);
    expect(formToConfig(f).targets).toEqual([
      { strategy: { mode: 'loadbalance' }, targets: [{ provider_id: 1, weight: 3 }] },
    ]);
  });

  it('keeps an unknown mode verbatim for the server to reject', () => {
    expect(formToConfig(configToForm({ strategy: { mode: 'random' }, targets: [] }))).toEqual({
      strategy: { mode: 'random' }, targets: [],
    });
  });

  it('rejects text that is not a JSON object', () => {
    expect(parseConfigText('{').ok).toBe(false);
    expect(parseConfigText('[1]').ok).toBe(false);
    expect(parseConfigText('{"strategy":{"mode":"single"},"targets":[]}').ok).toBe(true);
  });

  it('normalises server paths to the editor paths', () => {
    expect(normalisePath('targets[3].weight')).toBe('targets[3].weight');
    expect(normalisePath('config.targets[0].override_params.model')).toBe('targets[0].override_params.model');
    expect(normalisePath('/targets/1/targets/0/weight')).toBe('targets[1].targets[0].weight');
    expect(normalisePath('$.strategy.conditions.0.then')).toBe('strategy.conditions[0].then');
    expect(normalisePath('config')).toBe('');
  });

  it('builds field paths the way the server names them', () => {
    const p = targetPath(targetPath('', 1), 0);
    expect(p).toBe('targets[1].targets[0]');
    expect(childPath(p, 'weight')).toBe('targets[1].targets[0].weight');
  });

  it('finds the errors of a field', () => {
    const m = errorMap([
      { path: 'targets[0].weight', message: 'must be a positive number' },
      { path: 'config.targets[0].provider', message: 'unknown provider' },
      { path: 'targets[0].weight', message: 'too big' },
    ]);
    expect(fieldError(m, 'targets[0].weight')).toBe('must be a positive number; too big');
    expect(fieldError(m, 'targets[0].provider_id', 'targets[0].provider')).toBe('unknown provider');
    expect(fieldError(m, 'targets[1].weight')).toBeUndefined();
  });

  it('validates locally with the same paths', () => {
    const f = configToForm({
      strategy: { mode: 'conditional', conditions: [{ query: 'oops', then: 'nobody' }], default: 'x' },
      targets: [{ name: 'a', weight: 0 }, { strategy: { mode: 'fallback' }, targets: [] }],
    });
    f.strategy.conditions[0].queryText = 'not json';
    const paths = validateForm(f).map((e) => e.path).sort();
    expect(paths).toEqual([
      'strategy.conditions[0].query', 'strategy.conditions[0].then', 'strategy.default',
      'targets[0].provider_id', 'targets[0].weight', 'targets[1].targets',
    ].sort());
    expect(validateForm(configToForm(portkeyExamples.fallback))).toEqual([]);
  });

  it('summarises a config', () => {
    expect(summarise(portkeyExamples.loadbalance)).toEqual({ mode: 'loadbalance', targets: 2 });
    expect(summarise(null)).toEqual({ mode: 'single', targets: 0 });
  });
});
