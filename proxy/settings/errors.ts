export type SettingsErrorCode = 'INVALID_SETTINGS' | 'SETTINGS_IO';

/** A settings problem the user can fix; `field` names the setting at fault. */
export class SettingsError extends Error {
  readonly code: SettingsErrorCode;
  readonly field: string | null;

  constructor(code: SettingsErrorCode, message: string, options: { field?: string | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SettingsError';
    this.code = code;
    this.field = options.field ?? null;
  }
}

export function invalidSetting(field: string, message: string): SettingsError {
  return new SettingsError('INVALID_SETTINGS', `${field}: ${message}`, { field });
}
