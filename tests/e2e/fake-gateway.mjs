// A small in-memory stand-in for the gateway's admin API (docs/api.md) and data plane, for
// working on the web UI and its e2e test before the C++ gateway is ready. It serves web/dist,
// keeps everything in memory and forwards /v1/chat/completions to the provider's base_url.
// It is NOT the system under test: run.mjs runs against whatever GATEWAY_URL points to.
//
//   node tests/e2e/fake-gateway.mjs [port]     (default 3000; port 0 picks one and prints it)
import { createServer } from 'node:http';
import { randomBytes, createHash } from 'node:crypto';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DATA_PLANE_ALIASES = new Set(['/chat/completions', '/completions', '/embeddings', '/models', '/messages']);
const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');
const now = () => new Date().toISOString();
const db = { users: [], providers: [], models: [], keys: [], configs: [], logs: [], agents: [], seq: 1, version: 1,
  settings: { log_retention_days: 30, log_prompts: false } };
const sessions = new Map();
const started = Date.now();
const nextId = () => db.seq++;

const templates = [
  { id: 'openai', name: 'OpenAI', family: 'openai', base_url: 'https://api.openai.com/v1', docs_url: 'https://platform.openai.com/docs', config_fields: [], default_models: ['gpt-4o', 'gpt-4o-mini'] },
  { id: 'anthropic', name: 'Anthropic', family: 'anthropic', base_url: 'https://api.anthropic.com', config_fields: [], default_models: [] },
  { id: 'azure-openai', name: 'Azure OpenAI', family: 'azure', base_url: '', config_fields: [{ name: 'api_version', required: true, default: '2024-10-21' }, { name: 'deployments', type: 'json' }], default_models: [] },
  { id: 'bedrock', name: 'AWS Bedrock', family: 'bedrock', base_url: '', config_fields: ['region', 'access_key_id', 'secret_access_key', 'session_token'], default_models: [] },
  { id: 'custom', name: 'Custom (OpenAI compatible)', family: 'openai', base_url: '', config_fields: [], default_models: [] },
];
const presets = [
  { name: 'gpt-4o-mini', provider: 'openai', mode: 'chat', max_input_tokens: 128000, max_output_tokens: 16384, input_price: 0.15, output_price: 0.6, cached_input_price: 0.075, capabilities: { tools: true, vision: true, json_mode: true } },
  { name: 'gpt-4o', provider: 'openai', mode: 'chat', max_input_tokens: 128000, max_output_tokens: 16384, input_price: 2.5, output_price: 10, cached_input_price: 1.25, capabilities: { tools: true, vision: true, json_mode: true } },
];

function send(res, status, body, headers = {}) {
  if (status === 204) return res.writeHead(204, headers).end();
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
const fail = (res, status, message, details) => send(res, status, { error: { code: String(status), message, ...(details ? { details } : {}) } });
const page = (rows, q) => {
  const size = Math.min(Number(q.get('page_size') ?? 20), 200);
  const p = Math.max(Number(q.get('page') ?? 1), 1);
  return { data: rows.slice((p - 1) * size, p * size), total: rows.length };
};
const pub = (u) => ({ id: u.id, username: u.username, role: u.role, created_at: u.created_at });
const provOut = (p) => ({ ...p, api_key: undefined, api_key_masked: p.api_key ? `${p.api_key.slice(0, 3)}…${p.api_key.slice(-4)}` : '', has_api_key: !!p.api_key, model_count: db.models.filter((m) => m.provider_id === p.id).length });
const modelOut = (m) => ({ ...m, provider_name: db.providers.find((p) => p.id === m.provider_id)?.name });
const keyOut = (k) => ({ ...k, hash: undefined });
const agentStatus = (a) => (!a.enabled ? 'disabled' : !a.last_seen_at ? 'unknown' : Date.now() - Date.parse(a.last_seen_at) <= 30000 ? 'online' : 'offline');
const agentOut = (a) => ({ ...a, hash: undefined, status: agentStatus(a) });

/** The agent checks of docs (agents contract): errors name the path. */
function validateAgent(b, creating) {
  const errs = [];
  const need = (k) => creating || b[k] !== undefined;
  if (need('name') && !(typeof b.name === 'string' && b.name.length >= 1 && b.name.length <= 100)) errs.push({ path: 'name', message: 'must be 1-100 characters' });
  if (need('region') && !/^[A-Za-z0-9_.-]{1,64}$/.test(b.region ?? '')) errs.push({ path: 'region', message: 'must be 1-64 characters of [A-Za-z0-9_.-]' });
  if (b.kind !== undefined && !['gateway', 'portkey'].includes(b.kind)) errs.push({ path: 'kind', message: 'must be gateway or portkey' });
  if (b.endpoint !== undefined && b.endpoint !== null && !/^https?:\/\/[^/]+/.test(b.endpoint)) errs.push({ path: 'endpoint', message: 'must be an http(s) URL' });
  for (const axis of ['models', 'providers', 'regions']) {
    const list = b.rules?.[axis];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 100) { errs.push({ path: `rules.${axis}`, message: 'must be a list of at most 100 strings' }); continue; }
    list.forEach((v, i) => { if (typeof v !== 'string' || !v) errs.push({ path: `rules.${axis}[${i}]`, message: 'must be a non-empty string' }); });
  }
  if (b.priority !== undefined && !Number.isInteger(b.priority)) errs.push({ path: 'priority', message: 'must be an integer' });
  return errs;
}

