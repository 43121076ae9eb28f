import { describe, expect, it } from 'vitest';
import { DEFAULTS, defaultConfig } from '../config.js';
import { SettingsError } from './errors.js';
import {
  applyPatch,
  defaultSettings,
  effectiveConfig,
  LIMITS,
  migrateSettings,
  overriddenKeys,
  serializeSettings,
  SETTINGS_VERSION,
  toPublicSettings,
  withOverrides,
} from './settings.js';

const KEY = 'sk-ant-api03-abcdefghijklmnop-WXYZ';

function invalid(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).code).toBe('INVALID_SETTINGS');
    return err as SettingsError;
  }
  throw new Error('expected INVALID_SETTINGS');
}

describe('defaults and migration', () => {
  it('starts from the proxy defaults', () => {
    expect(defaultSettings()).toEqual({
      apiKey: null,
      upstreamUrl: DEFAULTS.upstreamUrl,
      port: DEFAULTS.port,
      modifierText: '',
      modifierEnabled: true,
      retention: DEFAULTS.retention,
    });
    // A copy, so a caller mutating it cannot change the shared defaults.
    defaultSettings().retention.maxRows = 1;
    expect(defaultSettings().retention.maxRows).toBe(DEFAULTS.retention.maxRows);
  });

  it('round-trips what it serializes, with the format version', () => {
    const s = { ...defaultSettings(), apiKey: KEY, port: 9100, modifierText: 'Be brief.', retention: { maxRows: 5, maxAgeDays: 2, maxDbMb: 64 } };
    const raw = serializeSettings(s);
    expect(raw.version).toBe(SETTINGS_VERSION);
    expect(migrateSettings(JSON.parse(JSON.stringify(raw)))).toEqual(s);
  });

  it('returns defaults for anything that is not an object', () => {
    for (const raw of [undefined, null, 42, 'x', [], true]) expect(migrateSettings(raw)).toEqual(defaultSettings());
  });

  it('keeps valid fields and replaces each invalid one by its default', () => {
    const out = migrateSettings({
      version: 1,
      apiKey: 12,
      upstreamUrl: 'ftp://example.com',
      port: 70000,
      modifierText: 'keep me',
      modifierEnabled: 'yes',
      retention: { maxRows: -3, maxAgeDays: 7, maxDbMb: 0 },
      extra: 'ignored',
    });
    expect(out).toEqual({
      ...defaultSettings(),
      modifierText: 'keep me',
      retention: { maxRows: DEFAULTS.retention.maxRows, maxAgeDays: 7, maxDbMb: 1024 },
    });
  });

  it('gives a file written before the size cap existed the default cap, and keeps a stored one', () => {
    expect(migrateSettings({ version: 1, retention: { maxRows: 50, maxAgeDays: 3 } }).retention).toEqual({ maxRows: 50, maxAgeDays: 3, maxDbMb: 1024 });
    expect(migrateSettings({ version: 1, retention: { maxRows: 50, maxAgeDays: 3, maxDbMb: 200 } }).retention.maxDbMb).toBe(200);
    expect(migrateSettings({ version: 1, retention: { maxDbMb: 'huge' } }).retention.maxDbMb).toBe(1024);
  });

  it('reads unversioned files and files from a newer version without losing known fields', () => {
    expect(migrateSettings({ port: 8123 }).port).toBe(8123);
    expect(migrateSettings({ version: 99, port: 8124, future: {} }).port).toBe(8124);
    expect(migrateSettings({ version: 'x', modifierEnabled: false }).modifierEnabled).toBe(false);
  });
});

