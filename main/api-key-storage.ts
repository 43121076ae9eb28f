import { AddendumError } from '../proxy/lib/errors.js';
import { migrateSettings, serializeSettings } from '../proxy/settings/settings.js';
import type { StoredSettings } from '../proxy/settings/types.js';

/**
 * The API key on disk in the desktop app: encrypted with Electron's `safeStorage` (OS
 * keychain / DPAPI / libsecret), stored as base64, never in clear. Pure functions over a
 * safeStorage-like object, so they load without Electron (main/settings-store.ts wires them
 * to electron-store, which does not).
 */

/** The part of Electron's safeStorage this store uses; tests pass a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded password, i.e. effectively plaintext. */
  getSelectedStorageBackend?(): string;
}

export class KeyStorageError extends AddendumError<'KEY_ENCRYPTION_UNAVAILABLE'> {
  constructor(message: string) {
    super('KEY_ENCRYPTION_UNAVAILABLE', message);
  }
}

export function canEncrypt(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

/** base64 of the encrypted key, or null for no key. Throws rather than store it in clear. */
export function encodeApiKey(key: string | null, safe: SafeStorageLike, platform?: NodeJS.Platform): string | null {
  if (key === null || key === '') return null;
  if (!canEncrypt(safe, platform)) {
    throw new KeyStorageError(
      'Settings not saved: this system offers no secure storage to encrypt the API key ' +
        '(on Linux, install and unlock a keyring such as GNOME Keyring or KWallet), and Addendum ' +
        'does not store keys in clear. Without a stored key the proxy passes on the key your tools send.',
    );
  }
  return safe.encryptString(key).toString('base64');
}

/**
 * The stored key in clear, or null when there is none or it cannot be decrypted (keychain
 * reset, file copied from another machine): a missing key is recoverable, a crash is not.
 */
export function decodeApiKey(stored: unknown, safe: SafeStorageLike): string | null {
  if (typeof stored !== 'string' || stored === '') return null;
  try {
    if (!safe.isEncryptionAvailable()) return null;
    return safe.decryptString(Buffer.from(stored, 'base64'));
  } catch {
    return null;
  }
}

/** What goes to disk: the shared serialized form with the clear `apiKey` replaced. */
export function toDisk(settings: StoredSettings, safe: SafeStorageLike, platform?: NodeJS.Platform): Record<string, unknown> {
  const { apiKey: _clear, ...rest } = serializeSettings(settings);
  return { ...rest, apiKeyEncrypted: encodeApiKey(settings.apiKey, safe, platform) };
}

export function fromDisk(raw: unknown, safe: SafeStorageLike): StoredSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return migrateSettings(raw);
  const { apiKeyEncrypted, apiKey: _neverInClear, ...rest } = raw as Record<string, unknown>;
  return migrateSettings({ ...rest, apiKey: decodeApiKey(apiKeyEncrypted, safe) });
}