function installScript(req, a, key) {
  const cp = `http://${req.headers.host}`;
  const keyLine = key ? `AGENT_KEY='${key}'` : ': "${AGENT_KEY:?set AGENT_KEY to the agent key}"';
  if (a.kind === 'portkey') return `#!/bin/sh\n# Portkey Gateway as agent "${a.name}" (${a.region})\nset -eu\n${keyLine}\ndocker run -d --name portkey-gateway -p 8787:8787 portkeyai/gateway:latest\necho "Set the agent's endpoint to http://<this host>:8787"\n`;
  return `#!/bin/sh\n# LLM Gateway agent "${a.name}" (${a.region})\nset -eu\n${keyLine}\nCP='${cp}'\ncurl -fsSL -H "Authorization: Bearer $AGENT_KEY" "$CP/api/agent/binary" -o /usr/local/bin/llm-gateway\nchmod 755 /usr/local/bin/llm-gateway\nmkdir -p /etc/llm-gateway\numask 077\nprintf 'CONTROL_PLANE_URL=%s\\nAGENT_KEY=%s\\nAGENT_REGION=%s\\nPORT=3000\\n' "$CP" "$AGENT_KEY" '${a.region}' > /etc/llm-gateway/agent.env\ncat > /etc/systemd/system/llm-gateway-agent.service <<'UNIT'\n[Unit]\nDescription=LLM Gateway agent\nAfter=network-online.target\n[Service]\nEnvironmentFile=/etc/llm-gateway/agent.env\nExecStart=/usr/local/bin/llm-gateway agent\nRestart=always\n[Install]\nWantedBy=multi-user.target\nUNIT\nsystemctl daemon-reload\nsystemctl enable --now llm-gateway-agent.service\n`;
}

function newAgentKey(a) {
  const key = `agk-${randomBytes(24).toString('base64url')}`;
  a.hash = createHash('sha256').update(key).digest('hex');
  a.key_prefix = `${key.slice(0, 8)}...${key.slice(-4)}`;
  return key;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString();
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('text/csv')) return { csv: text };
  try { return JSON.parse(text); } catch { return { __bad: true }; }
}

function validateConfig(c, prefix = '') {
  const errs = [];
  const p = (k) => (prefix ? `${prefix}.${k}` : k);
  if (!['single', 'loadbalance', 'fallback', 'conditional'].includes(c?.strategy?.mode)) errs.push({ path: p('strategy.mode'), message: 'must be single, loadbalance, fallback or conditional' });
  if (!Array.isArray(c?.targets) || c.targets.length === 0) errs.push({ path: p('targets'), message: 'at least one target is required' });
  (c?.targets ?? []).forEach((t, i) => {
    const tp = p(`targets[${i}]`);
    if (t.weight !== undefined && !(t.weight > 0)) errs.push({ path: `${tp}.weight`, message: 'must be a positive number' });
    if (t.targets) errs.push(...validateConfig(t, tp));
    else if (t.provider_id !== undefined && !db.providers.some((x) => x.id === t.provider_id)) errs.push({ path: `${tp}.provider_id`, message: 'unknown provider' });
    else if (t.provider_id === undefined && !t.provider) errs.push({ path: `${tp}.provider_id`, message: 'a target needs a provider' });
  });
  return errs;
}