describe('applyPatch', () => {
  const base = defaultSettings();

  it('applies each field and leaves the input untouched', () => {
    const next = applyPatch(base, {
      apiKey: `  ${KEY} `,
      upstreamUrl: 'http://127.0.0.1:9999',
      port: 0,
      modifierText: 'Answer in French.',
      modifierEnabled: false,
      retention: { maxAgeDays: 1.5 },
    });
    expect(next).toEqual({
      apiKey: KEY,
      upstreamUrl: 'http://127.0.0.1:9999',
      port: 0,
      modifierText: 'Answer in French.',
      modifierEnabled: false,
      retention: { maxRows: base.retention.maxRows, maxAgeDays: 1.5, maxDbMb: 1024 },
    });
    expect(applyPatch(base, { retention: { maxDbMb: 300 } }).retention).toEqual({ ...base.retention, maxDbMb: 300 });
    expect(base).toEqual(defaultSettings());
  });

  it('clears the key with null and leaves absent fields alone', () => {
    const withKey = applyPatch(base, { apiKey: KEY });
    expect(applyPatch(withKey, {}).apiKey).toBe(KEY);
    expect(applyPatch(withKey, { apiKey: null }).apiKey).toBeNull();
  });

  it.each([
    [{ port: 65536 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ port: 80.5 }, 'port'],
    [{ port: '8000' }, 'port'],
    [{ upstreamUrl: 'not a url' }, 'upstreamUrl'],
    [{ upstreamUrl: 'file:///etc/passwd' }, 'upstreamUrl'],
    [{ upstreamUrl: 5 }, 'upstreamUrl'],
    [{ apiKey: '' }, 'apiKey'],
    [{ apiKey: 'sk ant' }, 'apiKey'],
    [{ apiKey: 'sk-ant\r\nx-evil: 1' }, 'apiKey'],
    [{ apiKey: 'x'.repeat(LIMITS.apiKeyChars + 1) }, 'apiKey'],
    [{ modifierText: 3 }, 'modifierText'],
    [{ modifierText: 'é'.repeat(LIMITS.modifierTextBytes / 2 + 1) }, 'modifierText'],
    [{ modifierEnabled: 1 }, 'modifierEnabled'],
    [{ retention: { maxRows: 0 } }, 'retention.maxRows'],
    [{ retention: { maxRows: 2.5 } }, 'retention.maxRows'],
    [{ retention: { maxAgeDays: 0 } }, 'retention.maxAgeDays'],
    [{ retention: { maxAgeDays: Number.NaN } }, 'retention.maxAgeDays'],
    [{ retention: { maxDbMb: 0 } }, 'retention.maxDbMb'],
    [{ retention: { maxDbMb: 2.5 } }, 'retention.maxDbMb'],
    [{ retention: { maxDbMb: '512' } }, 'retention.maxDbMb'],
    [{ retention: { maxBytes: 1 } }, 'retention.maxBytes'],
    [{ retention: 5 }, 'retention'],
    [{ colour: 'blue' }, 'colour'],
  ])('refuses %j naming %s', (patch, field) => {
    const err = invalid(() => applyPatch(base, patch));
    expect(err.field).toBe(field);
    expect(err.message.startsWith(`${field}:`)).toBe(true);
  });

  it('never echoes a refused key in the error message', () => {
    const err = invalid(() => applyPatch(base, { apiKey: 'sk-ant-secret value' }));
    expect(err.message).not.toContain('secret');
  });

  it('refuses a patch that is not an object', () => {
    for (const patch of [null, [], 'x', 1]) invalid(() => applyPatch(base, patch));
  });

  it('accepts modifier text right at the size limit', () => {
    expect(applyPatch(base, { modifierText: 'a'.repeat(LIMITS.modifierTextBytes) }).modifierText).toHaveLength(
      LIMITS.modifierTextBytes,
    );
  });
});

describe('public settings', () => {
  it('reveals whether a key is set and its last four characters, never the key', () => {
    const pub = toPublicSettings({ ...defaultSettings(), apiKey: KEY }, []);
    expect(pub.apiKey).toEqual({ set: true, last4: 'WXYZ' });
    expect(JSON.stringify(pub)).not.toContain(KEY.slice(0, -4));
    expect(toPublicSettings(defaultSettings(), []).apiKey).toEqual({ set: false, last4: null });
  });

  it('hides the hint for keys so short that four characters would give most of it away', () => {
    expect(toPublicSettings({ ...defaultSettings(), apiKey: 'abcdefgh' }, []).apiKey).toEqual({ set: true, last4: null });
  });

  it('lists the overridden keys', () => {
    expect(toPublicSettings(defaultSettings(), ['port', 'apiKey']).overridden).toEqual(['port', 'apiKey']);
  });
});

describe('overrides', () => {
  const stored = { ...defaultSettings(), port: 9001, modifierText: 'from file', apiKey: KEY, retention: { maxRows: 50, maxAgeDays: 3 } };

  it('names only the setting keys the overrides fix', () => {
    expect(overriddenKeys({ port: 7000, host: '0.0.0.0', logLevel: 'debug', apiKey: undefined })).toEqual(['port']);
    expect(overriddenKeys({ apiKey: null, retention: { maxRows: 1, maxAgeDays: 1 } })).toEqual(['apiKey', 'retention']);
  });

  it('puts CLI/env values over the stored ones', () => {
    const s = withOverrides(stored, { port: 7000, modifierEnabled: false });
    expect(s).toEqual({ ...stored, port: 7000, modifierEnabled: false });
  });

  it('builds the effective config: base, then stored settings, then overrides', () => {
    const base = { ...defaultConfig({ XDG_DATA_HOME: '/tmp/x' }), connectTimeoutMs: 1234 };
    const cfg = effectiveConfig(base, stored, { port: 7000, host: '0.0.0.0', upstreamUrl: 'http://127.0.0.1:1' });
    expect(cfg).toEqual({
      ...base,
      host: '0.0.0.0',
      port: 7000,
      upstreamUrl: 'http://127.0.0.1:1',
      apiKey: KEY,
      modifierText: 'from file',
      modifierEnabled: true,
      retention: { maxRows: 50, maxAgeDays: 3 },
    });
    cfg.retention.maxRows = 1;
    expect(stored.retention.maxRows).toBe(50);
  });
});
