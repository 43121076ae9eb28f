import Anthropic from '@anthropic-ai/sdk';
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '../../test/fake-upstream.js';
import type { StoredSettings } from '../../proxy/settings/types.js';
import { SCREENSHOT_DIR } from './paths.js';
import { startHeadless, type HeadlessServer } from './server.js';

/** What the SDK client sends; the proxy replaces it when a key is stored. */
export const CLIENT_KEY = 'sk-ant-test-XXXX';
/** A current model: the SDK warns on deprecated ones. */
export const MODEL = 'claude-sonnet-4-6';

interface Fixtures {
  /** How the fake upstream behaves (override per test with `test.use`, e.g. its prompt cache). */
  fakeOptions: FakeUpstreamOptions;
  fake: FakeUpstream;
  /** Settings the server starts with (override per test with `test.use`). */
  initialSettings: Partial<StoredSettings>;
  /** Environment the server starts with (override per test with `test.use`). */
  serverEnv: Record<string, string>;
  server: HeadlessServer;
  sdk: Anthropic;
  /** The dashboard, opened through the printed link. */
  dashboard: Page;
}

export const test = base.extend<Fixtures>({
  fakeOptions: [{}, { option: true }],
  fake: async ({ fakeOptions }, use) => {
    const fake = await startFakeUpstream(fakeOptions);
    await use(fake);
    await fake.close();
  },
  initialSettings: [{}, { option: true }],
  serverEnv: [{}, { option: true }],
  server: async ({ fake, initialSettings, serverEnv }, use, testInfo) => {
    const server = await startHeadless({ upstreamUrl: fake.url, settings: initialSettings, env: serverEnv });
    await use(server);
    await server.stop();
    await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
  },
  sdk: async ({ server }, use) => {
    await use(new Anthropic({ apiKey: CLIENT_KEY, baseURL: server.proxyUrl, maxRetries: 0 }));
  },
  dashboard: async ({ page, server }, use) => {
    await page.goto(server.dashboardUrl);
    await use(page);
  },
});

export { expect };

/** One streamed request through the official SDK; resolves with the assembled text. */
export async function askStreaming(sdk: Anthropic, prompt: string): Promise<string> {
  const stream = sdk.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
  const message = await stream.finalMessage();
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

export async function saveScreenshot(page: Page, view: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${view}.png`), fullPage: true });
}

export async function openTab(page: Page, name: 'Sessions' | 'Live' | 'History' | 'Usage' | 'Modifier' | 'Settings'): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}
