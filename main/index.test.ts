/**
 * Boots the real main process (main/index.ts, the real host, proxy and history) against a
 * fake `electron` module: the wiring between tray, window, IPC, settings and quit is
 * exercised here, since no Electron binary can run on the test machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProxyStatus } from '../proxy/contract/types.js';
import { electronNativeBinding } from '../scripts/electron-native.mjs';
import type { IpcReply } from './ipc.js';
import type { TraySnapshot } from './tray.js';

const fake = await vi.hoisted(async () => (await import('./testing/fake-electron.js')).createFakeElectron());

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

/** Under Node the history cannot load better-sqlite3's Electron build: the Node build stands in. */
const nativeStandIn = vi.hoisted(() => ({ path: null as string | null }));
vi.mock('./paths.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./paths.js')>();
  return {
    ...real,
    appPaths: (root: string) => ({ ...real.appPaths(root), ...(nativeStandIn.path ? { nativeBinding: nativeStandIn.path } : {}) }),
  };
});

const KEY = 'sk-ant-api03-0123456789abcdef-TAIL';
let dataDir: string;
let ownPage: string;

function invoke<T>(op: string, arg?: unknown, url = ownPage): Promise<IpcReply<T>> {
  const handler = fake.ipcHandlers.get(`addendum:${op}`);
  if (!handler) throw new Error(`no handler for ${op}`);
  return handler({ senderFrame: { url, parent: null } }, arg) as Promise<IpcReply<T>>;
}

function trayState(): TraySnapshot | null {
  return (globalThis as { __addendumE2E?: { tray(): TraySnapshot | null } }).__addendumE2E?.tray() ?? null;
}

