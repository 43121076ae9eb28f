/**
 * Headless configuration from environment variables and CLI flags (flags win). Pure, so
 * every rule is unit-tested; the API key has no flag because argv is visible to every
 * user of the machine (`ps`).
 */
import { parseArgs } from 'node:util';
import { ConfigError, type ProxyConfig } from '../config.js';
import { checkMaxAgeDays, checkMaxDbMb, checkMaxRows, checkPort, parseDecimal, parseWholeNumber } from '../contract/rules.js';
import { isLogLevel } from '../lib/log.js';

export const HELP = `Usage: npm run serve -- [options]     (or: node dist/proxy/cli/main.js [options])

Addendum: a local proxy for the Anthropic API. Point tools at it with
  ANTHROPIC_BASE_URL=http://127.0.0.1:8000
It appends your text to the last user message, streams answers back untouched and
keeps a searchable history. The dashboard URL (with its access token) is printed at start.

Options (environment variable in brackets; a flag wins over its variable):
  --upstream URL            upstream API base URL [ANTHROPIC_API_URL] (default https://api.anthropic.com)
                            API key: set ANTHROPIC_API_KEY (no flag: argv is visible to other users).
                            Without a key, clients' own x-api-key / Authorization pass through.
  --host HOST               address to bind [ADDENDUM_HOST] (default 127.0.0.1)
  --port N                  proxy port, 0 = any free port [ADDENDUM_PORT] (default 8000)
  --append TEXT             text appended to the last user message; empty = off [ADDENDUM_APPEND]
  --data-dir DIR            history database and settings folder [ADDENDUM_DATA_DIR]
  --dashboard-port N        dashboard/control API port, 0 = any free port [ADDENDUM_DASHBOARD_PORT] (default 0)
  --dashboard-host HOST     address the dashboard binds [ADDENDUM_DASHBOARD_HOST] (default 127.0.0.1)
  --no-dashboard            do not serve the dashboard
  --log-level LEVEL         debug | info | warn | error [ADDENDUM_LOG_LEVEL] (default info)
  --connect-timeout MS      upstream connect timeout [ADDENDUM_CONNECT_TIMEOUT_MS] (default 60000)
  --idle-timeout MS         max silence from upstream, incl. mid-stream [ADDENDUM_IDLE_TIMEOUT_MS] (default 600000)
  --allow-origin ORIGIN     browser origin allowed besides loopback; repeatable [ADDENDUM_ALLOWED_ORIGINS, comma-separated]
  --max-rows N              history retention: rows kept [ADDENDUM_MAX_ROWS] (default 10000)
  --max-age-days N          history retention: days kept [ADDENDUM_MAX_AGE_DAYS] (default 30)
  --max-db-mb N             history retention: MiB the file may use [ADDENDUM_MAX_DB_MB] (default 1024)
  -h, --help                show this help
  -v, --version             print the version
Control token: [ADDENDUM_CONTROL_TOKEN] fixes the dashboard token; otherwise a random one per launch.
`;

export interface CliOptions {
  help: boolean;
  version: boolean;
  /** Only what the user set: the settings file fills in the rest. */
  overrides: Partial<ProxyConfig>;
  dataDir: string | null;
  dashboardPort: number | null;
  /** Only loopback Host names are served whatever the bind (0.0.0.0 in a container). */
  dashboardHost: string;
  controlToken: string | null;
}

