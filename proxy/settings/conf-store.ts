/**
 * Headless settings store: `<dataDir>/settings.json`, mode 0600. In headless mode the API
 * key sits in this owner-only file in clear text (there is no OS keychain to ask); the
 * Electron shell stores the same settings through `conf` in its user-data folder and
 * encrypts the key with `safeStorage` instead (main/settings-store.ts).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { SettingsError } from './errors.js';
import { migrateSettings, serializeSettings } from './settings.js';
import type { SettingsStore, StoredSettings } from './types.js';

const FILE_MODE = 0o600;

/** A file that is not JSON is kept aside (not silently overwritten) so the user can recover it. */
function setAsideIfUnreadable(path: string, now = Date.now()): string | null {
  if (!existsSync(path)) return null;
  try {
    JSON.parse(readFileSync(path, 'utf8'));
    return null;
  } catch {
    const aside = `${path}.damaged-${now}`;
    renameSync(path, aside);
    return aside;
  }
}

export interface ConfStore extends SettingsStore {
  /** Where a damaged settings file was moved at startup, if one was. */
  readonly setAside: string | null;
}

export function createConfStore(dataDir: string): ConfStore {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'settings.json');
  const setAside = setAsideIfUnreadable(path);
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'settings',
    configFileMode: FILE_MODE,
    // Field-level repair happens in migrateSettings; this only covers a file that turns
    // unreadable while running.
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
  });

  return {
    location: conf.path,
    setAside,
    load(): StoredSettings {
      return migrateSettings(conf.store);
    },
    save(next: StoredSettings): void {
      try {
        conf.store = serializeSettings(next);
        // configFileMode applies when the file is created; an older file keeps its mode.
        chmodSync(conf.path, FILE_MODE);
      } catch (err) {
        throw new SettingsError('SETTINGS_IO', `Could not save settings to ${conf.path}.`, { cause: err });
      }
    },
  };
}
