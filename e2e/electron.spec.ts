/**
 * The desktop app end to end: the real Electron binary runs dist/main/index.js, the proxy
 * forwards to the fake Anthropic upstream, and the dashboard in the window is driven
 * through the preload bridge. It needs what a developer's machine has and this test
 * machine may not: the Electron binary (fetched on the first `npm start`), better-sqlite3
 * built for Electron (scripts/rebuild-electron.mjs), and a display (`xvfb-run` on Linux).
 * Each missing piece skips the test with the reason instead of failing it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddendumApi } from '../proxy/contract/operations.js';
import { electronBinaryPath, electronInfo, electronNativeBinding } from '../scripts/electron-native.mjs';
import { startFakeUpstream, type FakeUpstream } from '../test/fake-upstream.js';
import { REPO_ROOT } from './support/paths.js';

const MODEL = 'claude-sonnet-4-5-20250929';

function missingPrerequisite(): string | null {
  const info = electronInfo(REPO_ROOT);
  if (!info) return 'Electron is not installed (node_modules/electron is missing): run `npm ci`.';
  if (!electronBinaryPath(info.dir)) {
    return (
      `Electron binary not installed: node_modules/electron ${info.version} has no unpacked binary yet ` +
      '(Electron 42+ downloads it on first launch; run `npm start` once on a machine with network access).'
    );
  }
  if (!existsSync(electronNativeBinding(REPO_ROOT))) {
    return 'better-sqlite3 is not built for Electron: run `node scripts/rebuild-electron.mjs` (needs network for the headers).';
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'No display: run the Electron tests under `xvfb-run -a npx playwright test --project=electron`.';
  }
  return null;
}

interface TraySnapshot {
  icon: string;
  tooltip: string;
  menu: string[];
}

const skipReason = missingPrerequisite();
test.skip(skipReason !== null, skipReason ?? '');

let app: ElectronApplication;
let window: Page;
let fake: FakeUpstream;
let dataDir: string;

function trayState(): Promise<TraySnapshot | null> {
  return app.evaluate(() => (globalThis as { __addendumE2E?: { tray(): TraySnapshot | null } }).__addendumE2E?.tray() ?? null);
}

test.beforeAll(async () => {
  fake = await startFakeUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'addendum-electron-e2e-'));
  const info = electronInfo(REPO_ROOT)!;
  app = await _electron.launch({
    // Given explicitly: Playwright's default lookup requires `electron`, which would download.
    executablePath: electronBinaryPath(info.dir)!,
    args: [
      join(REPO_ROOT, 'dist', 'main', 'index.js'),
      // Chromium refuses to run as root with its OS sandbox (CI containers); the renderer
      // stays sandboxed by its webPreferences either way.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    cwd: REPO_ROOT,
    env: {
      ...(process.env as Record<string, string>),
      ADDENDUM_DATA_DIR: dataDir,
      ADDENDUM_PORT: '0',
      ANTHROPIC_API_URL: fake.url,
      ADDENDUM_E2E: '1',
      ELECTRON_RUN_AS_NODE: '',
    },
    timeout: 30_000,
  });
  window = await app.firstWindow();
});

test.afterAll(async () => {
  await app?.close();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the window shows the dashboard over the preload bridge', async () => {
  await expect(window.getByRole('tab', { name: 'Live', exact: true })).toBeVisible();
  await expect(window.getByTestId('proxy-status')).toContainText('Running');
  expect(window.url()).toMatch(/^file:.*\/dist\/renderer\/index\.html/);
});

test('the page gets named methods, never Node or raw IPC', async () => {
  const surface = await window.evaluate(() => ({
    bridge: Object.keys((window as unknown as { addendum: object }).addendum).sort(),
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }));
  expect(surface.bridge).toContain('getStatus');
  expect(surface.bridge).toContain('subscribe');
  expect(surface.bridge).not.toContain('invoke');
  expect(surface.require).toBe('undefined');
  expect(surface.process).toBe('undefined');
});

test('the tray shows the running proxy', async () => {
  const tray = await trayState();
  expect(tray?.icon).toMatch(/^tray-running/);
  expect(tray?.menu).toContain('Stop proxy');
  expect(tray?.menu).toContain('Launch at login');
});

test('a request through the proxy shows up in Live', async () => {
  const status = await window.evaluate(() => (window as unknown as { addendum: AddendumApi }).addendum.getStatus());
  expect(status.baseUrl).not.toBeNull();
  const sdk = new Anthropic({ apiKey: 'sk-ant-test-XXXX', baseURL: status.baseUrl!, maxRetries: 0 });
  await sdk.messages.create({ model: MODEL, max_tokens: 32, messages: [{ role: 'user', content: 'Hello from Electron' }] });
  await window.getByRole('tab', { name: 'Live', exact: true }).click();
  await expect(window.getByTestId('live-row').first()).toContainText('/v1/messages');
  await expect.poll(async () => (await trayState())?.tooltip).toContain('1 request today');
});

test('stopping from the dashboard updates the tray', async () => {
  await window.getByRole('button', { name: 'Stop proxy' }).click();
  await expect(window.getByTestId('proxy-status')).toContainText('Stopped');
  await expect.poll(async () => (await trayState())?.icon).toMatch(/^tray-stopped/);
  await window.getByRole('button', { name: 'Start proxy' }).click();
  await expect.poll(async () => (await trayState())?.icon).toMatch(/^tray-running/);
});