function crud(list, out, res, method, id, body, make) {
  const idx = list.findIndex((x) => x.id === id);
  if (id !== null && idx < 0) return fail(res, 404, 'not found');
  if (method === 'GET') return send(res, 200, out(list[idx]));
  if (method === 'DELETE') { list.splice(idx, 1); db.version++; return send(res, 204); }
  if (method === 'PUT') { Object.assign(list[idx], body, { id, updated_at: now() }); db.version++; return send(res, 200, out(list[idx])); }
  if (method === 'POST') { const row = { id: nextId(), created_at: now(), updated_at: now(), ...make(body) }; list.push(row); db.version++; return send(res, 201, out(row)); }
  return fail(res, 405, 'method not allowed');
}

function statsRows(from, to) {
  return db.logs.filter((l) => (!from || l.time >= from) && (!to || l.time <= to));
}
function agg(rows) {
  const lat = rows.map((r) => r.latency_ms).sort((a, b) => a - b);
  const q = (f) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] : null);
  return { requests: rows.length, errors: rows.filter((r) => r.status >= 400).length, prompt_tokens: rows.reduce((s, r) => s + r.prompt_tokens, 0), completion_tokens: rows.reduce((s, r) => s + r.completion_tokens, 0), cost_usd: 0, p50_latency_ms: q(0.5), p95_latency_ms: q(0.95) };
}

