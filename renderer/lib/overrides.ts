import type { SettingsPatch } from '../../proxy/contract/operations.js';

/** Where a value the run started with comes from, as `npm run serve --help` names it. */
const SOURCES: Record<keyof SettingsPatch, string> = {
  apiKey: 'ANTHROPIC_API_KEY',
  upstreamUrl: '--upstream or ANTHROPIC_API_URL',
  port: '--port or ADDENDUM_PORT',
  modifierText: '--append or ADDENDUM_APPEND',
  modifierEnabled: '--append or ADDENDUM_APPEND',
  retention: '--max-rows / --max-age-days / --max-db-mb or ADDENDUM_MAX_ROWS / ADDENDUM_MAX_AGE_DAYS / ADDENDUM_MAX_DB_MB',
};

export function overrideNote(key: keyof SettingsPatch): string {
  return `This run started with the value set by ${SOURCES[key]}. A change saved here applies at once and is kept in the settings file.`;
}

export function isOverridden(overridden: readonly string[] | undefined, key: keyof SettingsPatch): boolean {
  return overridden?.includes(key) ?? false;
}
