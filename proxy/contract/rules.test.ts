/**
 * One set of rules: the run's config, the settings patch, the CLI flags and the dashboard's
 * form accept and refuse the same port, upstream URL and retention values.
 */
import { describe, expect, it } from 'vitest';
import { buildSettingsPatch, formFromSettings, validatePort, validateUpstreamUrl } from '../../renderer/lib/validate.js';
import { parseCli } from '../cli/args.js';
import { defaultConfig, validateConfig, type ProxyConfig } from '../config.js';
import { checkMaxDbMb, DEFAULT_MAX_DB_MB } from './rules.js';
import { applyPatch, defaultSettings, toPublicSettings } from '../settings/settings.js';

type Field = 'port' | 'upstreamUrl' | 'maxRows' | 'maxAgeDays' | 'maxDbMb';
const RETENTION: readonly Field[] = ['maxRows', 'maxAgeDays', 'maxDbMb'];

const accepts = (run: () => unknown): boolean => {
  try {
    run();
    return true;
  } catch {
    return false;
  }
};

function byConfig(field: Field, value: number | string): boolean {
  const base = defaultConfig({});
  const config: ProxyConfig =
    RETENTION.includes(field)
      ? { ...base, retention: { ...base.retention, [field]: value } }
      : { ...base, [field]: value };
  return accepts(() => validateConfig(config));
}

function bySettings(field: Field, value: number | string): boolean {
  const patch = RETENTION.includes(field) ? { retention: { [field]: value } } : { [field]: value };
  return accepts(() => applyPatch(defaultSettings(), patch));
}

const FLAGS: Record<Field, string> = { port: '--port', upstreamUrl: '--upstream', maxRows: '--max-rows', maxAgeDays: '--max-age-days', maxDbMb: '--max-db-mb' };

function byCli(field: Field, text: string): boolean {
  return accepts(() => {
    const { overrides } = parseCli([FLAGS[field], text], {});
    // The CLI leaves the URL to the config check, as a run does.
    validateConfig({ ...defaultConfig({}), ...overrides, retention: { ...defaultConfig({}).retention, ...overrides.retention } });
  });
}

function byDashboard(field: Field, text: string): boolean {
  if (field === 'port') return validatePort(text) === null;
  if (field === 'upstreamUrl') return validateUpstreamUrl(text) === null;
  const form = { ...formFromSettings(toPublicSettings(defaultSettings(), [])), [field]: text };
  return buildSettingsPatch(form, toPublicSettings(defaultSettings(), [])).errors[field] === undefined;
}

const TABLE: Array<[Field, string, boolean]> = [
  ['port', '0', true],
  ['port', '8000', true],
  ['port', '65535', true],
  ['port', '65536', false],
  ['port', '-1', false],
  ['upstreamUrl', 'https://api.anthropic.com', true],
  ['upstreamUrl', 'http://127.0.0.1:9999/base', true],
  ['upstreamUrl', 'https://user:secret@gateway.example', false],
  ['upstreamUrl', 'ftp://example.com', false],
  ['upstreamUrl', 'not a url', false],
  ['maxRows', '1', true],
  ['maxRows', '10000000', true],
  ['maxRows', '10000001', false],
  ['maxRows', '0', false],
  ['maxAgeDays', '0.5', true],
  ['maxAgeDays', '36500', true],
  ['maxAgeDays', '36501', false],
  ['maxAgeDays', '0', false],
  ['maxDbMb', '1', true],
  ['maxDbMb', '1024', true],
  ['maxDbMb', '1048576', true],
  ['maxDbMb', '1048577', false],
  ['maxDbMb', '0', false],
  ['maxDbMb', '-5', false],
  ['maxDbMb', '1.5', false],
  ['maxDbMb', 'lots', false],
];

describe('one set of validation rules', () => {
  it.each(TABLE)('%s %s: accepted=%s by config, settings, CLI and dashboard alike', (field, text, ok) => {
    const value = field === 'upstreamUrl' ? text : Number(text);
    expect({
      config: byConfig(field, value),
      settings: bySettings(field, value),
      cli: byCli(field, text),
      dashboard: byDashboard(field, text),
    }).toEqual({ config: ok, settings: ok, cli: ok, dashboard: ok });
  });

  it('defaults the size cap to 1024 MiB everywhere', () => {
    expect(DEFAULT_MAX_DB_MB).toBe(1024);
    expect(defaultConfig({}).retention.maxDbMb).toBe(1024);
    expect(defaultSettings().retention.maxDbMb).toBe(1024);
    expect(formFromSettings(toPublicSettings(defaultSettings(), [])).maxDbMb).toBe('1024');
    expect(checkMaxDbMb(2048)).toBeNull();
    expect(checkMaxDbMb('2048')).toMatch(/^must be a whole number of MiB/);
  });

  it('never echoes a refused URL, which may carry a password', () => {
    expect(() => validateConfig({ ...defaultConfig({}), upstreamUrl: 'https://user:secret@gateway.example' })).toThrow(/credentials/);
    expect(() => validateConfig({ ...defaultConfig({}), upstreamUrl: 'https://user:secret@gateway.example' })).not.toThrow(/secret/);
  });
});
