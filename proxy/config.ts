import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LogLevel, RetentionSettings } from './contract/types.js';
import { checkMaxAgeDays, checkMaxDbMb, DEFAULT_MAX_DB_MB, checkMaxRows, checkPort, checkUpstreamUrl } from './contract/rules.js';
import { AddendumError } from './lib/errors.js';

export interface ProxyConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  upstreamUrl: string;
  /** Injected upstream when set; otherwise client credentials pass through. */
  apiKey: string | null;
  modifierText: string;
  modifierEnabled: boolean;
  dataDir: string;
  logLevel: LogLevel;
  /** Time to get a connection to upstream and response headers back. */
  connectTimeoutMs: number;
  /** Longest silence allowed between two chunks of a streamed response. */
  idleTimeoutMs: number;
  bodyLimitBytes: number;
  /** Browser origins allowed besides loopback ones. */
  allowedOrigins: string[];
  retention: RetentionSettings;
  /** Cap on the raw response text kept per history row. */
  maxStoredResponseBytes: number;
  /** How long SIGINT/SIGTERM waits for in-flight exchanges before closing them. */
  shutdownGraceMs: number;
  /** Dashboard/control API port (headless); 0 picks a free one, null disables it. */
  dashboardPort: number | null;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Addendum');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Addendum');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'addendum');
}

export const DEFAULTS: Omit<ProxyConfig, 'dataDir'> = {
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  apiKey: null,
  modifierText: '',
  modifierEnabled: true,
  logLevel: 'info',
  connectTimeoutMs: 60_000,
  idleTimeoutMs: 10 * 60_000,
  bodyLimitBytes: 32 * 1024 * 1024,
  allowedOrigins: [],
  retention: { maxRows: 10_000, maxAgeDays: 30, maxDbMb: DEFAULT_MAX_DB_MB },
  maxStoredResponseBytes: 2 * 1024 * 1024,
  shutdownGraceMs: 10_000,
  dashboardPort: 0,
};

export function defaultConfig(env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  return { ...DEFAULTS, retention: { ...DEFAULTS.retention }, dataDir: defaultDataDir(env) };
}

export class ConfigError extends AddendumError<'BAD_CONFIG'> {
  constructor(message: string) {
    super('BAD_CONFIG', message);
  }
}

/** The text actually appended: empty when the modifier is off. */
export function effectiveModifierText(config: Pick<ProxyConfig, 'modifierText' | 'modifierEnabled'>): string {
  return config.modifierEnabled ? config.modifierText : '';
}

/** Throws ConfigError with one readable line for the first problem found. */
export function validateConfig(config: ProxyConfig): ProxyConfig {
  const rule = (name: string, value: unknown, problem: (v: unknown) => string | null): void => {
    const found = problem(value);
    if (found) throw new ConfigError(`${name} ${found}, got ${String(value)}`);
  };
  rule('port', config.port, checkPort);
  if (config.dashboardPort !== null) rule('dashboard port', config.dashboardPort, checkPort);
  // Not echoed: a URL that fails may carry credentials.
  const urlProblem = checkUpstreamUrl(config.upstreamUrl);
  if (urlProblem) throw new ConfigError(`upstream URL ${urlProblem}`);
  if (!config.host) throw new ConfigError('host must not be empty');
  for (const [name, value] of [
    ['connect timeout', config.connectTimeoutMs],
    ['idle timeout', config.idleTimeoutMs],
    ['body limit', config.bodyLimitBytes],
    ['max stored response bytes', config.maxStoredResponseBytes],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got ${value}`);
  }
  rule('retention max rows', config.retention.maxRows, checkMaxRows);
  rule('retention max age', config.retention.maxAgeDays, checkMaxAgeDays);
  if (config.retention.maxDbMb !== undefined) rule('retention max size', config.retention.maxDbMb, checkMaxDbMb);
  return config;
}