function httpStatus(baseUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/v1/unknown-path-for-test`, { method: 'GET', headers: { host: new URL(baseUrl).host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  nativeStandIn.path = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  dataDir = mkdtempSync(join(tmpdir(), 'addendum-main-boot-'));
  vi.stubEnv('ADDENDUM_DATA_DIR', dataDir);
  vi.stubEnv('ADDENDUM_PORT', '0');
  // Nothing in this test sends a request upstream; a closed loopback port makes sure of it.
  vi.stubEnv('ANTHROPIC_API_URL', 'http://127.0.0.1:9');
  vi.stubEnv('ANTHROPIC_API_KEY', '');
  vi.stubEnv('ADDENDUM_E2E', '1');
  // Launch at login on Linux writes an XDG autostart entry: into the test's folder.
  vi.stubEnv('XDG_CONFIG_HOME', join(dataDir, 'xdg-config'));
  await import('./index.js');
  fake.readyResolve();
  await vi.waitFor(() => expect(trayState()?.icon).toBe('tray-running.png'), { timeout: 15_000 });
  const win = fake.windows[0];
  if (!win?.loaded) throw new Error('no window loaded');
  ownPage = pathToFileURL(win.loaded).href;
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('desktop shell boot', () => {
  it('uses the data folder from the environment as userData', () => {
    expect(fake.paths.userData).toBe(dataDir);
    expect(fake.errorBoxes).toEqual([]);
  });

  it('opens one isolated window on the built dashboard, with the CommonJS preload', () => {
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.loaded).toMatch(/dist[\\/]renderer[\\/]index\.html$/);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(win.options.webPreferences?.preload)).toMatch(/dist[\\/]main[\\/]preload\.cjs$/);
  });

  it('starts the proxy and shows it in the tray', async () => {
    const status = await invoke<ProxyStatus>('getStatus');
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    expect(status.result.running).toBe(true);
    expect(status.result.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(trayState()).toMatchObject({ icon: 'tray-running.png', tooltip: expect.stringContaining(status.result.baseUrl!) });
    expect(await httpStatus(status.result.baseUrl!)).toBeGreaterThan(0);
  });

  it('registers every operation over IPC and refuses foreign pages', async () => {
    const reply = await invoke('clearHistory', undefined, 'https://evil.example/');
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    // The request sent in the previous test (refused upstream, so a 502) reaches the history.
    await vi.waitFor(async () => {
      const stats = await invoke<{ totals: { requests: number; errors: number } }>('getStats', { days: 7 });
      expect(stats).toMatchObject({ ok: true, result: { totals: { requests: 1, errors: 1 } } });
    });
  });

  it('reports invalid arguments with a code', async () => {
    const reply = await invoke('updateSettings', { port: 'eighty' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_SETTINGS' } });
  });

  it('saves the API key encrypted and never returns it', async () => {
    const reply = await invoke<{ apiKey: { set: boolean; last4: string | null } }>('updateSettings', { apiKey: KEY });
    expect(reply).toMatchObject({ ok: true, result: { apiKey: { set: true, last4: 'TAIL' } } });
    expect(JSON.stringify(reply)).not.toContain(KEY);
    const file = readFileSync(join(dataDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(KEY);
    expect(JSON.parse(file)).toHaveProperty('apiKeyEncrypted');
  });

  it('keeps the tray in step with the proxy state', async () => {
    await invoke('updateSettings', { modifierText: 'Be brief.', modifierEnabled: true });
    await vi.waitFor(() => expect(trayState()?.tooltip).toContain('appending text'));
    await invoke('stopProxy');
    // One request (the refused one above) is in today's history.
    await vi.waitFor(() => expect(trayState()).toMatchObject({ icon: 'tray-stopped.png', tooltip: 'Addendum: Stopped, 1 request today' }));
    expect(trayState()?.menu).toContain('Start proxy');
    await invoke('startProxy');
    await vi.waitFor(() => expect(trayState()?.icon).toBe('tray-running.png'));
  });

  it('turns launch at login on and off from the tray, remembering it in the settings file', async () => {
    const autostart = join(dataDir, 'xdg-config', 'autostart', 'addendum.desktop');
    const menuItem = () => fake.trays[0]!.menu!.template.find((m) => m.id === 'launch-at-login')!;
    expect(menuItem().checked).toBe(false);
    expect(existsSync(autostart)).toBe(false);

    menuItem().click!();
    await vi.waitFor(() => expect(menuItem().checked).toBe(true));
    if (process.platform === 'linux') expect(readFileSync(autostart, 'utf8')).toMatch(/^Exec=.* --hidden$/m);
    else expect(fake.loginItems.at(-1)).toMatchObject({ openAtLogin: true });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ launchAtLogin: true });

    menuItem().click!();
    await vi.waitFor(() => expect(menuItem().checked).toBe(false));
    if (process.platform === 'linux') expect(existsSync(autostart)).toBe(false);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ launchAtLogin: false });
  });

  it('hides the window on close while running', () => {
    const win = fake.windows[0]!;
    win.visible = true;
    const event = { preventDefault: vi.fn() };
    win.emit('close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(win.visible).toBe(false);
  });

  it('quits within the budget: stops the proxy, closes the history, then exits 0', async () => {
    const status = await invoke<ProxyStatus>('getStatus');
    const baseUrl = status.ok ? status.result.baseUrl! : '';
    fake.electron.app.quit();
    await vi.waitFor(() => expect(fake.exits).toEqual([0]), { timeout: 10_000 });
    await expect(httpStatus(baseUrl)).rejects.toThrow(/ECONNREFUSED/);
    // The window now really closes.
    const event = { preventDefault: vi.fn() };
    fake.windows[0]!.emit('close', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});

describe('desktop shell start failures', () => {
  async function relaunch(setup: () => void): Promise<void> {
    fake.exits.length = 0;
    fake.errorBoxes.length = 0;
    fake.appHandlers.clear();
    fake.ipcHandlers.clear();
    setup();
    vi.resetModules();
    await import('./index.js');
  }

  it('explains a bad environment variable and exits 1', async () => {
    await relaunch(() => vi.stubEnv('ADDENDUM_PORT', 'eighty'));
    await vi.waitFor(() => expect(fake.exits).toEqual([1]));
    expect(fake.errorBoxes).toEqual([['Addendum could not start', expect.stringContaining('port')]]);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('reports a history that cannot load in a dialog, with the fix when the Electron build is missing', async () => {
    // Without the stand-in the history needs build/electron-native; under Node either it is
    // missing (the usual case here) or it is built for Electron's ABI and fails to load.
    const devBinary = electronNativeBinding(fileURLToPath(new URL('..', import.meta.url)));
    await relaunch(() => {
      vi.stubEnv('ADDENDUM_PORT', '0');
      fake.electron.app.isPackaged = false;
      nativeStandIn.path = null;
    });
    await vi.waitFor(() => expect(fake.exits).toEqual([1]), { timeout: 10_000 });
    expect(fake.errorBoxes).toHaveLength(1);
    if (!existsSync(devBinary)) expect(fake.errorBoxes[0]![1]).toContain('scripts/rebuild-electron.mjs');
    fake.electron.app.isPackaged = true;
  });
});
