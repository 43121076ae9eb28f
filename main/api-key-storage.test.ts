import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../proxy/settings/settings.js';
import type { StoredSettings } from '../proxy/settings/types.js';
import { canEncrypt, decodeApiKey, encodeApiKey, fromDisk, KeyStorageError, toDisk } from './api-key-storage.js';
import { fakeSafeStorage } from './testing/fake-safe-storage.js';

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
    retention: { maxRows: 500, maxAgeDays: 7, maxDbMb: 256 },
  };

  it('writes the shared format with the key encrypted, never in clear', () => {
    const disk = toDisk(settings, fakeSafeStorage(), 'darwin');
    expect(disk).toMatchObject({ version: 1, port: 9000, modifierText: 'Answer in French.', retention: { maxRows: 500, maxAgeDays: 7, maxDbMb: 256 } });
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
