/**
 * Settings policy as pure functions, shared by the headless store and the Electron one:
 * defaults, migration of whatever is on disk, validation of UI patches, the public
 * (key-less) view, and how CLI/env overrides combine with the stored values.
 */
import { DEFAULTS, type ProxyConfig } from '../config.js';
import type { PublicSettings, SettingsPatch } from '../contract/operations.js';
import type { RetentionSettings } from '../contract/types.js';
import { checkMaxAgeDays as maxAgeDaysProblem, checkMaxDbMb as maxDbMbProblem, checkMaxRows as maxRowsProblem, checkPort as portProblem, checkUpstreamUrl as upstreamUrlProblem, RULE_LIMITS } from '../contract/rules.js';
import { isRecord } from '../lib/json.js';
import { invalidSetting } from './errors.js';
import type { StoredSettings } from './types.js';

export const SETTINGS_VERSION = 1;

export const LIMITS = {
  modifierTextBytes: 100 * 1024,
  apiKeyChars: 512,
  ...RULE_LIMITS,
} as const;

/** The keys the UI may change, in display order; also the keys an override can fix. */
export const SETTING_KEYS = [
  'apiKey',
  'upstreamUrl',
  'port',
  'modifierText',
  'modifierEnabled',
  'retention',
] as const satisfies ReadonlyArray<keyof SettingsPatch & keyof StoredSettings>;

export type SettingKey = (typeof SETTING_KEYS)[number];

export function defaultSettings(): StoredSettings {
  return {
    apiKey: DEFAULTS.apiKey,
    upstreamUrl: DEFAULTS.upstreamUrl,
    port: DEFAULTS.port,
    modifierText: DEFAULTS.modifierText,
    modifierEnabled: DEFAULTS.modifierEnabled,
    retention: { ...DEFAULTS.retention },
  };
}

/** What goes to disk: the settings plus the format version, so later formats can migrate. */
export function serializeSettings(settings: StoredSettings): Record<string, unknown> {
  return {
    version: SETTINGS_VERSION,
    apiKey: settings.apiKey,
    upstreamUrl: settings.upstreamUrl,
    port: settings.port,
    modifierText: settings.modifierText,
    modifierEnabled: settings.modifierEnabled,
    retention: { ...settings.retention },
  };
}

/**
 * One step per format version: step[n] turns a version-n object into version n+1.
 * Version 0 is a file written before versioning existed; it already used today's keys.
 */
const MIGRATIONS: Array<(raw: Record<string, unknown>) => Record<string, unknown>> = [(raw) => raw];

/** Each field is checked on its own: a damaged or hand-edited value falls back to its default
 * without discarding the rest of the file. Never throws. */
export function migrateSettings(raw: unknown): StoredSettings {
  const defaults = defaultSettings();
  if (!isRecord(raw)) return defaults;
  let data: Record<string, unknown> = { ...raw };
  const version = typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version >= 0 ? raw.version : 0;
  for (let v = version; v < SETTINGS_VERSION; v++) data = MIGRATIONS[v]?.(data) ?? data;

  const pick = <K extends SettingKey>(key: K, check: (value: unknown) => StoredSettings[K]): StoredSettings[K] => {
    if (!(key in data)) return defaults[key];
    try {
      return check(data[key]);
    } catch {
      return defaults[key];
    }
  };
  const retentionRaw = isRecord(data.retention) ? data.retention : {};
  const retention: RetentionSettings = {
    maxRows: safely(() => checkMaxRows(retentionRaw.maxRows), defaults.retention.maxRows),
    maxAgeDays: safely(() => checkMaxAgeDays(retentionRaw.maxAgeDays), defaults.retention.maxAgeDays),
    maxDbMb: safely(() => checkMaxDbMb(retentionRaw.maxDbMb), defaults.retention.maxDbMb),
  };
  return {
    apiKey: pick('apiKey', checkApiKey),
    upstreamUrl: pick('upstreamUrl', checkUpstreamUrl),
    port: pick('port', checkPort),
    modifierText: pick('modifierText', checkModifierText),
    modifierEnabled: pick('modifierEnabled', checkModifierEnabled),
    retention,
  };
}

function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function checkApiKey(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidSetting('apiKey', 'must be a string, or null to clear it');
  const key = value.trim();
  if (key === '') throw invalidSetting('apiKey', 'must not be empty (send null to clear the key)');
  if (key.length > LIMITS.apiKeyChars) throw invalidSetting('apiKey', `must be at most ${LIMITS.apiKeyChars} characters`);
  // The key travels in an HTTP header: anything outside visible ASCII would corrupt it.
  if (!/^[\x21-\x7e]+$/.test(key)) throw invalidSetting('apiKey', 'must contain only visible ASCII characters');
  return key;
}

/** Throws INVALID_SETTINGS naming `field` when the shared rule finds a problem. */
function checked<T>(field: string, value: unknown, problem: (v: unknown) => string | null): T {
  const found = problem(value);
  if (found) throw invalidSetting(field, found);
  return value as T;
}

function checkUpstreamUrl(value: unknown): string {
  return checked<string>('upstreamUrl', value, upstreamUrlProblem).trim();
}

function checkPort(value: unknown): number {
  return checked('port', value, portProblem);
}

function checkModifierText(value: unknown): string {
  if (typeof value !== 'string') throw invalidSetting('modifierText', 'must be a string');
  if (Buffer.byteLength(value, 'utf8') > LIMITS.modifierTextBytes) {
    throw invalidSetting('modifierText', `must be at most ${LIMITS.modifierTextBytes / 1024} KB`);
  }
  return value;
}

function checkModifierEnabled(value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidSetting('modifierEnabled', 'must be true or false');
  return value;
}

