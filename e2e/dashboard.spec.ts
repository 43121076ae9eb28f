/**
 * The dashboard end to end: Debian's Chromium, the real headless server (child process),
 * the fake Anthropic upstream, and requests from the official SDK. Elements are found by
 * the accessible names agreed in notes/shared-ui.md.
 */
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER, type OperationName } from '../proxy/contract/operations.js';
import { openSse, rawRequest } from '../test/raw-http.js';
import { askStreaming, CLIENT_KEY, expect, MODEL, openTab, saveScreenshot, test } from './support/fixtures.js';
import type { HeadlessServer } from './support/server.js';

/** The bound for a request to show up in Live and then in History. */
const WITHIN_A_SECOND = 1_000;
const STORED_KEY = 'sk-ant-api03-e2eStoredSecretKey0123456789-Zq7w';
const TOKEN_MESSAGE = 'Open the link printed by `npm run serve`';

async function api(server: HeadlessServer, op: OperationName, arg?: unknown, token = server.token) {
  const route = HTTP_ROUTES[op];
  return rawRequest(server.controlUrl + route.path, {
    method: route.method,
    headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
    body: route.method === 'GET' ? undefined : JSON.stringify(arg ?? {}),
  });
}

/** The key a request carried upstream: the SDK sends it as `x-api-key` or as a bearer token. */
function credentialOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['x-api-key'];
  if (typeof key === 'string') return key;
  const auth = headers.authorization;
  return typeof auth === 'string' ? auth.replace(/^Bearer /, '') : undefined;
}

/** Resolves with the socket error code, or 'connected'. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

/** Detail parts may be tabs or headed sections; either way the part must be named. */
async function showDetailPart(detail: Locator, name: string): Promise<void> {
  const tab = detail.getByRole('tab', { name, exact: true });
  if ((await tab.count()) > 0) await tab.click();
  else await expect(detail.getByRole('heading', { name, exact: true })).toBeVisible();
}

function collectApiBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/') || url.pathname === EVENTS_PATH) return;
    try {
      bodies.push(await response.text());
    } catch {
      // A response the page navigated away from has no body left to read.
    }
  });
  return bodies;
}

test('opens the dashboard with its printed link and drops the token from the address bar', async ({ page, server }) => {
  const cspErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
  });
  const response = await page.goto(server.dashboardUrl);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

  await expect(page.getByTestId('proxy-status')).toContainText('Running');
  await expect(page.getByTestId('base-url')).toContainText(server.proxyUrl);
  await expect(page.getByRole('button', { name: 'Copy ANTHROPIC_BASE_URL' })).toBeVisible();
  await expect(page.getByTestId('requests-today')).toBeVisible();
  for (const name of ['Live', 'History', 'Usage', 'Modifier', 'Settings']) {
    await expect(page.getByRole('tab', { name, exact: true })).toBeVisible();
  }
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
  expect(page.url()).not.toContain(server.token);

  // The token lives on in this tab's session storage, so a reload keeps working.
  await page.reload();
  await expect(page.getByTestId('proxy-status')).toContainText('Running');
  expect(cspErrors).toEqual([]);
});

test.describe('with a modifier set', () => {
  test.use({ initialSettings: { modifierText: ' Answer in French.' } });

  test('an SDK request shows up in Live, then in History with the modifier diff and the assembled stream', async ({
    dashboard,
    server,
    fake,
    sdk,
  }) => {
    await expect(dashboard.getByTestId('proxy-status')).toContainText('Running');
    await openTab(dashboard, 'Live');
    fake.enqueue({
      kind: 'stream',
      stream: 'text',
      model: MODEL,
      text: ['Bonjour', ' ! Paris est', ' la capitale.'],
      usage: { input_tokens: 1234, output_tokens: 567 },
    });

    const answer = await askStreaming(sdk, 'What is the capital of France?');
    expect(answer).toBe('Bonjour ! Paris est la capitale.');
    expect(fake.last().json.messages[0].content).toBe('What is the capital of France? Answer in French.');

    const liveRow = dashboard.getByTestId('live-row').filter({ hasText: '/v1/messages' });
    await expect(liveRow).toHaveCount(1, { timeout: WITHIN_A_SECOND });
    await expect(liveRow).toContainText('POST');
    await expect(liveRow).toContainText(MODEL);
    await expect(liveRow).toContainText('200');
    await expect(liveRow).toContainText(/\d+(\.\d+)? ?(ms|s)/);
    await expect(liveRow).toContainText('567');
    await saveScreenshot(dashboard, 'live');

    const page = await api(server, 'listHistory', { limit: 5 });
    const id: string = page.json.items[0].id;
    await openTab(dashboard, 'History');
    const historyRow = dashboard.locator(`[data-testid="history-row"][data-id="${id}"]`);
    await expect(historyRow).toBeVisible({ timeout: WITHIN_A_SECOND });
    await historyRow.click();

    const detail = dashboard.getByTestId('history-detail');
    await expect(detail).toBeVisible();
    await showDetailPart(detail, 'Summary');
    await expect(detail).toContainText(MODEL);
    await showDetailPart(detail, 'Forwarded');
    const inserted = detail.getByTestId('modifier-diff').locator('ins');
    await expect(inserted).toContainText('Answer in French.');
    await expect(detail.getByTestId('modifier-diff')).toContainText('What is the capital of France?');
    await showDetailPart(detail, 'Response');
    await expect(detail.getByTestId('assembled-message')).toContainText('Bonjour ! Paris est la capitale.');
    for (const name of ['Copy as curl', 'Copy JSON', 'Delete']) {
      await expect(detail.getByRole('button', { name }).or(dashboard.getByRole('button', { name })).first()).toBeVisible();
    }
    await saveScreenshot(dashboard, 'history');
  });
});

