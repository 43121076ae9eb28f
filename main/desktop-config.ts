import { join } from 'node:path';
import { parseCli } from '../proxy/cli/args.js';
import { defaultConfig, type ProxyConfig } from '../proxy/config.js';

/**
 * The desktop app's proxy configuration. Same rules as headless mode for environment
 * variables (ADDENDUM_PORT, ANTHROPIC_API_URL, ADDENDUM_DATA_DIR, ...), but no CLI flags:
 * Electron's argv belongs to Chromium and the OS. Its data (settings with the encrypted
 * key, history) lives in its own folder, never in the headless one: the two store the API
 * key differently and must not write one settings file.
 */
export interface DesktopConfig {
  /** Electron's userData and the history folder. */
  dataDir: string;
  baseConfig: ProxyConfig;
  overrides: Partial<ProxyConfig>;
}

/** `appData` is `app.getPath('appData')`; throws ConfigError for a bad variable. */
export function desktopConfig(env: NodeJS.ProcessEnv, appData: string): DesktopConfig {
  const cli = parseCli([], env);
  const dataDir = cli.dataDir ?? join(appData, 'Addendum');
  // The window talks over IPC: no HTTP dashboard, so no control port is opened.
  const baseConfig: ProxyConfig = { ...defaultConfig(env), dataDir, dashboardPort: null };
  return { dataDir, baseConfig, overrides: cli.overrides };
}
