import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import ElectronStore, { type Schema } from 'electron-store';
import { SettingsError } from '../proxy/settings/errors.js';
import type { SettingsStore } from '../proxy/settings/types.js';
import { fromDisk, toDisk, type SafeStorageLike } from './api-key-storage.js';

/**
 * The desktop app's settings: `<userData>/settings.json` through electron-store, the same
 * shape and migrations as the headless store (the file's own `version` field drives
 * `migrateSettings`, which both hosts share, so electron-store's app-version migrations are
 * not used), except that the API key is stored encrypted (main/api-key-storage.ts). One
 * desktop-only setting sits beside them: launch at login.
 *
 * A file that is not JSON or breaks the schema is renamed aside, never overwritten, so the
 * user can recover it; the app then starts from defaults. electron-store imports `electron`
 * when loaded: tests load this module against a stand-in `electron`.
 */

/** What the file holds, by type only: value checks (ranges, URL schemes) are migrateSettings'. */
const SCHEMA: Schema<Record<string, unknown>> = {
  version: { type: 'integer', minimum: 0 },
  apiKeyEncrypted: { type: ['string', 'null'] },
  upstreamUrl: { type: 'string' },
  port: { type: 'integer' },
  modifierText: { type: 'string' },
  modifierEnabled: { type: 'boolean' },
  retention: { type: 'object', properties: { maxRows: { type: 'integer' }, maxAgeDays: { type: 'integer' }, maxDbMb: { type: 'integer' } } },
  launchAtLogin: { type: 'boolean' },
};

const LAUNCH_AT_LOGIN = 'launchAtLogin';

/** conf's errors for a file it cannot use: JSON syntax, or a schema violation. */
function isDamagedFile(err: unknown): boolean {
  return err instanceof SyntaxError || (err instanceof Error && err.message.startsWith('Config schema violation'));
}

export interface ElectronSettingsStoreOptions {
  /** `app.getPath('userData')` */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  now?: () => number;
}

export interface DesktopSettingsStore extends SettingsStore {
  /** Where a damaged settings file was moved, if one was (at startup or on a later read). */
  readonly setAside: string | null;
  launchAtLogin(): boolean;
  setLaunchAtLogin(enabled: boolean): void;
}

export function createElectronSettingsStore(options: ElectronSettingsStoreOptions): DesktopSettingsStore {
  const path = join(options.dir, 'settings.json');
  const now = options.now ?? Date.now;
  let setAside: string | null = null;
  const open = () =>
    new ElectronStore<Record<string, unknown>>({
      cwd: options.dir,
      name: 'settings',
      configFileMode: 0o600,
      schema: SCHEMA,
      // Off: conf would replace a damaged file with an empty one; it is set aside instead.
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
  /** Runs `use`; when the file turns out damaged it is renamed aside and `use` runs once more, on no file. */
  const recovering = <T>(use: () => T): T => {
    try {
      return use();
    } catch (err) {
      if (!isDamagedFile(err) || !existsSync(path)) throw err;
      setAside = `${path}.damaged-${now()}`;
      renameSync(path, setAside);
      return use();
    }
  };
  const store = recovering(open);
  // conf reads the file on every access, so a file damaged while the app runs is caught too.
  const read = () => recovering(() => store.store);
  const write = (data: Record<string, unknown>) => {
    try {
      store.store = data;
    } catch (err) {
      throw new SettingsError('SETTINGS_IO', `Could not save settings to ${path}.`, { cause: err });
    }
  };
  const launchAtLogin = () => read()[LAUNCH_AT_LOGIN] === true;

  return {
    location: path,
    get setAside() {
      return setAside;
    },
    load: () => fromDisk(read(), options.safeStorage),
    save(next) {
      // Encrypt first: a KeyStorageError must leave the file as it was.
      const data = toDisk(next, options.safeStorage, options.platform);
      write({ ...data, [LAUNCH_AT_LOGIN]: launchAtLogin() });
    },
    launchAtLogin,
    setLaunchAtLogin: (enabled) => write({ ...read(), [LAUNCH_AT_LOGIN]: enabled }),
  };
}
