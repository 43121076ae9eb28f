import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../proxy/settings/settings.js';
import { KeyStorageError } from './api-key-storage.js';
import { createElectronSettingsStore } from './settings-store.js';
import { fakeSafeStorage } from './testing/fake-safe-storage.js';

// electron-store imports `electron` and asks the main process for userData and the app's version.
vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => '/nonexistent-userData', getVersion: () => '0.1.0' },
    ipcMain: { on: () => undefined },
  };
  return { ...electron, default: electron };
});

const KEY = 'sk-ant-api03-abcdefghijklmnop-WXYZ';

describe('createElectronSettingsStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'addendum-electron-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from defaults and persists to <userData>/settings.json, owner-only', () => {
    const store = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux' });
    expect(store.location).toBe(join(dir, 'settings.json'));
    expect(store.load()).toEqual(defaultSettings());

    store.save({ ...defaultSettings(), apiKey: KEY, modifierEnabled: false });
    const text = readFileSync(store.location, 'utf8');
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text)).toHaveProperty('apiKeyEncrypted');
    if (process.platform !== 'win32') expect(statSync(store.location).mode & 0o777).toBe(0o600);

    const reopened = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux' });
    expect(reopened.load()).toMatchObject({ apiKey: KEY, modifierEnabled: false });
  });

  it('leaves the file untouched when the key cannot be encrypted', () => {
    const good = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux' });
    good.save({ ...defaultSettings(), port: 9100 });
    const before = readFileSync(good.location, 'utf8');

    const noKeyring = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage({ backend: 'basic_text' }), platform: 'linux' });
    expect(() => noKeyring.save({ ...defaultSettings(), port: 9200, apiKey: KEY })).toThrow(KeyStorageError);
    expect(readFileSync(good.location, 'utf8')).toBe(before);
    // Settings without a key still save on such a system.
    noKeyring.save({ ...defaultSettings(), port: 9200 });
    expect(noKeyring.load().port).toBe(9200);
  });

  it('sets a file that is not JSON aside, keeps it, and starts from defaults', () => {
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    const store = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux', now: () => 1234 });
    expect(store.setAside).toBe(join(dir, 'settings.json.damaged-1234'));
    expect(readFileSync(store.setAside!, 'utf8')).toBe('{ not json');
    expect(store.load()).toEqual(defaultSettings());
    store.save({ ...defaultSettings(), port: 9300 });
    expect(createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage() }).load().port).toBe(9300);
  });

  it('sets aside a file that breaks the schema', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, port: 'eighty', modifierText: 'kept aside' }));
    const store = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux', now: () => 99 });
    expect(store.setAside).toBe(join(dir, 'settings.json.damaged-99'));
    expect(JSON.parse(readFileSync(store.setAside!, 'utf8'))).toMatchObject({ modifierText: 'kept aside' });
    expect(store.load()).toEqual(defaultSettings());
  });

  it('sets aside a file damaged while the app runs, on the next read', () => {
    const store = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux', now: () => 7 });
    store.save({ ...defaultSettings(), port: 9400 });
    expect(store.setAside).toBeNull();
    writeFileSync(store.location, '{"port": 94');
    expect(store.load()).toEqual(defaultSettings());
    expect(readdirSync(dir)).toContain('settings.json.damaged-7');
    expect(existsSync(store.location)).toBe(false);
  });

  it('keeps launch at login, off by default, across saves of the shared settings', () => {
    const store = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux' });
    expect(store.launchAtLogin()).toBe(false);
    store.save({ ...defaultSettings(), port: 9500 });
    store.setLaunchAtLogin(true);
    store.save({ ...defaultSettings(), port: 9600 });
    const reopened = createElectronSettingsStore({ dir, safeStorage: fakeSafeStorage(), platform: 'linux' });
    expect(reopened.launchAtLogin()).toBe(true);
    expect(reopened.load().port).toBe(9600);
    reopened.setLaunchAtLogin(false);
    expect(JSON.parse(readFileSync(reopened.location, 'utf8'))).toMatchObject({ launchAtLogin: false, port: 9600 });
  });
});
