// End-to-end test of the admin console against a running gateway.
//
//   GATEWAY_URL=http://127.0.0.1:3000 MOCK_LLM_URL=http://127.0.0.1:9000 node tests/e2e/run.mjs
//
// The gateway must serve web/dist and have an empty database (the test registers the first
// admin); MOCK_LLM_URL is an OpenAI-compatible mock upstream (tools/mock-llm). Starting both is
// the caller's job. Screenshots go to tests/e2e/artifacts/. Needs `npm ci` in web/ (for
// playwright-core) and Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

const GATEWAY_URL = (process.env.GATEWAY_URL ?? '').replace(/\/$/, '');
const MOCK_LLM_URL = (process.env.MOCK_LLM_URL ?? '').replace(/\/$/, '');
if (!GATEWAY_URL || !MOCK_LLM_URL) {
  console.error('GATEWAY_URL and MOCK_LLM_URL must be set');
  process.exit(2);
}

const ARTIFACTS = join(here, 'artifacts');
const ADMIN = { username: 'admin', password: 'e2e-Passw0rd!' };
const PROVIDER = 'e2e-mock-openai';
const MODEL = 'gpt-4o-mini';
const KEY_NAME = 'e2e-key';
const ROUTING = 'e2e-fallback';
const AGENT = 'e2e-agent';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 15000);

let context;
let page;
let userDir;
let virtualKey = '';
let broken = false; // later steps depend on earlier ones
const pageErrors = [];

const url = (path) => `${GATEWAY_URL}${path}`;
const byTestId = (id) => page.locator(`[data-testid="${id}"]`);

