import { defaultSettings } from '../proxy/settings/settings.js';
import type { SettingsStore, StoredSettings } from '../proxy/settings/types.js';

/** A settings store in memory that keeps every save, for tests of what a host persists. */
export function memoryStore(initial: Partial<StoredSettings> = {}): SettingsStore & { saved: StoredSettings[] } {
  let current: StoredSettings = { ...defaultSettings(), ...initial };
  const saved: StoredSettings[] = [];
  return {
    location: 'memory',
    saved,
    load: () => structuredClone(current),
    save(next) {
      current = structuredClone(next);
      saved.push(current);
    },
  };
}
