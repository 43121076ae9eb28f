import Conf from 'conf';
import { AddendumError } from '../proxy/lib/errors.js';
import { migrateSettings, serializeSettings } from '../proxy/settings/settings.js';
import { SettingsError } from '../proxy/settings/errors.js';
import type { SettingsStore, StoredSettings } from '../proxy/settings/types.js';

/**
 * The desktop app's settings: `<userData>/settings.json`, the same shape and migrations as
 * the headless store, except that the API key is never written in clear: it is encrypted
 * with Electron's `safeStorage` (OS keychain / DPAPI / libsecret) and stored as base64.
 *
 * Why `conf` and not electron-store: electron-store is `conf` with `cwd` set to
 * `app.getPath('userData')`, but it imports `electron` when loaded, which would keep this
 * module out of plain-Node tests; passing that folder ourselves gives the same file.
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

export interface ElectronSettingsStoreOptions {
  /** `app.getPath('userData')` */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
}

export function createElectronSettingsStore(options: ElectronSettingsStoreOptions): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: options.dir,
    configName: 'settings',
    configFileMode: 0o600,
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
  });
  return {
    location: conf.path,
    load: () => fromDisk(conf.store, options.safeStorage),
    save(next) {
      // Encrypt first: a KeyStorageError must leave the file as it was.
      const data = toDisk(next, options.safeStorage, options.platform);
      try {
        conf.store = data;
      } catch (err) {
        throw new SettingsError('SETTINGS_IO', `Could not save settings to ${conf.path}.`, { cause: err });
      }
    },
  };
}