function checkMaxRows(value: unknown): number {
  return checked('retention.maxRows', value, maxRowsProblem);
}

function checkMaxAgeDays(value: unknown): number {
  return checked('retention.maxAgeDays', value, maxAgeDaysProblem);
}

function checkMaxDbMb(value: unknown): number {
  return checked('retention.maxDbMb', value, maxDbMbProblem);
}

/**
 * Validates an untrusted patch (it arrives as JSON from the UI) and returns the new
 * settings. Throws SettingsError `INVALID_SETTINGS` naming the first bad field; unknown
 * fields are refused rather than ignored so a typo in a client never looks like success.
 */
export function applyPatch(stored: StoredSettings, patch: unknown): StoredSettings {
  if (!isRecord(patch)) throw invalidSetting('settings', 'must be an object');
  const allowed = new Set<string>(SETTING_KEYS);
  for (const key of Object.keys(patch)) {
    if (!allowed.has(key)) throw invalidSetting(key, 'is not a setting');
  }
  const next: StoredSettings = { ...stored, retention: { ...stored.retention } };
  if (patch.apiKey !== undefined) next.apiKey = checkApiKey(patch.apiKey);
  if (patch.upstreamUrl !== undefined) next.upstreamUrl = checkUpstreamUrl(patch.upstreamUrl);
  if (patch.port !== undefined) next.port = checkPort(patch.port);
  if (patch.modifierText !== undefined) next.modifierText = checkModifierText(patch.modifierText);
  if (patch.modifierEnabled !== undefined) next.modifierEnabled = checkModifierEnabled(patch.modifierEnabled);
  if (patch.retention !== undefined) {
    if (!isRecord(patch.retention)) throw invalidSetting('retention', 'must be an object');
    for (const key of Object.keys(patch.retention)) {
      if (key !== 'maxRows' && key !== 'maxAgeDays' && key !== 'maxDbMb') throw invalidSetting(`retention.${key}`, 'is not a setting');
    }
    if (patch.retention.maxRows !== undefined) next.retention.maxRows = checkMaxRows(patch.retention.maxRows);
    if (patch.retention.maxAgeDays !== undefined) {
      next.retention.maxAgeDays = checkMaxAgeDays(patch.retention.maxAgeDays);
    }
    if (patch.retention.maxDbMb !== undefined) next.retention.maxDbMb = checkMaxDbMb(patch.retention.maxDbMb);
  }
  return next;
}

/** Keys whose value this run takes from a CLI flag or environment variable. */
export function overriddenKeys(overrides: Partial<ProxyConfig>): SettingKey[] {
  return SETTING_KEYS.filter((key) => overrides[key] !== undefined);
}

/**
 * What a UI change does to the values a run started with: each key the patch sets stops
 * coming from its flag or variable, so the change applies at once. Returns the overrides
 * still in force (the input is left alone).
 */
export function releaseOverrides(overrides: Partial<ProxyConfig>, patch: SettingsPatch): Partial<ProxyConfig> {
  const next: Partial<ProxyConfig> = { ...overrides };
  for (const key of SETTING_KEYS) {
    if (patch[key] === undefined) continue;
    if (key !== 'retention' || !next.retention) {
      delete next[key];
      continue;
    }
    const kept = { ...next.retention };
    for (const part of Object.keys(patch.retention ?? {}) as Array<keyof RetentionSettings>) delete kept[part];
    if (Object.keys(kept).length > 0) next.retention = kept;
    else delete next.retention;
  }
  return next;
}

/** The settings in force this run: stored values, with overrides on top. */
export function withOverrides(stored: StoredSettings, overrides: Partial<ProxyConfig>): StoredSettings {
  const pick = <K extends SettingKey>(key: K): StoredSettings[K] =>
    (overrides[key] !== undefined ? overrides[key] : stored[key]) as StoredSettings[K];
  return {
    apiKey: pick('apiKey'),
    upstreamUrl: pick('upstreamUrl'),
    port: pick('port'),
    modifierText: pick('modifierText'),
    modifierEnabled: pick('modifierEnabled'),
    retention: { ...stored.retention, ...(overrides.retention ?? {}) },
  };
}

/** Short keys would be mostly revealed by their last four characters. */
const MIN_KEY_CHARS_FOR_HINT = 12;

/** What the UI may see: the API key reduced to "set" and its last four characters. */
export function toPublicSettings(settings: StoredSettings, overridden: readonly SettingKey[]): PublicSettings {
  const key = settings.apiKey;
  return {
    apiKey: {
      set: key !== null && key !== '',
      last4: key !== null && key.length >= MIN_KEY_CHARS_FOR_HINT ? key.slice(-4) : null,
    },
    upstreamUrl: settings.upstreamUrl,
    port: settings.port,
    modifierText: settings.modifierText,
    modifierEnabled: settings.modifierEnabled,
    retention: { ...settings.retention },
    overridden: [...overridden],
  };
}

/** The proxy's config for this run: built-in base, then the settings file, then CLI/env. */
export function effectiveConfig(
  base: ProxyConfig,
  stored: StoredSettings,
  overrides: Partial<ProxyConfig>,
): ProxyConfig {
  const merged: ProxyConfig = {
    ...base,
    apiKey: stored.apiKey,
    upstreamUrl: stored.upstreamUrl,
    port: stored.port,
    modifierText: stored.modifierText,
    modifierEnabled: stored.modifierEnabled,
    retention: { ...stored.retention },
  };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ProxyConfig, unknown]>) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  merged.retention = { ...stored.retention, ...(overrides.retention ?? {}) };
  merged.allowedOrigins = [...merged.allowedOrigins];
  return merged;
}
