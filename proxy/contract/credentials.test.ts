import { describe, expect, it } from 'vitest';
import { bearerKind, credentialLabel, last4Of, last4OfMasked, replayCredentials, storedClientCredential } from './credentials.js';
import { maskSecret } from '../lib/redact.js';

describe('credential labels', () => {
  it('keeps at most the last four characters, and none of a short secret', () => {
    expect(last4Of('sk-ant-api03-abcdefgh-wxyz')).toBe('wxyz');
    expect(last4Of('Bearer sk-ant-oat01-token-9876')).toBe('9876');
    expect(last4Of('short')).toBeNull();
    expect(credentialLabel('configured', 'abcd')).toBe('configured key …abcd');
    expect(credentialLabel('client-key', 'wxyz')).toBe('client key …wxyz');
    expect(credentialLabel('oauth', null)).toBe('OAuth token');
  });

  it('reads the suffix back from what redact.ts stored, for keys and bearer tokens', () => {
    expect(last4OfMasked(maskSecret('sk-ant-api03-abcdefgh-wxyz'))).toBe('wxyz');
    expect(last4OfMasked(maskSecret('Bearer sk-ant-oat01-token-9876'))).toBe('9876');
    expect(last4OfMasked(maskSecret('tiny'))).toBeNull();
    expect(storedClientCredential({ authorization: 'Bearer [redacted …9876]' })).toEqual({ header: 'authorization', last4: '9876' });
    expect(bearerKind('Bearer sk-ant-oat01-token')).toBe('oauth');
    expect(bearerKind('Bearer sk-ant-api03-key')).toBe('client-key');
    expect(bearerKind('Bearer something-else')).toBe('client-token');
    expect(storedClientCredential({ 'anthropic-version': '2023-06-01' })).toBeNull();
  });
});

describe('what a replay may send', () => {
  const clientKey = { 'x-api-key': '[redacted …wxyz]', 'anthropic-version': '2023-06-01' };
  const oauth = { authorization: 'Bearer [redacted …9876]' };

  it('uses the configured key whenever there is one, whatever the original carried', () => {
    expect(replayCredentials(oauth, { set: true, last4: 'abcd' })).toEqual({ ok: true, description: 'the API key configured in Addendum (…abcd)' });
    expect(replayCredentials(clientKey, { set: true, last4: null })).toEqual({ ok: true, description: 'the API key configured in Addendum' });
  });

  it('sends without credentials when neither the original nor Addendum had any', () => {
    const plan = replayCredentials({ 'content-type': 'application/json' }, { set: false, last4: null });
    expect(plan.ok).toBe(true);
    expect(plan.description).toMatch(/^no credentials/);
  });

  it('refuses a client key or OAuth token it never stored, and says how to set a key', () => {
    const key = replayCredentials(clientKey, { set: false, last4: null });
    expect(key.ok).toBe(false);
    expect(key.description).toMatch(/client's own API key \(…wxyz\)/);
    expect(key.description).toMatch(/Set an API key in Settings/);
    const token = replayCredentials(oauth, { set: false, last4: null });
    expect(token).toMatchObject({ ok: false, description: expect.stringMatching(/OAuth token \(Authorization: Bearer\) \(…9876\).*never stores/) });
  });
});
