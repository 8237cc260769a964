// Where the suite runs: set by tests/conformance/run.sh.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the suite through tests/conformance/run.sh <build-dir>`);
  }
  return v.replace(/\/+$/, '');
}

export const GATEWAY_URL = required('GATEWAY_URL');
export const MOCK_URL = required('MOCK_URL');
export const GATEWAY_LOG = process.env.GATEWAY_LOG || '';
/** Shared scratch folder of this run (secrets planted, bodies seen). */
export const RUN_DIR = process.env.CONFORMANCE_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'gwc-'));
/** Slow-down factor (4 for sanitizer builds). */
export const SLOW = Number(process.env.CONFORMANCE_SLOW || 1);

/** A timeout in ms scaled for slow builds. */
export function ms(base) {
  return Math.round(base * SLOW);
}

export function sleep(n) {
  return new Promise((resolve) => setTimeout(resolve, n));
}

/** Unique, lower-case, name-safe token. */
export function uid(prefix = '') {
  return prefix + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
}
