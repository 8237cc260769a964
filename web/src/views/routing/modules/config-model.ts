/**
 * Pure mapping between a Portkey-format routing config (JSON) and the visual editor's form.
 * The form keeps unknown keys in `extra` maps so a round trip never loses data:
 * `formToConfig(configToForm(x))` equals `x` for any config made of objects.
 */
import type { ErrorDetail, JsonObject } from '@/api/types';

export type StrategyMode = 'single' | 'loadbalance' | 'fallback' | 'conditional';
export const STRATEGY_MODES: StrategyMode[] = ['single', 'loadbalance', 'fallback', 'conditional'];

export interface ConditionForm {
  uid: string;
  /** The `query` object as JSON text (edited in a textarea). */
  queryText: string;
  then: string;
  extra: JsonObject;
}

export interface StrategyForm {
  mode: StrategyMode;
  onStatusCodes: number[];
  conditions: ConditionForm[];
  defaultTarget: string;
  extra: JsonObject;
}

/** A config node: the root config or a nested target. */
export interface ConfigForm {
  uid: string;
  strategy: StrategyForm;
  targets: TargetForm[];
  retryAttempts: number | null;
  retryCodes: number[];
  retryExtra: JsonObject;
  requestTimeout: number | null;
  /** Whether `strategy` was present (nested targets without one stay without one). */
  hasStrategy: boolean;
  extra: JsonObject;
}

export type TargetKind = 'provider' | 'nested';

export interface TargetForm extends ConfigForm {
  kind: TargetKind;
  name: string;
  providerId: number | null;
  /** Portkey's `provider` string: a stored provider's name or a provider type (inline form). */
  providerName: string;
  weight: number | null;
  model: string;
  overrideExtra: JsonObject;
}

