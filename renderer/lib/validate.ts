import type { PublicSettings, SettingsPatch } from '../../proxy/contract/operations.js';
import { checkMaxAgeDays, checkMaxDbMb, checkMaxRows, checkPort, checkUpstreamUrl, DEFAULT_MAX_DB_MB, parseDecimal, parseWholeNumber } from '../../proxy/contract/rules.js';

export interface SettingsForm {
  upstreamUrl: string;
  port: string;
  maxRows: string;
  maxAgeDays: string;
  maxDbMb: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

export function formFromSettings(s: PublicSettings): SettingsForm {
  return {
    upstreamUrl: s.upstreamUrl,
    port: String(s.port),
    maxRows: String(s.retention.maxRows),
    maxAgeDays: String(s.retention.maxAgeDays),
    maxDbMb: String(s.retention.maxDbMb ?? DEFAULT_MAX_DB_MB),
  };
}

/** The shared rule's problem with a field, as a sentence for the form ("Port must …"). */
function fieldProblem(label: string, value: unknown, problem: (v: unknown) => string | null): string | null {
  const found = problem(value);
  return found ? `${label} ${found}` : null;
}

/** A form field's number, or its text when it is not one (the rule then names the problem). */
const wholeOrText = (text: string): number | string => parseWholeNumber(text) ?? text;
const decimalOrText = (text: string): number | string => parseDecimal(text) ?? text;

export function validateUpstreamUrl(text: string): string | null {
  return fieldProblem('The URL', text.trim(), checkUpstreamUrl);
}

export function validatePort(text: string): string | null {
  return fieldProblem('The port', wholeOrText(text), checkPort);
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

  const maxRowsError = fieldProblem('Rows kept', wholeOrText(form.maxRows), checkMaxRows);
  if (maxRowsError) errors.maxRows = maxRowsError;
  const maxAgeError = fieldProblem('Days kept', decimalOrText(form.maxAgeDays), checkMaxAgeDays);
  if (maxAgeError) errors.maxAgeDays = maxAgeError;
  const maxDbError = fieldProblem('Size cap', wholeOrText(form.maxDbMb), checkMaxDbMb);
  if (maxDbError) errors.maxDbMb = maxDbError;
  if (!maxRowsError && !maxAgeError && !maxDbError) {
    const maxRows = Number(form.maxRows.trim());
    const maxAgeDays = Number(form.maxAgeDays.trim());
    const maxDbMb = Number(form.maxDbMb.trim());
    const retention: NonNullable<SettingsPatch['retention']> = {};
    if (maxRows !== current.retention.maxRows) retention.maxRows = maxRows;
    if (maxAgeDays !== current.retention.maxAgeDays) retention.maxAgeDays = maxAgeDays;
    if (maxDbMb !== (current.retention.maxDbMb ?? DEFAULT_MAX_DB_MB)) retention.maxDbMb = maxDbMb;
    if (Object.keys(retention).length > 0) patch.retention = retention;
  }
  return { patch, errors };
}

export function keyStateText(apiKey: PublicSettings['apiKey']): string {
  if (!apiKey.set) return 'Not set';
  return apiKey.last4 ? `Set (…${apiKey.last4})` : 'Set';
}