async function admin(req, res, path, q) {
  const body = ['POST', 'PUT'].includes(req.method) ? await readBody(req) : {};
  if (body.__bad) return fail(res, 400, 'malformed JSON');
  const m = req.method;
  if (path === '/api/auth/status') return send(res, 200, { registration_open: db.users.length === 0 });
  if (path === '/api/auth/register' || path === '/api/auth/login') {
    let user;
    if (path.endsWith('register')) {
      if (db.users.length) return fail(res, 403, 'registration is closed');
      if (!/^[A-Za-z0-9_.@-]{3,64}$/.test(body.username ?? '')) return fail(res, 400, 'invalid username', [{ path: 'username', message: 'invalid' }]);
      user = { id: nextId(), username: body.username, password: body.password, role: 'admin', created_at: now() };
      db.users.push(user);
    } else {
      user = db.users.find((u) => u.username === body.username && u.password === body.password);
      if (!user) return fail(res, 401, 'invalid username or password');
    }
    const token = randomBytes(24).toString('hex');
    sessions.set(token, user.id);
    return send(res, path.endsWith('register') ? 201 : 200, { token, user: pub(user) });
  }
  const user = db.users.find((u) => u.id === sessions.get((req.headers.authorization ?? '').replace(/^Bearer /, '')));
  if (!user) return fail(res, 401, 'missing or invalid token');
  if (user.role !== 'admin' && m !== 'GET') return fail(res, 403, 'read-only user');
  if (path === '/api/auth/profile') return send(res, 200, pub(user));
  if (path === '/api/auth/password') {
    if (body.current_password !== user.password) return fail(res, 400, 'current password is wrong');
    user.password = body.new_password; return send(res, 204);
  }
  const seg = path.replace('/api/admin/', '').split('/');
  const id = seg[1] && /^\d+$/.test(seg[1]) ? Number(seg[1]) : null;
  switch (seg[0]) {
    case 'users':
      if (m === 'GET') return send(res, 200, page(db.users.map(pub), q));
      if (m === 'DELETE' && db.users.filter((u) => u.role === 'admin').length === 1 && db.users.find((u) => u.id === id)?.role === 'admin') return fail(res, 409, 'cannot delete the last admin');
      if (m === 'POST' && db.users.some((u) => u.username === body.username)) return fail(res, 409, 'username taken');
      return crud(db.users, pub, res, m, id, body, (b) => ({ username: b.username, password: b.password, role: b.role ?? 'viewer' }));
    case 'provider-templates': return send(res, 200, { data: templates });
    case 'providers': {
      if (seg[1] === 'export') return send(res, 200, { version: 1, exported_at: now(), providers: db.providers.filter((p) => q.get('enabled_only') !== 'true' || p.enabled).map(({ name, type, base_url, config, enabled }) => ({ name, type, base_url, config, enabled })) });
      if (seg[1] === 'batch-import') {
        const r = { imported: 0, skipped: 0, failed: 0, details: [] };
        for (const p of body.providers ?? []) {
          if (db.providers.some((x) => x.name === p.name)) { r.skipped++; r.details.push(`${p.name}: exists`); continue; }
          db.providers.push({ id: nextId(), name: p.name, type: p.type, base_url: p.base_url ?? '', config: p.config ?? {}, enabled: false, api_key: '', created_at: now(), updated_at: now() }); r.imported++;
        }
        return send(res, 200, r);
      }
      if (seg[1] === 'fetch-models') {
        const p = db.providers.find((x) => x.id === body.provider_id);
        if (!p) return fail(res, 404, 'provider not found');
        try {
          const r = await fetch(`${p.base_url}/models`, { headers: { authorization: `Bearer ${p.api_key}` } });
          const j = await r.json();
          return send(res, 200, { source: 'provider', data: (j.data ?? []).map((x) => ({ id: x.id, owned_by: x.owned_by, imported: db.models.some((mm) => mm.provider_id === p.id && mm.model_id === x.id) })) });
        } catch (e) { return fail(res, 502, `upstream: ${e.message}`); }
      }
      if (seg[2] === 'test') {
        const p = db.providers.find((x) => x.id === id); const t0 = Date.now();
        try { const r = await fetch(`${p.base_url}/models`, { headers: { authorization: `Bearer ${p.api_key}` } }); return send(res, 200, { success: r.ok, latency_ms: Date.now() - t0, status: r.status, message: r.ok ? 'ok' : await r.text() }); } catch (e) { return send(res, 200, { success: false, latency_ms: Date.now() - t0, status: 0, message: e.message }); }
      }
      if (seg[2] === 'import-models') {
        let imported = 0, skipped = 0;
        for (const mid of body.models ?? []) {
          if (db.models.some((x) => x.provider_id === id && x.model_id === mid)) { skipped++; continue; }
          db.models.push({ id: nextId(), provider_id: id, name: mid, model_id: mid, enabled: true, mode: 'chat', context_window: null, max_output_tokens: null, input_price: null, output_price: null, cached_input_price: null, capabilities: {}, created_at: now(), updated_at: now() }); imported++;
        }
        return send(res, 200, { imported, skipped });
      }
      if (m === 'GET' && id === null) return send(res, 200, page(db.providers.filter((p) => !q.get('q') || p.name.includes(q.get('q'))).map(provOut), q));
      if (m === 'POST' && !body.name) return fail(res, 400, 'invalid provider', [{ path: 'name', message: 'required' }]);
      if (m === 'POST' && db.providers.some((p) => p.name === body.name)) return fail(res, 409, `provider "${body.name}" exists`);
      if (m === 'DELETE') db.models = db.models.filter((x) => x.provider_id !== id);
      return crud(db.providers, provOut, res, m, id, body, (b) => ({ name: b.name, type: b.type, base_url: b.base_url ?? '', api_key: b.api_key ?? '', config: b.config ?? {}, enabled: b.enabled ?? true }));
    }
    case 'models': {
      if (seg[1] === 'batch') {
        if (body.action === 'delete') db.models = db.models.filter((x) => !body.ids.includes(x.id));
        else db.models.filter((x) => body.ids.includes(x.id)).forEach((x) => (x.enabled = body.action === 'enable'));
        return send(res, 200, { updated: body.ids.length });
      }
      if (seg[1] === 'batch-import') return send(res, 200, { imported: 0, skipped: 0, failed: (body.models ?? []).length, errors: [] });
      if (m === 'GET' && id === null) {
        let rows = db.models.map(modelOut);
        if (q.get('q')) rows = rows.filter((x) => x.name.includes(q.get('q')) || x.model_id.includes(q.get('q')));
        if (q.get('provider_id')) rows = rows.filter((x) => x.provider_id === Number(q.get('provider_id')));
        return send(res, 200, page(rows, q));
      }
      return crud(db.models, modelOut, res, m, id, body, (b) => ({ provider_id: b.provider_id, name: b.name, model_id: b.model_id || b.name, enabled: b.enabled ?? true, mode: b.mode ?? 'chat', context_window: b.context_window ?? null, max_output_tokens: b.max_output_tokens ?? null, input_price: b.input_price ?? null, output_price: b.output_price ?? null, cached_input_price: b.cached_input_price ?? null, capabilities: b.capabilities ?? {} }));
    }
    case 'presets':
      if (seg[1] === 'status' || seg[1] === 'refresh') return send(res, 200, { count: presets.length, last_sync_at: now(), last_result: 'ok', last_error: null, source: 'builtin', etag: null });
      if (seg[1] === 'search') return send(res, 200, { data: presets.filter((p) => p.name.includes(q.get('q') ?? '')).map((p) => ({ ...p, score: 1 })) });
      if (seg[1] === 'apply') { const mm = db.models.find((x) => x.id === body.model_id); const p = presets.find((x) => x.name === body.preset); if (!mm || !p) return fail(res, 404, 'not found'); Object.assign(mm, { input_price: p.input_price, output_price: p.output_price, context_window: p.max_input_tokens, max_output_tokens: p.max_output_tokens, capabilities: p.capabilities }); return send(res, 200, modelOut(mm)); }
      if (seg[1] === 'apply-provider') return send(res, 200, { updated: 0, unmatched: db.models.filter((x) => x.provider_id === body.provider_id).map((x) => x.name) });
      break;
    case 'virtual-keys': {
      if (seg[1] === 'validate') return send(res, 200, (body.key ?? '').length >= 16 && !db.keys.some((k) => k.key_prefix === body.key.slice(0, 8)) ? { valid: true } : { valid: false, reason: 'at least 16 characters and unique' });
      if (m === 'GET' && id === null) return send(res, 200, page(db.keys.map(keyOut), q));
      if (m === 'POST') {
        const key = body.key || `sk-gw-${randomBytes(20).toString('hex')}`;
        const row = { rpm_limit: null, tpm_limit: null, max_concurrency: null, budget_usd: null, budget_period: null, expires_at: null, allowed_ips: [], allowed_models: [], provider_id: null, routing_config_id: null, allow_config_header: false, enabled: true, ...body, key: undefined, id: nextId(), key_prefix: key.slice(0, 10), hash: createHash('sha256').update(key).digest('hex'), spent_usd: 0, created_at: now(), last_used_at: null };
        db.keys.push(row); db.version++;
        return send(res, 201, { ...keyOut(row), key });
      }
      return crud(db.keys, keyOut, res, m, id, body, () => ({}));
    }
    case 'routing-configs': {
      if (seg[1] === 'validate') { const errors = validateConfig(body.config); return send(res, 200, { valid: errors.length === 0, errors }); }
      if (m === 'GET' && id === null) return send(res, 200, page(db.configs, q));
      if (m === 'POST' || m === 'PUT') {
        const errors = body.config ? validateConfig(body.config).map((e) => ({ ...e, path: `config.${e.path}` })) : [];
        if (errors.length) return fail(res, 400, 'invalid routing config', errors);
      }
      return crud(db.configs, (x) => x, res, m, id, body, (b) => ({ name: b.name, description: b.description ?? '', virtual_model: b.virtual_model ?? null, enabled: b.enabled ?? true, config: b.config }));
    }
    case 'agents': {
      const a = db.agents.find((x) => x.id === id);
      if (id !== null && !a) return fail(res, 404, 'agent not found');
      if (seg[2] === 'regenerate-key') { const key = newAgentKey(a); return send(res, 200, { agent: agentOut(a), key, install_script: installScript(req, a, key) }); }
      if (seg[2] === 'install-script') return res.writeHead(200, { 'content-type': 'text/plain' }).end(installScript(req, a, null));
      if (seg[2] === 'check') {
        if (!a.endpoint) return send(res, 200, { ok: false, latency_ms: null, status: null, error: 'the agent has no endpoint' });
        const t0 = performance.now();
        try {
          const r = await fetch(`${a.endpoint}${a.kind === 'portkey' ? '/' : '/healthz'}`, { signal: AbortSignal.timeout(5000) });
          const latency = Math.round((performance.now() - t0) * 10) / 10;
          if (r.ok) Object.assign(a, { latency_ms: latency, last_seen_at: now() });
          return send(res, 200, { ok: r.ok, latency_ms: latency, status: r.status, error: r.ok ? null : `HTTP ${r.status}` });
        } catch (e) { return send(res, 200, { ok: false, latency_ms: null, status: null, error: e.cause?.message ?? e.message }); }
      }
      if (m === 'GET' && id === null) {
        let rows = db.agents;
        if (q.get('q')) rows = rows.filter((x) => x.name.includes(q.get('q')) || x.description.includes(q.get('q')));
        if (q.get('region')) rows = rows.filter((x) => x.region === q.get('region'));
        if (q.get('enabled')) rows = rows.filter((x) => String(x.enabled) === q.get('enabled'));
        return send(res, 200, page(rows.map(agentOut), q));
      }
      if (m === 'POST' || m === 'PUT') {
        const errors = validateAgent(body, m === 'POST');
        if (errors.length) return fail(res, 400, `${errors[0].path}: ${errors[0].message}`, errors);
        if (db.agents.some((x) => x.name === body.name && x.id !== id)) return fail(res, 409, `agent "${body.name}" exists`);
      }
      if (m === 'POST') {
        const row = { id: nextId(), name: body.name, region: body.region, description: body.description ?? '', kind: body.kind ?? 'gateway', endpoint: body.endpoint ?? null, enabled: body.enabled ?? true, rules: body.rules ?? {}, priority: body.priority ?? 0, last_seen_at: null, latency_ms: null, agent_version: null, config_version: null, remote_addr: null, stats: null, created_at: now(), updated_at: now() };
        const key = newAgentKey(row);
        db.agents.push(row);
        return send(res, 201, { agent: agentOut(row), key, install_script: installScript(req, row, key) });
      }
      return crud(db.agents, agentOut, res, m, id, body, () => ({}));
    }
    case 'config':
      if (seg[1] === 'regenerate') db.version++;
      return send(res, 200, { version: db.version, hash: createHash('sha256').update(String(db.version)).digest('hex'), built_at: now(), counts: { providers: db.providers.length, models: db.models.length, virtual_keys: db.keys.length, routing_configs: db.configs.length } });
    case 'docker':
      if (seg[1] === 'stop') return fail(res, 409, 'the engine is built in: stop the service instead');
      return send(res, 200, { running: true, engine: 'built-in', version: 'fake-0.1', uptime_seconds: Math.round((Date.now() - started) / 1000) });
    case 'system': return send(res, 200, { version: 'fake-0.1', uptime_seconds: Math.round((Date.now() - started) / 1000), snapshot_version: db.version, db_size_bytes: 12345, counts: { providers: db.providers.length, models: db.models.length, virtual_keys: db.keys.length } });
    case 'settings': if (m === 'PUT') Object.assign(db.settings, body); return send(res, 200, db.settings);
    case 'logs': {
      if (id !== null) { const l = db.logs.find((x) => x.id === id); return l ? send(res, 200, l) : fail(res, 404, 'not found'); }
      let rows = [...db.logs].reverse();
      if (q.get('model')) rows = rows.filter((l) => l.model.includes(q.get('model')));
      if (q.get('status') === 'success') rows = rows.filter((l) => l.status < 400);
      if (q.get('status') === 'error') rows = rows.filter((l) => l.status >= 400);
      return send(res, 200, page(rows, q));
    }
    case 'stats': {
      const rows = statsRows(q.get('from'), q.get('to'));
      if (seg[1] === 'overview') return send(res, 200, agg(rows));
      if (seg[1] === 'timeseries') {
        const len = q.get('interval') === 'day' ? 10 : 13;
        const buckets = new Map();
        for (const r of rows) { const k = `${r.time.slice(0, len)}`; (buckets.get(k) ?? buckets.set(k, []).get(k)).push(r); }
        return send(res, 200, { data: [...buckets].map(([k, rs]) => { const a = agg(rs); return { time: new Date(len === 10 ? k : `${k}:00:00Z`).toISOString(), requests: a.requests, errors: a.errors, tokens: a.prompt_tokens + a.completion_tokens, cost_usd: 0, p50_latency_ms: a.p50_latency_ms, p95_latency_ms: a.p95_latency_ms }; }) });
      }
      const by = q.get('by') === 'key' ? 'key_name' : q.get('by') === 'provider' ? 'provider_name' : 'model';
      const groups = new Map();
      for (const r of rows) (groups.get(r[by]) ?? groups.set(r[by], []).get(r[by])).push(r);
      return send(res, 200, { data: [...groups].map(([name, rs]) => { const a = agg(rs); return { id: name, name, requests: a.requests, errors: a.errors, tokens: a.prompt_tokens + a.completion_tokens, cost_usd: 0 }; }) });
    }
  }
  return fail(res, 404, `no route ${m} ${path}`);
}

