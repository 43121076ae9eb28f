import type { RetentionSettings } from '../contract/types.js';

/**
 * What persists between runs. Both hosts store the same shape: the headless server in a
 * 0600 JSON file via `conf`, the Electron shell via `conf` in its user-data folder
 * with the API key encrypted by `safeStorage`.
 */
export interface StoredSettings {
  apiKey: string | null;
  upstreamUrl: string;
  port: number;
  modifierText: string;
  modifierEnabled: boolean;
  retention: RetentionSettings;
}

export interface SettingsStore {
  /** Never throws for a missing or damaged file: returns migrated defaults instead. */
  load(): StoredSettings;
  save(next: StoredSettings): void;
  /** Where the settings live (a file path), for logs and the UI; never the contents. */
  readonly location: string;
}
