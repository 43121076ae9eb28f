import type { PublicSettings, SettingsPatch } from '../../proxy/contract/operations.js';

export interface SettingsForm {
  upstreamUrl: string;
  port: string;
  maxRows: string;
  maxAgeDays: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

export function formFromSettings(s: PublicSettings): SettingsForm {
  return {
    upstreamUrl: s.upstreamUrl,
    port: String(s.port),
    maxRows: String(s.retention.maxRows),
    maxAgeDays: String(s.retention.maxAgeDays),
  };
}

/** Strict integer parse: "80", not "80abc", "8e1" or "80.0". */
function parseInteger(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function parsePositive(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n > 0 ? n : null;
}

export function validateUpstreamUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'Enter a full URL, e.g. https://api.anthropic.com';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The URL must start with http:// or https://';
  if (url.username || url.password) return 'Put credentials in the API key field, not in the URL';
  return null;
}

export function validatePort(text: string): string | null {
  const n = parseInteger(text);
  if (n === null || n < 1 || n > 65535) return 'Enter a whole number from 1 to 65535';
  return null;
}

/**
 * Checks the form and builds the patch of what changed. The server validates again;
 * this exists so mistakes show next to the field before a round trip.
 */
export function buildSettingsPatch(form: SettingsForm, current: PublicSettings): { patch: SettingsPatch; errors: FormErrors } {
  const errors: FormErrors = {};
  const patch: SettingsPatch = {};

  const urlError = validateUpstreamUrl(form.upstreamUrl);
  if (urlError) errors.upstreamUrl = urlError;
  else if (form.upstreamUrl.trim() !== current.upstreamUrl) patch.upstreamUrl = form.upstreamUrl.trim();

  const portError = validatePort(form.port);
  if (portError) errors.port = portError;
  else if (Number(form.port.trim()) !== current.port) patch.port = Number(form.port.trim());

  const maxRows = parseInteger(form.maxRows);
  if (maxRows === null || maxRows < 1) errors.maxRows = 'Enter a whole number of at least 1';
  const maxAgeDays = parsePositive(form.maxAgeDays);
  if (maxAgeDays === null) errors.maxAgeDays = 'Enter a number of days greater than 0';
  if (maxRows !== null && maxRows >= 1 && maxAgeDays !== null) {
    const retention: NonNullable<SettingsPatch['retention']> = {};
    if (maxRows !== current.retention.maxRows) retention.maxRows = maxRows;
    if (maxAgeDays !== current.retention.maxAgeDays) retention.maxAgeDays = maxAgeDays;
    if (Object.keys(retention).length > 0) patch.retention = retention;
  }
  return { patch, errors };
}

export function keyStateText(apiKey: PublicSettings['apiKey']): string {
  if (!apiKey.set) return 'Not set';
  return apiKey.last4 ? `Set (…${apiKey.last4})` : 'Set';
}
