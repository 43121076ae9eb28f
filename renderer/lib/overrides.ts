import type { SettingsPatch } from '../../proxy/contract/operations.js';

/** Where a fixed value comes from, as `npm run serve --help` names it. */
const SOURCES: Record<keyof SettingsPatch, string> = {
  apiKey: 'ANTHROPIC_API_KEY',
  upstreamUrl: '--upstream or ANTHROPIC_API_URL',
  port: '--port or ADDENDUM_PORT',
  modifierText: '--append or ADDENDUM_APPEND',
  modifierEnabled: '--append or ADDENDUM_APPEND',
  retention: '--max-rows / --max-age-days or ADDENDUM_MAX_ROWS / ADDENDUM_MAX_AGE_DAYS',
};

export function overrideNote(key: keyof SettingsPatch): string {
  return `Fixed for this run: set by ${SOURCES[key]}. Saving updates the settings file; it takes effect once the override is gone.`;
}

export function isOverridden(overridden: readonly string[] | undefined, key: keyof SettingsPatch): boolean {
  return overridden?.includes(key) ?? false;
}
