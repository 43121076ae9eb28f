import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../proxy/settings/settings.js';
import type { StoredSettings } from '../proxy/settings/types.js';
import {
  canEncrypt,
  createElectronSettingsStore,
  decodeApiKey,
  encodeApiKey,
  fromDisk,
  KeyStorageError,
  toDisk,
  type SafeStorageLike,
} from './settings-store.js';

// electron-store imports `electron` and asks the main process for userData and the app's version.
vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => '/nonexistent-userData', getVersion: () => '0.1.0' },
    ipcMain: { on: () => undefined },
  };
  return { ...electron, default: electron };
});

/** Reversible but visibly not plaintext, like the real thing. */
function fakeSafeStorage(options: { available?: boolean; backend?: string; failDecrypt?: boolean } = {}): SafeStorageLike {
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (text) => Buffer.from(`enc:${[...text].reverse().join('')}`, 'utf8'),
    decryptString: (buf) => {
      if (options.failDecrypt) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const text = buf.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('bad ciphertext');
      return [...text.slice(4)].reverse().join('');
    },
  };
}

const KEY = 'sk-ant-api03-abcdefghijklmnop-WXYZ';

describe('canEncrypt', () => {
  it('requires encryption to be available', () => {
    expect(canEncrypt(fakeSafeStorage(), 'darwin')).toBe(true);
    expect(canEncrypt(fakeSafeStorage({ available: false }), 'win32')).toBe(false);
  });

  it('treats the Linux basic_text backend (a hard-coded password) as no encryption', () => {
    expect(canEncrypt(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toBe(false);
    expect(canEncrypt(fakeSafeStorage({ backend: 'kwallet6' }), 'linux')).toBe(true);
  });
});

describe('encodeApiKey / decodeApiKey', () => {
  it('round-trips through base64 ciphertext that does not contain the key', () => {
    const safe = fakeSafeStorage();
    const stored = encodeApiKey(KEY, safe, 'linux');
    expect(stored).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(stored!, 'base64').toString('utf8')).not.toContain(KEY);
    expect(decodeApiKey(stored, safe)).toBe(KEY);
  });

  it('stores nothing for no key', () => {
    expect(encodeApiKey(null, fakeSafeStorage({ available: false }))).toBeNull();
    expect(encodeApiKey('', fakeSafeStorage())).toBeNull();
  });

  it('refuses to store a key it cannot encrypt', () => {
    expect(() => encodeApiKey(KEY, fakeSafeStorage({ available: false }), 'win32')).toThrow(KeyStorageError);
    try {
      encodeApiKey(KEY, fakeSafeStorage({ backend: 'basic_text' }), 'linux');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'KEY_ENCRYPTION_UNAVAILABLE' });
      expect((err as Error).message).toContain('keyring');
      expect((err as Error).message).not.toContain(KEY);
    }
  });

  it('reads an undecryptable or unusable value as no key', () => {
    const stored = encodeApiKey(KEY, fakeSafeStorage(), 'linux');
    expect(decodeApiKey(stored, fakeSafeStorage({ failDecrypt: true }))).toBeNull();
    expect(decodeApiKey(stored, fakeSafeStorage({ available: false }))).toBeNull();
    expect(decodeApiKey(42, fakeSafeStorage())).toBeNull();
    expect(decodeApiKey('', fakeSafeStorage())).toBeNull();
  });
});

describe('toDisk / fromDisk', () => {
  const settings: StoredSettings = {
    ...defaultSettings(),
    apiKey: KEY,
    port: 9000,
    modifierText: 'Answer in French.',
    retention: { maxRows: 500, maxAgeDays: 7 },
  };

  it('writes the shared format with the key encrypted, never in clear', () => {
    const disk = toDisk(settings, fakeSafeStorage(), 'darwin');
    expect(disk).toMatchObject({ version: 1, port: 9000, modifierText: 'Answer in French.', retention: { maxRows: 500, maxAgeDays: 7 } });
    expect(disk).not.toHaveProperty('apiKey');
    expect(typeof disk.apiKeyEncrypted).toBe('string');
    expect(JSON.stringify(disk)).not.toContain(KEY);
    expect(fromDisk(disk, fakeSafeStorage())).toEqual(settings);
  });

  it('ignores a clear-text apiKey field and repairs damaged fields', () => {
    const loaded = fromDisk({ version: 1, apiKey: KEY, port: 'eighty', upstreamUrl: 'ftp://nope' }, fakeSafeStorage());
    expect(loaded.apiKey).toBeNull();
    expect(loaded.port).toBe(defaultSettings().port);
    expect(loaded.upstreamUrl).toBe(defaultSettings().upstreamUrl);
    expect(fromDisk(null, fakeSafeStorage())).toEqual(defaultSettings());
    expect(fromDisk([1, 2], fakeSafeStorage())).toEqual(defaultSettings());
  });
});

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
