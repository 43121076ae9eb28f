/**
 * Replay and rate limits end to end: Debian's Chromium, the real headless server, the fake
 * upstream. A Claude-Code-shaped session is driven with the official SDK, one turn is
 * replayed from its detail, and the replay is found in the history linked to the original.
 */
import Anthropic from '@anthropic-ai/sdk';
import { HTTP_ROUTES, TOKEN_HEADER } from '../proxy/contract/operations.js';
import { REPLAY_HEADER } from '../proxy/http/replay-link.js';
import { rawRequest } from '../test/raw-http.js';
import { expect, MODEL, openTab, saveScreenshot, test } from './support/fixtures.js';
import type { HeadlessServer } from './support/server.js';

const STORED_KEY = 'sk-ant-api03-e2eReplayStoredKey0123456789-Rk42';
const SESSION_ID = '0e53b427-2a07-42d6-8228-f04a8937dd2f';

async function historyIds(server: HeadlessServer): Promise<string[]> {
  const res = await rawRequest(server.controlUrl + HTTP_ROUTES.listHistory.path, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: server.token, 'content-type': 'application/json' },
    body: JSON.stringify({ limit: 10 }),
  });
  return res.json.items.map((i: { id: string }) => i.id);
}

test.describe('with an API key stored', () => {
  test.use({ initialSettings: { apiKey: STORED_KEY, modifierText: ' Be brief.' } });

  test('a session turn is replayed from its detail and lands in the history linked to the original', async ({ dashboard, server, fake, sdk }) => {
    const session = { headers: { 'x-claude-code-session-id': SESSION_ID } };
    const first = [{ role: 'user' as const, content: 'List the files' }];
    const answer = await sdk.messages.create({ model: MODEL, max_tokens: 32, messages: first }, session);
    await sdk.messages.create(
      { model: MODEL, max_tokens: 32, messages: [...first, { role: 'assistant', content: answer.content }, { role: 'user', content: 'Now the tests' }] },
      session,
    );
    let ids: string[] = [];
    await expect.poll(async () => (ids = await historyIds(server)).length).toBe(2);
    const turn = ids[0]!;

    await expect(dashboard.getByTestId('ratelimit-badge')).toContainText('configured key …Rk42');
    await openTab(dashboard, 'History');
    await dashboard.locator(`[data-testid="history-row"][data-id="${turn}"]`).click();
    const detail = dashboard.getByTestId('history-detail');
    await expect(detail.getByTestId('session-link')).toContainText('turn 2 of 2');
    await detail.getByRole('button', { name: 'Replay…' }).click();
    const dialog = dashboard.getByTestId('replay-dialog');
    await expect(dialog.getByTestId('replay-credentials')).toContainText('the API key configured in Addendum (…Rk42)');
    await expect(dialog.getByTestId('replay-credentials')).toContainText('costs tokens');
    await dialog.getByRole('button', { name: 'Edit JSON' }).click();
    const editor = dialog.getByRole('textbox', { name: 'Request body (JSON)' });
    await expect(editor).toHaveValue(/"Now the tests"/);
    await editor.fill('{"model":');
    await expect(dialog.getByTestId('json-check')).toContainText('Not JSON');
    await expect(dialog.getByRole('button', { name: 'Send replay' })).toBeDisabled();
    const edited = (await historyBody(server, turn)).replace('Now the tests', 'Now only the unit tests');
    await editor.fill(edited);
    await dialog.getByRole('button', { name: 'Format' }).click();
    await expect(dialog.getByTestId('json-check')).toHaveText('Valid JSON');
    await saveScreenshot(dashboard, 'replay-dialog');

    await dialog.getByRole('button', { name: 'Send replay' }).click();
    const compare = dashboard.getByTestId('replay-compare');
    await expect(compare.getByTestId('replay-side-original')).toContainText(turn);
    await expect(compare.getByTestId('replay-request-diff')).toContainText('Now only the unit tests');
    await saveScreenshot(dashboard, 'replay');

    const sent = fake.last();
    expect(sent.headers['x-api-key']).toBe(STORED_KEY);
    expect(sent.headers[REPLAY_HEADER]).toBeUndefined();
    expect(sent.json.messages.at(-1).content).toBe('Now only the unit tests Be brief.');

    ids = await historyIds(server);
    expect(ids).toHaveLength(3);
    const replay = ids[0]!;
    await expect(compare.getByTestId('replay-side-replay')).toContainText(replay);
    const row = dashboard.locator(`[data-testid="history-row"][data-id="${replay}"]`);
    await expect(row).toBeVisible();
    await row.click();
    await expect(detail.getByTestId('replay-of')).toHaveText(turn);
    await detail.getByRole('tab', { name: 'Compare with original' }).click();
    await expect(detail.getByTestId('replay-compare').getByTestId('replay-side-original')).toContainText(turn);

    await openTab(dashboard, 'Usage');
    const limits = dashboard.getByTestId('ratelimit-credential').filter({ hasText: 'configured key …Rk42' });
    await expect(limits).toContainText('requests');
    await expect(limits).toContainText('4,000');
    await limits.scrollIntoViewIfNeeded();
    await saveScreenshot(dashboard, 'rate-limits');
  });
});

test('without a stored key, replay of the client\'s own key is refused with the reason and how to set a key', async ({ dashboard, server, fake, sdk }) => {
  await sdk.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
  let ids: string[] = [];
  await expect.poll(async () => (ids = await historyIds(server)).length).toBe(1);
  await openTab(dashboard, 'History');
  await dashboard.locator(`[data-testid="history-row"][data-id="${ids[0]}"]`).click();
  await dashboard.getByTestId('history-detail').getByRole('button', { name: 'Replay…' }).click();
  const dialog = dashboard.getByTestId('replay-dialog');
  await expect(dialog.getByRole('alert')).toContainText("client's own");
  await expect(dialog.getByRole('alert')).toContainText('Set an API key in Settings');
  await expect(dialog.getByRole('button', { name: 'Send replay' })).toBeDisabled();
  expect(fake.requests).toHaveLength(1);

  // A subscription's token passes through (no key stored) and brings the unified windows.
  const subscription = new Anthropic({ apiKey: null, authToken: 'sk-ant-oat01-e2eSubscriptionToken-Ab12', baseURL: server.proxyUrl, maxRetries: 0 });
  await subscription.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hi again' }] });
  await expect(dashboard.getByTestId('ratelimit-badge')).toContainText('OAuth token …Ab12 5h 42% used · 7d 30% used');
  await openTab(dashboard, 'Usage');
  const unified = dashboard.getByTestId('ratelimit-credential').filter({ hasText: 'OAuth token …Ab12' });
  await expect(unified).toContainText('unified 5h');
  await expect(unified).toContainText('42% used');
  await unified.scrollIntoViewIfNeeded();
  await saveScreenshot(dashboard, 'rate-limits-subscription');
});

async function historyBody(server: HeadlessServer, id: string): Promise<string> {
  const res = await rawRequest(server.controlUrl + HTTP_ROUTES.getHistoryBody.path, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: server.token, 'content-type': 'application/json' },
    body: JSON.stringify({ id, field: 'originalBody' }),
  });
  return res.json.text as string;
}