test('a large prompt stays on the server until Load is pressed in History', async ({ dashboard, server, sdk }) => {
  const prompt = `Count the words: ${'lorem '.repeat(50_000)}`;
  await askStreaming(sdk, prompt);
  // The history writer commits in the background.
  let id = '';
  await expect
    .poll(async () => (id = (await api(server, 'listHistory', { limit: 1 })).json.items[0]?.id ?? ''))
    .not.toBe('');
  const fetched: string[] = [];
  dashboard.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/history/')) fetched.push(path);
  });

  await openTab(dashboard, 'History');
  const detailReply = dashboard.waitForResponse((r) => new URL(r.url()).pathname === HTTP_ROUTES.getHistoryEntry.path);
  await dashboard.locator(`[data-testid="history-row"][data-id="${id}"]`).click();
  expect((await (await detailReply).text()).length).toBeLessThan(50 * 1024);
  const detail = dashboard.getByTestId('history-detail');
  await showDetailPart(detail, 'Request');
  const load = detail.getByRole('button', { name: /^Load \(\d+ KB\)$/ });
  await expect(load).toBeVisible();
  await expect(detail).not.toContainText('lorem lorem');
  expect(fetched).not.toContain(HTTP_ROUTES.getHistoryBody.path);

  await load.click();
  await expect(detail).toContainText('Count the words: lorem lorem');
  expect(fetched).toContain(HTTP_ROUTES.getHistoryBody.path);
});

test('editing the modifier in the UI changes what the next request carries, and persists', async ({
  dashboard,
  server,
  fake,
  sdk,
}) => {
  await openTab(dashboard, 'Modifier');
  const text = dashboard.getByLabel('Appended text');
  await text.fill(' Reply in haiku.');
  const enabled = dashboard.getByLabel('Enabled');
  await enabled.check();
  await expect(dashboard.getByTestId('modifier-preview')).toContainText('Reply in haiku.');
  await dashboard.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dashboard.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await saveScreenshot(dashboard, 'modifier');

  await askStreaming(sdk, 'Describe the sea.');
  expect(fake.last().json.messages[0].content).toBe('Describe the sea. Reply in haiku.');
  const file = JSON.parse(readFileSync(join(server.dataDir, 'settings.json'), 'utf8'));
  expect(file).toMatchObject({ modifierText: ' Reply in haiku.', modifierEnabled: true });

  await enabled.uncheck();
  await dashboard.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => (await api(server, 'getSettings')).json.modifierEnabled).toBe(false);
  await askStreaming(sdk, 'Describe the sky.');
  expect(fake.last().json.messages[0].content).toBe('Describe the sky.');
});

test('stopping the proxy from the UI frees its port; starting it makes requests work again', async ({
  dashboard,
  server,
  fake,
  sdk,
}) => {
  await expect(dashboard.getByTestId('proxy-status')).toContainText('Running');
  expect(await probe(server.proxyPort)).toBe('connected');

  await dashboard.getByRole('button', { name: 'Stop proxy' }).click();
  await expect(dashboard.getByTestId('proxy-status')).toContainText('Stopped');
  await expect.poll(() => probe(server.proxyPort)).toBe('ECONNREFUSED');
  await expect(askStreaming(sdk, 'Anyone there?')).rejects.toThrow(/connection/i);
  // The dashboard keeps working while the proxy is down.
  await openTab(dashboard, 'History');
  await openTab(dashboard, 'Live');

  await dashboard.getByRole('button', { name: 'Start proxy' }).click();
  await expect(dashboard.getByTestId('proxy-status')).toContainText('Running');
  const before = fake.requests.length;
  expect(await askStreaming(sdk, 'Back again?')).toBe('Hello! How can I help you today?');
  expect(fake.requests.length).toBe(before + 1);
  await expect(dashboard.getByTestId('base-url')).toContainText(server.proxyUrl);
});

