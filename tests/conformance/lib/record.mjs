// Every body the gateway answers is appended to a file, so the leak test can search them all for
// planted provider secrets; every secret planted is listed in another.
import fs from 'node:fs';
import path from 'node:path';
import { RUN_DIR } from './env.mjs';

export const RESPONSES_FILE = path.join(RUN_DIR, 'responses.txt');
export const SECRETS_FILE = path.join(RUN_DIR, 'secrets.txt');

export function recordResponse(where, text) {
  fs.appendFileSync(RESPONSES_FILE, `--- ${where}\n${text}\n`);
}

export function plantSecret(secret) {
  fs.appendFileSync(SECRETS_FILE, `${secret}\n`);
  return secret;
}

export function readLines(file) {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/**
 * fetch() that also records the answer's body (read from a clone, so the caller's stream is
 * untouched). Used by the SDK clients and the raw requests.
 */
export async function recordingFetch(input, init) {
  const res = await fetch(input, init);
  const where = `${init?.method || 'GET'} ${typeof input === 'string' ? input : input.url}`;
  res
    .clone()
    .text()
    .then((text) => recordResponse(`${where} -> ${res.status}`, text))
    .catch(() => {}); // an aborted stream: the part read is not needed
  return res;
}
