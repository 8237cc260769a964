// The admin API (docs/api.md), used for every set-up step, as an operator would.
import crypto from 'node:crypto';
import { GATEWAY_URL, MOCK_URL, uid } from './env.mjs';
import { plantSecret, recordResponse } from './record.mjs';

const USERNAME = 'conformance-admin';
const PASSWORD = 'conformance-password-1';

export class AdminError extends Error {
  constructor(method, path, status, text) {
    super(`${method} ${path} -> ${status}: ${text.slice(0, 500)}`);
    this.status = status;
  }
}

export class Admin {
  constructor(token) {
    this.token = token;
  }

  /** Registers the suite's admin (the first user) or logs in when a previous file did. */
  static async connect() {
    const creds = { username: USERNAME, password: PASSWORD };
    let r = await rawJson('POST', '/api/auth/register', creds);
    if (r.status === 403 || r.status === 409) {
      r = await rawJson('POST', '/api/auth/login', creds);
    }
    if (r.status !== 200 && r.status !== 201) {
      throw new AdminError('POST', '/api/auth/register|login', r.status, r.text);
    }
    return new Admin(r.json.token);
  }

  /** Any admin request: `{status, json, text}`; throws unless `ok` (default 2xx). */
  async request(method, path, body, { ok = (s) => s >= 200 && s < 300 } = {}) {
    const r = await rawJson(method, path, body, this.token);
    if (!ok(r.status)) {
      throw new AdminError(method, path, r.status, r.text);
    }
    return r;
  }

  async post(path, body) {
    return (await this.request('POST', path, body)).json;
  }
  async get(path) {
    return (await this.request('GET', path)).json;
  }
  async put(path, body) {
    return (await this.request('PUT', path, body)).json;
  }
  async del(path) {
    await this.request('DELETE', path);
  }
}

async function rawJson(method, path, body, token) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  const res = await fetch(GATEWAY_URL + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  recordResponse(`${method} ${path} -> ${res.status}`, text);
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** A fresh provider secret that must never come back out of the gateway. */
export function newSecret(kind) {
  return plantSecret(`sk-conformance-${kind}-${crypto.randomBytes(18).toString('hex')}`);
}

/**
 * The providers a test may ask for, all pointing at mock-llm (or at nothing, for `dead`).
 * `kind` -> create body (without the name).
 */
export function providerSpec(kind) {
  switch (kind) {
    case 'openai':
      return { type: 'openai', base_url: `${MOCK_URL}/v1`, api_key: newSecret(kind) };
    case 'anthropic':
      return { type: 'anthropic', base_url: MOCK_URL, api_key: newSecret(kind) };
    case 'gemini':
      return { type: 'gemini', base_url: MOCK_URL, api_key: newSecret(kind) };
    case 'bedrock':
      return {
        type: 'bedrock',
        base_url: MOCK_URL,
        config: {
          region: 'us-east-1',
          access_key_id: 'AKIACONFORMANCETEST1',
          secret_access_key: newSecret(kind),
        },
      };
    case 'azure':
      return {
        type: 'azure-openai',
        base_url: MOCK_URL,
        api_key: newSecret(kind),
        config: {
          api_version: '2024-10-21',
          deployments: { 'gpt-4o-azure': 'conformance-gpt4o' },
        },
      };
    case 'dead':
      // Nothing listens on port 1: connection refused.
      return { type: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key: newSecret(kind) };
    default:
      throw new Error(`unknown provider kind ${kind}`);
  }
}

/**
 * A set of providers, models and keys made for one test file, with names unique to it.
 */
export class World {
  constructor(admin, tag) {
    this.admin = admin;
    this.tag = uid(tag + '-');
    this.providers = new Map(); // kind -> provider object
    this.counter = 0;
  }

  static async create(tag) {
    return new World(await Admin.connect(), tag);
  }

  /** The provider of that kind (created on first use). */
  async provider(kind) {
    if (!this.providers.has(kind)) {
      const body = { name: `${this.tag}-${kind}`, ...providerSpec(kind) };
      this.providers.set(kind, await this.admin.post('/api/admin/providers', body));
    }
    return this.providers.get(kind);
  }

  /** A new model on the provider of `kind`; answers its public name. */
  async model(kind, upstreamId, extra = {}) {
    const provider = await this.provider(kind);
    const name = extra.name || `${this.tag}-m${++this.counter}`;
    await this.admin.post('/api/admin/models', {
      provider_id: provider.id,
      name,
      model_id: upstreamId,
      ...extra,
    });
    return name;
  }

  /** A new virtual key; answers the created object (with its one-time `key`). */
  async key(extra = {}) {
    return this.admin.post('/api/admin/virtual-keys', {
      name: `${this.tag}-k${++this.counter}`,
      ...extra,
    });
  }
}
