import { describe, expect, it } from 'vitest';
import type { PublicSettings } from '../../proxy/contract/operations.js';
import { buildSettingsPatch, formFromSettings, keyStateText, validatePort, validateUpstreamUrl } from './validate.js';

const current: PublicSettings = {
  apiKey: { set: true, last4: 'abcd' },
  upstreamUrl: 'https://api.anthropic.com',
  port: 8000,
  modifierText: '',
  modifierEnabled: true,
  retention: { maxRows: 10_000, maxAgeDays: 30 },
  overridden: [],
};

describe('field validation', () => {
  it.each(['0', '1', '8000', '65535', ' 8080 '])('accepts port %s', (p) => expect(validatePort(p)).toBeNull());
  it.each(['65536', '-1', '80.5', '8e3', 'abc', ''])('rejects port %s', (p) => expect(validatePort(p)).toMatch(/0 to 65535/));

  it('accepts http(s) URLs only, without credentials', () => {
    expect(validateUpstreamUrl('https://api.anthropic.com')).toBeNull();
    expect(validateUpstreamUrl('http://127.0.0.1:9999/base')).toBeNull();
    expect(validateUpstreamUrl('api.anthropic.com')).toMatch(/full URL/);
    expect(validateUpstreamUrl('ftp://x')).toMatch(/http/);
    expect(validateUpstreamUrl('https://user:pw@x')).toMatch(/credentials/);
  });
});

describe('buildSettingsPatch', () => {
  it('sends only what changed', () => {
    const form = { ...formFromSettings(current), port: '9000', maxAgeDays: '7' };
    expect(buildSettingsPatch(form, current)).toEqual({ patch: { port: 9000, retention: { maxAgeDays: 7 } }, errors: {} });
  });

  it('sends nothing for an unchanged form', () => {
    expect(buildSettingsPatch(formFromSettings(current), current)).toEqual({ patch: {}, errors: {} });
  });

  it('reports every invalid field', () => {
    const { errors } = buildSettingsPatch({ upstreamUrl: 'nope', port: '70000', maxRows: '0', maxAgeDays: '-2', maxDbMb: '0' }, current);
    expect(Object.keys(errors).sort()).toEqual(['maxAgeDays', 'maxDbMb', 'maxRows', 'port', 'upstreamUrl']);
  });

  it('sends a changed size cap, and treats an absent one as the default', () => {
    expect(formFromSettings(current).maxDbMb).toBe('1024');
    expect(buildSettingsPatch({ ...formFromSettings(current), maxDbMb: '256' }, current)).toEqual({ patch: { retention: { maxDbMb: 256 } }, errors: {} });
    expect(buildSettingsPatch({ ...formFromSettings(current), maxDbMb: '1024' }, current).patch).toEqual({});
    expect(buildSettingsPatch({ ...formFromSettings(current), maxDbMb: '2.5' }, current).errors.maxDbMb).toMatch(/^Size cap must be a whole number of MiB/);
  });

  it('trims the URL and accepts fractional days', () => {
    const { patch } = buildSettingsPatch({ ...formFromSettings(current), upstreamUrl: ' http://localhost:1234 ', maxAgeDays: '0.5' }, current);
    expect(patch).toEqual({ upstreamUrl: 'http://localhost:1234', retention: { maxAgeDays: 0.5 } });
  });
});

it('describes the key without revealing it', () => {
  expect(keyStateText({ set: true, last4: 'abcd' })).toBe('Set (…abcd)');
  expect(keyStateText({ set: true, last4: null })).toBe('Set');
  expect(keyStateText({ set: false, last4: null })).toBe('Not set');
});