async function shot(name) {
  await page.waitForTimeout(300); // let transitions settle
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Opens a Naive UI select and picks the option whose text contains `text` (or matches `selector`). */
async function pick(select, { text, selector }) {
  await select.click();
  const menu = page.locator('.n-base-select-menu:visible');
  const option = selector ? menu.locator(selector) : menu.locator('.n-base-select-option', { hasText: text });
  await option.first().click();
}

/** Polls `check` until it returns a truthy value. */
async function eventually(check, { timeout = TIMEOUT, interval = 500, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await page.waitForTimeout(interval);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

async function go(path) {
  await page.goto(url(path));
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

/** Wraps a step so that, once one fails, the dependent ones are skipped instead of piling up. */
function step(name, fn, { independent = false } = {}) {
  test(name, async (t) => {
    if (broken && !independent) return t.skip('an earlier step failed');
    try {
      await fn(t);
    } catch (e) {
      if (!independent) broken = true;
      await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw e;
    }
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  userDir = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
  });
  context.setDefaultTimeout(TIMEOUT);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  await context?.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  if (pageErrors.length) console.log(`page errors:\n  ${pageErrors.join('\n  ')}`);
});

step('register the first admin', async () => {
  await go('/login');
  await shot('01-login-zh');
  await byTestId('go-register').click(); // only shown while registration is open
  await page.waitForURL(/\/register$/);
  await byTestId('username').fill(ADMIN.username);
  await byTestId('password').fill(ADMIN.password);
  await byTestId('password-confirm').fill(ADMIN.password);
  await shot('02-register');
  await byTestId('auth-submit').click();
  await page.waitForURL((u) => u.pathname === '/');
});

step('log out and log in again', async () => {
  await byTestId('user-menu').click();
  await byTestId('logout').click();
  await page.waitForURL(/\/login/);
  await byTestId('username').fill(ADMIN.username);
  await byTestId('password').fill(ADMIN.password);
  await byTestId('auth-submit').click();
  await page.waitForURL((u) => u.pathname === '/');
  await byTestId('stat-requests').waitFor();
  await shot('03-dashboard-empty');
});

step('add an OpenAI provider pointing at the mock', async () => {
  await go('/providers');
  await byTestId('provider-add').click();
  await pick(byTestId('provider-template'), { selector: '.tpl-openai' });
  await byTestId('provider-name').fill(PROVIDER);
  await byTestId('provider-base-url').fill(`${MOCK_LLM_URL}/v1`);
  await byTestId('provider-api-key').fill('sk-mock-upstream-key');
  await shot('04-provider-form');
  await byTestId('provider-submit').click();
  await byTestId('provider-table').getByText(PROVIDER, { exact: true }).waitFor();
  await shot('05-providers');
});

step('add the model', async () => {
  await go('/model-catalog');
  await byTestId('model-add').click();
  await pick(byTestId('model-provider'), { text: PROVIDER });
  await byTestId('model-name').fill(MODEL);
  await byTestId('model-id').fill(MODEL);
  await byTestId('model-submit').click();
  await byTestId('model-table').getByText(MODEL, { exact: true }).first().waitFor();
  await shot('06-models');
});

step('create a virtual key and read it from the shown-once modal', async () => {
  await go('/virtual-keys');
  await byTestId('key-add').click();
  await byTestId('key-name').fill(KEY_NAME);
  await pick(byTestId('key-models'), { text: MODEL });
  await byTestId('key-name').click(); // close the dropdown without Esc (Esc closes the drawer)
  await byTestId('key-submit').click();
  const input = page.locator('[data-testid="created-key"] input');
  await input.waitFor();
  virtualKey = await input.inputValue();
  assert.ok(virtualKey.length >= 16, `key looks too short: "${virtualKey}"`);
  await shot('07-key-created');
  await byTestId('key-created-close').click();
  await page.getByText(KEY_NAME, { exact: true }).first().waitFor();
  await shot('08-virtual-keys');
});

step('create a fallback routing config with the visual editor', async () => {
  await go('/routing');
  await byTestId('routing-add').click();
  await byTestId('routing-name').fill(ROUTING);
  await byTestId('mode-fallback:').click();
  await byTestId('add-target:').click();
  await pick(byTestId('provider:targets[0]'), { text: PROVIDER });
  await byTestId('model:targets[0]').fill(MODEL);
  // the JSON side follows the visual editor
  await eventually(async () => {
    const json = JSON.parse(await byTestId('routing-json').inputValue());
    return json.strategy?.mode === 'fallback' && json.targets?.[0]?.override_params?.model === MODEL &&
      typeof json.targets[0].provider_id === 'number';
  }, { what: 'the JSON editor to reflect the visual editor' });
  await shot('09-routing-editor');
  await byTestId('routing-submit').click();
  await byTestId('routing-table').getByText(ROUTING, { exact: true }).waitFor();
  await shot('10-routing');
});

step('chat in the playground with a streamed answer', async () => {
  await go('/playground');
  await byTestId('playground-key').fill(virtualKey);
  await byTestId('playground-load-models').click();
  const select = byTestId('playground-model');
  await eventually(async () => (await select.textContent())?.includes(MODEL), { what: 'the model list' })
    .catch(async () => pick(select, { text: MODEL }));
  if (!(await select.textContent())?.includes(MODEL)) await pick(select, { text: MODEL });
  await byTestId('playground-input').fill('Say hello');
  await byTestId('playground-send').click();
  const answer = byTestId('assistant-message').last();
  await byTestId('chat-stats').last().waitFor({ timeout: 30000 }); // stats appear once the stream ends
  const text = (await answer.innerText()).replace('▍', '').trim();
  assert.ok(text.length > 0, 'the assistant answer is empty');
  console.log(`assistant answered: ${JSON.stringify(text)}`);
  await shot('11-playground');
});

step('the dashboard counts the request', async () => {
  await go('/');
  const n = await eventually(async () => {
    await byTestId('dashboard-refresh').click();
    await page.waitForTimeout(300);
    const v = Number((await byTestId('stat-requests').innerText()).replace(/[^\d]/g, ''));
    return v >= 1 ? v : 0;
  }, { timeout: 30000, interval: 1000, what: 'requests today >= 1' });
  assert.ok(n >= 1);
  await byTestId('interval-day').click();
  await shot('12-dashboard');
});

step('the logs page shows the request', async () => {
  await go('/logs');
  const table = byTestId('logs-table');
  await eventually(async () => {
    await byTestId('logs-search').click();
    await page.waitForTimeout(300);
    return (await table.getByText(MODEL).count()) > 0;
  }, { timeout: 30000, interval: 1000, what: 'a log row for the model' });
  await shot('13-logs');
  await table.locator('tbody tr').first().click();
  await byTestId('log-detail').waitFor();
  await shot('14-log-detail');
});

step('the system page shows the engine', async () => {
  await go('/system');
  await byTestId('system-engine-status').waitFor();
  await shot('15-system');
}, { independent: true });

step('agents: create one, read its key and install script once, check it', async () => {
  await go('/agents');
  await byTestId('agent-empty').waitFor(); // a fresh database has no agents
  await byTestId('agent-add').click();
  await byTestId('agent-name').fill(AGENT);
  await byTestId('agent-region').fill('bad region');
  await byTestId('agent-endpoint').fill('not-a-url');
  await byTestId('agent-submit').click();
  // checked in the browser before anything is sent
  await eventually(async () => (await page.locator('.n-drawer .n-form-item-feedback--error').count()) >= 2, { what: 'region and endpoint errors' });
  await shot('15a-agent-form-invalid');
  await byTestId('agent-region').fill('e2e-local');
  // the gateway under test stands in for the agent's endpoint, so the check reaches a real /healthz
  await byTestId('agent-endpoint').fill(GATEWAY_URL);
  const models = byTestId('agent-rule-models');
  await models.click();
  await page.keyboard.type('gpt-4o*');
  await page.keyboard.press('Enter');
  await byTestId('agent-name').click(); // close the dropdown without Esc (Esc closes the drawer)
  await shot('15b-agent-form');
  await byTestId('agent-submit').click();

  const modal = byTestId('agent-key-modal');
  const keyInput = modal.locator('[data-testid="agent-key"] input');
  await keyInput.waitFor();
  const key = await keyInput.inputValue();
  assert.match(key, /^agk-.{16,}/, `agent key looks wrong: "${key}"`);
  const script = await byTestId('agent-install-script').innerText();
  assert.ok(script.startsWith('#!/bin/sh'), `install script does not start with a shebang: ${script.slice(0, 40)}`);
  assert.ok(script.includes(key), 'the install script shown at creation embeds the key');
  await shot('15c-agent-created');
  await byTestId('agent-key-close').click();
  await modal.waitFor({ state: 'hidden' });

  const row = byTestId(`agent-row-${AGENT}`);
  await row.waitFor();
  assert.ok(!(await page.locator('body').innerText()).includes(key), 'the key is still on the page after closing');
  await row.locator('[data-testid="agent-check"]').click();
  const dialog = page.locator('.n-dialog');
  await dialog.waitFor();
  const verdict = await dialog.innerText();
  assert.match(verdict, /\d+(\.\d)? ms/, `the check did not report a latency: ${verdict}`);
  await shot('15d-agent-check');
  await dialog.locator('.n-dialog__close, .n-base-close').first().click();
  await eventually(async () => (await row.locator('[data-testid="agent-status"]').innerText()).trim() === '在线',
    { what: 'the agent to show online' });
  assert.match(await row.locator('[data-testid="agent-latency"]').innerText(), /ms/);
  await shot('15e-agents');

  // The key-less script reads AGENT_KEY from the environment.
  await row.locator('[data-testid="agent-more"]').click();
  await byTestId('agent-script').click();
  await byTestId('agent-install-script').waitFor();
  const bare = await byTestId('agent-install-script').innerText();
  assert.ok(bare.includes('AGENT_KEY') && !bare.includes(key), 'the downloadable script must not embed the key');
  await byTestId('agent-key-close').click();
  await modal.waitFor({ state: 'hidden' });

  // A new key (after confirming) is shown once too, and differs.
  const confirmDialog = async () => {
    const d = page.locator('.n-dialog');
    await d.waitFor();
    await d.locator('.n-dialog__action button').last().click();
  };
  await row.locator('[data-testid="agent-more"]').click();
  await byTestId('agent-regenerate').click();
  await confirmDialog();
  await keyInput.waitFor();
  const second = await keyInput.inputValue();
  assert.ok(second.startsWith('agk-') && second !== key, 'regenerate did not issue a new key');
  await byTestId('agent-key-close').click();
  await modal.waitFor({ state: 'hidden' });

  // Deleting (after confirming) brings the empty state back.
  await row.locator('[data-testid="agent-more"]').click();
  await byTestId('agent-delete').click();
  await confirmDialog();
  await byTestId('agent-empty').waitFor();
}, { independent: true });

step('switch to English, and it persists', async () => {
  await go('/');
  assert.equal((await byTestId('menu-dashboard').innerText()).trim(), '仪表盘');
  await byTestId('lang-switch').click();
  await byTestId('lang-en-US').click();
  await eventually(async () => (await byTestId('menu-dashboard').innerText()).trim() === 'Dashboard', { what: 'English menu' });
  await page.reload();
  await byTestId('menu-dashboard').waitFor();
  assert.equal((await byTestId('menu-dashboard').innerText()).trim(), 'Dashboard');
  await page.getByText('Requests today').first().waitFor();
  await shot('16-dashboard-en');
  await go('/routing');
  await shot('17-routing-en');
  await go('/agents');
  await page.getByText('No agents yet').first().waitFor();
  await shot('17b-agents-en');
}, { independent: true });

step('server validation errors are listed and shown at the field', async () => {
  await go('/routing');
  await byTestId('routing-add').click();
  await byTestId('routing-name').fill('e2e-invalid');
  // Valid for the editor's local checks, but provider 987654 does not exist: only the server knows.
  await byTestId('routing-json').fill(JSON.stringify({
    strategy: { mode: 'fallback' },
    targets: [{ provider_id: 987654, override_params: { model: MODEL } }],
  }, null, 2));
  await byTestId('routing-submit').click();
  await byTestId('routing-errors').waitFor();
  await shot('18-routing-server-errors');
  // the visual editor took the JSON over, and the target card is marked where the server pointed
  await byTestId('target:targets[0]').waitFor();
  const fieldErrors = await page.locator('[data-testid="routing-visual"] .n-form-item-feedback--error, [data-testid="routing-visual"] .target.invalid').count();
  assert.ok(fieldErrors > 0, 'no field is marked with the server error');
}, { independent: true });
