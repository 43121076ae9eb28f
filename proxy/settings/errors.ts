import { AddendumError } from '../lib/errors.js';

export type SettingsErrorCode = 'INVALID_SETTINGS' | 'SETTINGS_IO';

/** A settings problem the user can fix; `field` names the setting at fault. */
export class SettingsError extends AddendumError<SettingsErrorCode> {
  readonly field: string | null;

  constructor(code: SettingsErrorCode, message: string, options: { field?: string | null; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.field = options.field ?? null;
  }
}

export function invalidSetting(field: string, message: string): SettingsError {
  return new SettingsError('INVALID_SETTINGS', `${field}: ${message}`, { field });
}