test('the API key set in Settings is used upstream and never shown or returned', async ({ dashboard, server, fake, sdk }) => {
  const bodies = collectApiBodies(dashboard);
  const sse = await openSse(`${server.controlUrl}${EVENTS_PATH}?token=${server.token}`);

  await openTab(dashboard, 'Settings');
  const state = dashboard.getByTestId('api-key-state');
  await expect(state).toContainText('Not set');
  const keyInput = dashboard.getByLabel('API key', { exact: true });
  await expect(keyInput).toHaveAttribute('type', 'password');
  await keyInput.fill(STORED_KEY);
  await dashboard.getByRole('button', { name: 'Save key' }).click();
  await expect(state).toContainText('Set');
  await expect(state).toContainText(STORED_KEY.slice(-4));
  await expect(keyInput).toHaveValue('');
  // The upstream URL came from --upstream, so the UI says it is fixed for this run.
  await expect(dashboard.getByText(/set by/).first()).toBeVisible();
  await saveScreenshot(dashboard, 'settings');

  await askStreaming(sdk, 'Use the stored key, please.');
  expect(fake.last().headers['x-api-key']).toBe(STORED_KEY);
  expect(fake.last().headers.authorization).toBeUndefined();
  await sse.until((messages) => JSON.stringify(messages).includes('history:change'));

  await openTab(dashboard, 'History');
  await dashboard.getByTestId('history-row').first().click();
  const detail = dashboard.getByTestId('history-detail');
  await expect(detail).toBeVisible();
  await showDetailPart(detail, 'Headers');
  await openTab(dashboard, 'Settings');

  expect(await dashboard.content()).not.toContain(STORED_KEY);
  expect(await dashboard.evaluate(() => document.body.innerText)).not.toContain(STORED_KEY);
  const inputValues = await dashboard.evaluate(() =>
    [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value),
  );
  expect(inputValues.join('\n')).not.toContain(STORED_KEY);
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) expect(body).not.toContain(STORED_KEY);
  expect(JSON.stringify(sse.messages)).not.toContain(STORED_KEY);
  sse.close();
  const history = await api(server, 'listHistory', {});
  for (const op of ['getStatus', 'getSettings', 'getStats'] as const) {
    expect((await api(server, op)).text).not.toContain(STORED_KEY);
  }
  expect(history.text).not.toContain(STORED_KEY);
  const entry = await api(server, 'getHistoryEntry', { id: history.json.items[0].id });
  expect(entry.status).toBe(200);
  expect(entry.text).not.toContain(STORED_KEY);

  // Headless keeps the key in an owner-only file.
  const settingsFile = join(server.dataDir, 'settings.json');
  expect(JSON.parse(readFileSync(settingsFile, 'utf8')).apiKey).toBe(STORED_KEY);
  if (process.platform !== 'win32') expect(statSync(settingsFile).mode & 0o777).toBe(0o600);

  await dashboard.getByRole('button', { name: 'Clear key' }).click();
  await expect(state).toContainText('Not set');
  await askStreaming(sdk, 'Now with my own key.');
  expect(credentialOf(fake.last().headers)).toBe(CLIENT_KEY);
});

test('Settings refuses an invalid port inline', async ({ dashboard }) => {
  await openTab(dashboard, 'Settings');
  await dashboard.getByLabel('Port').fill('70000');
  await dashboard.getByRole('button', { name: 'Save settings' }).click();
  await expect(dashboard.getByRole('alert').first()).toBeVisible();
});

test('Usage shows charts, totals and the cache hit ratio', async ({ dashboard, server, fake, sdk }) => {
  fake.enqueue({ kind: 'stream', stream: 'text', usage: { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 300 } });
  await askStreaming(sdk, 'Count my tokens.');
  await expect.poll(async () => (await api(server, 'getStats', { days: 30 })).json.totals.requests).toBe(1);

  await openTab(dashboard, 'Usage');
  await expect(dashboard.getByTestId('usage-chart').first()).toBeVisible();
  await expect(dashboard.getByTestId('usage-totals')).toContainText('1');
  await expect(dashboard.getByTestId('cache-hit-ratio')).toContainText('%');
  await saveScreenshot(dashboard, 'usage');
});

test('a wrong or missing token gets nothing', async ({ browser, server }) => {
  for (const url of [`${server.controlUrl}/#token=not-the-right-token-at-all`, `${server.controlUrl}/`]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const bodies = collectApiBodies(page);
    await page.goto(url);
    await expect(page.getByText(TOKEN_MESSAGE)).toBeVisible();
    await expect(page.getByTestId('proxy-status')).toHaveCount(0);
    await expect(page.getByRole('tab')).toHaveCount(0);
    for (const body of bodies) expect(JSON.parse(body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    await context.close();
  }

  for (const op of Object.keys(HTTP_ROUTES) as OperationName[]) {
    const res = await api(server, op, {}, 'not-the-right-token-at-all');
    expect(res.status, op).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  }
  const missing = await rawRequest(server.controlUrl + HTTP_ROUTES.getSettings.path);
  expect(missing.status).toBe(401);
  const events = await rawRequest(`${server.controlUrl}${EVENTS_PATH}?token=wrong`);
  expect(events.status).toBe(401);
  // A page on another site cannot use the API even with the token.
  const foreign = await rawRequest(server.controlUrl + HTTP_ROUTES.getStatus.path, {
    headers: { [TOKEN_HEADER]: server.token, origin: 'http://evil.example' },
  });
  expect(foreign.status).toBe(403);
});