async function dataPlane(req, res, path) {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const key = db.keys.find((k) => k.hash === createHash('sha256').update(token).digest('hex'));
  if (!key || !key.enabled) return send(res, 401, { error: { message: 'invalid virtual key', type: 'invalid_request_error', code: 'invalid_api_key' } });
  const allowed = (name) => key.allowed_models.length === 0 || key.allowed_models.includes(name);
  if (path === '/v1/models') return send(res, 200, { object: 'list', data: [...new Set(db.models.filter((x) => x.enabled && allowed(x.name)).map((x) => x.name))].map((id) => ({ id, object: 'model', owned_by: 'gateway' })) });
  const body = await readBody(req);
  const model = db.models.find((x) => x.name === body.model && x.enabled);
  if (!model || !allowed(body.model)) return send(res, 404, { error: { message: `model "${body.model}" not found`, type: 'invalid_request_error', code: 'model_not_found' } });
  const prov = db.providers.find((p) => p.id === model.provider_id);
  const t0 = Date.now();
  const log = { id: nextId(), time: now(), request_id: randomBytes(8).toString('hex'), key_id: key.id, key_name: key.name, model: body.model, provider_id: prov.id, provider_name: prov.name, status: 0, latency_ms: 0, ttfb_ms: null, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cost_usd: 0, attempts: 1, route_path: [prov.name], stream: !!body.stream, error: null };
  try {
    const up = await fetch(`${prov.base_url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${prov.api_key}` }, body: JSON.stringify({ ...body, model: model.model_id }) });
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json', 'x-gateway-provider': prov.name });
    let text = '';
    for await (const chunk of up.body) { if (log.ttfb_ms === null) log.ttfb_ms = Date.now() - t0; text += Buffer.from(chunk).toString(); res.write(chunk); }
    res.end();
    const usage = text.split('\n').map((l) => l.replace(/^data: /, '').trim()).filter((l) => l.startsWith('{'))
      .map((l) => { try { return JSON.parse(l).usage; } catch { return null; } }).filter(Boolean).pop();
    Object.assign(log, { status: up.status, prompt_tokens: usage?.prompt_tokens ?? 0, completion_tokens: usage?.completion_tokens ?? 0 });
  } catch (e) {
    log.status = 502; log.error = e.message;
    if (!res.headersSent) send(res, 502, { error: { message: e.message, type: 'api_error', code: 'upstream_error' } });
  }
  log.latency_ms = Date.now() - t0;
  key.last_used_at = now();
  db.logs.push(log);
}

function serveStatic(req, res, path) {
  let file = normalize(join(DIST, decodeURIComponent(path)));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}

const server = createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  try {
    if (u.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    if (u.pathname.startsWith('/api/')) return await admin(req, res, u.pathname, u.searchParams);
    if (u.pathname.startsWith('/v1/')) return await dataPlane(req, res, u.pathname);
    // Like the real gateway (docs/api.md "Data plane"), every /v1 route also answers without /v1,
    // so a UI page on one of these paths breaks on reload here too, not only against the gateway.
    if (DATA_PLANE_ALIASES.has(u.pathname)) return await dataPlane(req, res, `/v1${u.pathname}`);
    return serveStatic(req, res, u.pathname);
  } catch (e) {
    if (!res.headersSent) fail(res, 500, e.message);
  }
});
server.listen(Number(process.argv[2] ?? 3000), '127.0.0.1', () => console.log(`fake-gateway listening on 127.0.0.1:${server.address().port}`));