/** A flag's text checked by the shared rule (the same one settings and the dashboard use). */
function ruled(name: string, raw: string, parse: (text: string) => number | null, problem: (v: unknown) => string | null): number {
  const n = parse(raw);
  const found = problem(n ?? raw);
  if (found) throw new ConfigError(`${name} ${found}, got '${raw}'`);
  return n!;
}

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got '${raw}'`);
  return n;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        upstream: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        append: { type: 'string' },
        'data-dir': { type: 'string' },
        'dashboard-port': { type: 'string' },
        'dashboard-host': { type: 'string' },
        'no-dashboard': { type: 'boolean' },
        'log-level': { type: 'string' },
        'connect-timeout': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'max-rows': { type: 'string' },
        'max-age-days': { type: 'string' },
        'max-db-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  const pick = (flag: string | undefined, name: string): string | undefined => (flag !== undefined ? flag : env[name]);
  const o: Partial<ProxyConfig> = {};

  const upstream = pick(v.upstream, 'ANTHROPIC_API_URL');
  if (upstream !== undefined && upstream !== '') o.upstreamUrl = upstream;
  if (env.ANTHROPIC_API_KEY) o.apiKey = env.ANTHROPIC_API_KEY.trim();
  const host = pick(v.host, 'ADDENDUM_HOST');
  if (host !== undefined && host !== '') o.host = host;
  const port = pick(v.port, 'ADDENDUM_PORT');
  if (port !== undefined && port !== '') o.port = ruled('port', port, parseWholeNumber, checkPort);
  const append = pick(v.append, 'ADDENDUM_APPEND');
  if (append !== undefined) {
    o.modifierText = append;
    o.modifierEnabled = append !== '';
  }
  const level = pick(v['log-level'], 'ADDENDUM_LOG_LEVEL');
  if (level !== undefined && level !== '') {
    if (!isLogLevel(level)) throw new ConfigError(`log level must be debug, info, warn or error, got '${level}'`);
    o.logLevel = level;
  }
  const connect = pick(v['connect-timeout'], 'ADDENDUM_CONNECT_TIMEOUT_MS');
  if (connect !== undefined && connect !== '') o.connectTimeoutMs = positive('connect timeout', connect);
  const idle = pick(v['idle-timeout'], 'ADDENDUM_IDLE_TIMEOUT_MS');
  if (idle !== undefined && idle !== '') o.idleTimeoutMs = positive('idle timeout', idle);
  const origins = v['allow-origin'] ?? env.ADDENDUM_ALLOWED_ORIGINS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (origins?.length) o.allowedOrigins = origins;
  const maxRows = pick(v['max-rows'], 'ADDENDUM_MAX_ROWS');
  const maxAge = pick(v['max-age-days'], 'ADDENDUM_MAX_AGE_DAYS');
  const maxDbMb = pick(v['max-db-mb'], 'ADDENDUM_MAX_DB_MB');
  if (maxRows || maxAge || maxDbMb) {
    o.retention = {
      ...(maxRows ? { maxRows: ruled('max rows', maxRows, parseWholeNumber, checkMaxRows) } : {}),
      ...(maxAge ? { maxAgeDays: ruled('max age days', maxAge, parseDecimal, checkMaxAgeDays) } : {}),
      ...(maxDbMb ? { maxDbMb: ruled('max db mb', maxDbMb, parseWholeNumber, checkMaxDbMb) } : {}),
    } as ProxyConfig['retention'];
  }

  const dataDir = pick(v['data-dir'], 'ADDENDUM_DATA_DIR');
  let dashboardPort: number | null = 0;
  const dash = pick(v['dashboard-port'], 'ADDENDUM_DASHBOARD_PORT');
  if (dash !== undefined && dash !== '') dashboardPort = ruled('dashboard port', dash, parseWholeNumber, checkPort);
  if (v['no-dashboard']) dashboardPort = null;
  const dashboardHost = pick(v['dashboard-host'], 'ADDENDUM_DASHBOARD_HOST');

  const token = env.ADDENDUM_CONTROL_TOKEN;
  if (token !== undefined && token !== '' && token.length < 16) {
    throw new ConfigError('ADDENDUM_CONTROL_TOKEN must be at least 16 characters');
  }

  return {
    help: v.help ?? false,
    version: v.version ?? false,
    overrides: o,
    dataDir: dataDir !== undefined && dataDir !== '' ? dataDir : null,
    dashboardPort,
    dashboardHost: dashboardHost !== undefined && dashboardHost !== '' ? dashboardHost : '127.0.0.1',
    controlToken: token ? token : null,
  };
}