let uidCounter = 0;
export function newUid(): string {
  uidCounter += 1;
  return `n${uidCounter}`;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function omit(obj: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function codes(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((c): c is number => typeof c === 'number') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function emptyStrategy(mode: StrategyMode = 'single'): StrategyForm {
  return { mode, onStatusCodes: [], conditions: [], defaultTarget: '', extra: {} };
}

export function emptyConfig(mode: StrategyMode = 'fallback'): ConfigForm {
  return {
    uid: newUid(),
    strategy: emptyStrategy(mode),
    targets: [],
    retryAttempts: null,
    retryCodes: [],
    retryExtra: {},
    requestTimeout: null,
    hasStrategy: true,
    extra: {},
  };
}

export function emptyTarget(kind: TargetKind = 'provider'): TargetForm {
  return {
    ...emptyConfig('single'),
    hasStrategy: kind === 'nested',
    kind,
    name: '',
    providerId: null,
    providerName: '',
    weight: null,
    model: '',
    overrideExtra: {},
  };
}

export function emptyCondition(): ConditionForm {
  return { uid: newUid(), queryText: '{}', then: '', extra: {} };
}

const NODE_KEYS = ['strategy', 'targets', 'retry', 'request_timeout'];
const TARGET_KEYS = [...NODE_KEYS, 'name', 'provider_id', 'provider', 'weight', 'override_params'];

function strategyToForm(v: unknown): StrategyForm {
  const s = isObject(v) ? v : {};
  const mode = STRATEGY_MODES.includes(s.mode as StrategyMode) ? (s.mode as StrategyMode) : 'single';
  const extra = omit(s, ['mode', 'on_status_codes', 'conditions', 'default']);
  // An unknown mode is kept verbatim so the server can name it in its error.
  if (typeof s.mode === 'string' && !STRATEGY_MODES.includes(s.mode as StrategyMode)) extra.mode = s.mode;
  return {
    mode,
    onStatusCodes: codes(s.on_status_codes),
    conditions: Array.isArray(s.conditions)
      ? s.conditions.map((c) => {
          const co = isObject(c) ? c : {};
          return {
            uid: newUid(),
            queryText: co.query === undefined ? '{}' : JSON.stringify(co.query),
            then: str(co.then),
            extra: omit(co, ['query', 'then']),
          };
        })
      : [],
    defaultTarget: str(s.default),
    extra,
  };
}

function nodeToForm(o: JsonObject, extraKeys: string[]): ConfigForm {
  const retry = isObject(o.retry) ? o.retry : {};
  return {
    uid: newUid(),
    strategy: strategyToForm(o.strategy),
    targets: Array.isArray(o.targets) ? o.targets.map(targetToForm) : [],
    retryAttempts: num(retry.attempts),
    retryCodes: codes(retry.on_status_codes),
    retryExtra: omit(retry, ['attempts', 'on_status_codes']),
    requestTimeout: num(o.request_timeout),
    hasStrategy: 'strategy' in o,
    extra: omit(o, extraKeys),
  };
}

export function targetToForm(v: unknown): TargetForm {
  const o = isObject(v) ? v : {};
  const override = isObject(o.override_params) ? o.override_params : {};
  return {
    ...nodeToForm(o, TARGET_KEYS),
    kind: 'targets' in o || 'strategy' in o ? 'nested' : 'provider',
    name: str(o.name),
    providerId: num(o.provider_id),
    providerName: str(o.provider),
    weight: num(o.weight),
    model: str(override.model),
    overrideExtra: omit(override, ['model']),
  };
}

export function configToForm(v: unknown): ConfigForm {
  return nodeToForm(isObject(v) ? v : {}, NODE_KEYS);
}

function parseQuery(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // left as text: validation (local and server) names the path
  }
}

function strategyToJson(s: StrategyForm): JsonObject {
  const out: JsonObject = { mode: s.mode };
  if (s.onStatusCodes.length) out.on_status_codes = [...s.onStatusCodes];
  if (s.conditions.length) {
    out.conditions = s.conditions.map((c) => ({ query: parseQuery(c.queryText), then: c.then, ...c.extra }));
  }
  if (s.defaultTarget) out.default = s.defaultTarget;
  return { ...out, ...s.extra };
}

function nodeToJson(n: ConfigForm, out: JsonObject, isNode: boolean): JsonObject {
  const withStrategy = isNode && (n.hasStrategy || n.targets.length > 0 || n.strategy.mode !== 'single');
  if (withStrategy) out.strategy = strategyToJson(n.strategy);
  if (withStrategy || n.targets.length) out.targets = n.targets.map(targetToJson);
  const retry: JsonObject = {};
  if (n.retryAttempts !== null) retry.attempts = n.retryAttempts;
  if (n.retryCodes.length) retry.on_status_codes = [...n.retryCodes];
  Object.assign(retry, n.retryExtra);
  if (Object.keys(retry).length) out.retry = retry;
  if (n.requestTimeout !== null) out.request_timeout = n.requestTimeout;
  return { ...out, ...n.extra };
}

export function targetToJson(t: TargetForm): JsonObject {
  const out: JsonObject = {};
  if (t.name) out.name = t.name;
  if (t.kind === 'provider') {
    if (t.providerId !== null) out.provider_id = t.providerId;
    if (t.providerName) out.provider = t.providerName;
  }
  if (t.weight !== null) out.weight = t.weight;
  const override: JsonObject = {};
  if (t.model) override.model = t.model;
  Object.assign(override, t.overrideExtra);
  if (Object.keys(override).length) out.override_params = override;
  return nodeToJson(t, out, t.kind === 'nested');
}

export function formToConfig(form: ConfigForm): JsonObject {
  return nodeToJson(form, {}, true);
}

export type ParseResult = { ok: true; form: ConfigForm } | { ok: false; error: string };

/** Parses the JSON editor's text; the root must be an object. */
export function parseConfigText(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  if (!isObject(value)) return { ok: false, error: 'the config must be a JSON object' };
  return { ok: true, form: configToForm(value) };
}

export function configToText(form: ConfigForm): string {
  return JSON.stringify(formToConfig(form), null, 2);
}

// ---- paths: the visual editor names each field with the same path the server uses ----

/** `targets[1]` under a prefix. */
export function childPath(prefix: string, key: string): string {
  if (!prefix) return key;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

export function targetPath(prefix: string, index: number): string {
  return childPath(prefix, `targets[${index}]`);
}

/**
 * Normalises a server path to the editor's form: strips a leading `config`, `$` or `/`,
 * turns JSON-pointer (`/targets/0/weight`) and dotted indices (`targets.0.weight`) into
 * `targets[0].weight`.
 */
export function normalisePath(path: string): string {
  let p = path.trim();
  if (p.startsWith('/')) p = p.slice(1).split('/').join('.');
  p = p.replace(/^\$\.?/, '').replace(/^config(\.|$)/, '');
  p = p.replace(/\.(\d+)(?=\.|$|\[)/g, '[$1]');
  return p.replace(/^\./, '');
}

export type ErrorMap = Record<string, string[]>;

export function errorMap(details: ErrorDetail[]): ErrorMap {
  const map: ErrorMap = {};
  for (const d of details) {
    const p = normalisePath(d.path ?? '');
    (map[p] ??= []).push(d.message);
  }
  return map;
}

/** The messages for a field; several paths may feed one widget (provider_id / provider). */
export function fieldError(map: ErrorMap, ...paths: string[]): string | undefined {
  const msgs = paths.flatMap((p) => map[p] ?? []);
  return msgs.length ? msgs.join('; ') : undefined;
}

/** Local checks before the server sees the config; paths match the server's. */
export function validateForm(form: ConfigForm, prefix = ''): ErrorDetail[] {
  const errs: ErrorDetail[] = [];
  const sp = childPath(prefix, 'strategy');
  if (form.targets.length === 0) errs.push({ path: childPath(prefix, 'targets'), message: 'at least one target is required' });
  const names = new Set(form.targets.map((t) => t.name).filter(Boolean));
  if (form.strategy.mode === 'conditional') {
    form.strategy.conditions.forEach((c, i) => {
      const cp = childPath(sp, `conditions[${i}]`);
      const q = parseQuery(c.queryText);
      if (!isObject(q)) errs.push({ path: childPath(cp, 'query'), message: 'must be a JSON object' });
      if (!c.then) errs.push({ path: childPath(cp, 'then'), message: 'must name a target' });
      else if (!names.has(c.then)) errs.push({ path: childPath(cp, 'then'), message: `no target named "${c.then}"` });
    });
    if (form.strategy.defaultTarget && !names.has(form.strategy.defaultTarget)) {
      errs.push({ path: childPath(sp, 'default'), message: `no target named "${form.strategy.defaultTarget}"` });
    }
  }
  form.targets.forEach((t, i) => {
    const tp = targetPath(prefix, i);
    if (t.weight !== null && !(t.weight > 0)) errs.push({ path: childPath(tp, 'weight'), message: 'must be a positive number' });
    if (t.kind === 'provider' && t.providerId === null && !t.providerName) {
      errs.push({ path: childPath(tp, 'provider_id'), message: 'choose a provider' });
    }
    if (t.kind === 'nested') errs.push(...validateForm(t, tp));
  });
  return errs;
}

/** One-line summary for the list page. */
export function summarise(config: unknown): { mode: StrategyMode; targets: number } {
  const f = configToForm(config);
  return { mode: f.strategy.mode, targets: f.targets.length };
}
