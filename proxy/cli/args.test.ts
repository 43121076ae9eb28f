import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';
import { ConfigError } from '../config.js';

describe('parseCli', () => {
  it('reads every environment variable', () => {
    const o = parseCli([], {
      ANTHROPIC_API_KEY: ' sk-ant-env ',
      ANTHROPIC_API_URL: 'http://127.0.0.1:9999',
      ADDENDUM_HOST: '127.0.0.2',
      ADDENDUM_PORT: '0',
      ADDENDUM_APPEND: ' say moo',
      ADDENDUM_DATA_DIR: '/tmp/x',
      ADDENDUM_DASHBOARD_PORT: '7000',
      ADDENDUM_DASHBOARD_HOST: '0.0.0.0',
      ADDENDUM_LOG_LEVEL: 'debug',
      ADDENDUM_CONNECT_TIMEOUT_MS: '1500',
      ADDENDUM_IDLE_TIMEOUT_MS: '2500',
      ADDENDUM_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      ADDENDUM_MAX_ROWS: '10',
      ADDENDUM_MAX_AGE_DAYS: '2',
      ADDENDUM_MAX_DB_MB: '512',
    });
    expect(o.overrides).toEqual({
      apiKey: 'sk-ant-env',
      upstreamUrl: 'http://127.0.0.1:9999',
      host: '127.0.0.2',
      port: 0,
      modifierText: ' say moo',
      modifierEnabled: true,
      logLevel: 'debug',
      connectTimeoutMs: 1500,
      idleTimeoutMs: 2500,
      allowedOrigins: ['https://a.example', 'https://b.example'],
      retention: { maxRows: 10, maxAgeDays: 2, maxDbMb: 512 },
    });
    expect(o.dataDir).toBe('/tmp/x');
    expect(o.dashboardPort).toBe(7000);
    expect(o.dashboardHost).toBe('0.0.0.0');
  });

  it('lets flags win over variables and sets only what was given', () => {
    const o = parseCli(['--port', '8123', '--append', '', '--no-dashboard', '--allow-origin', 'https://x.example'], { ADDENDUM_PORT: '9000' });
    expect(o.overrides).toEqual({ port: 8123, modifierText: '', modifierEnabled: false, allowedOrigins: ['https://x.example'] });
    expect(o.dashboardPort).toBeNull();
    expect(o.dataDir).toBeNull();
  });

  it('binds the dashboard to loopback unless told otherwise, the flag winning', () => {
    expect(parseCli([], {}).dashboardHost).toBe('127.0.0.1');
    expect(parseCli([], { ADDENDUM_DASHBOARD_HOST: '' }).dashboardHost).toBe('127.0.0.1');
    expect(parseCli(['--dashboard-host', '::'], { ADDENDUM_DASHBOARD_HOST: '0.0.0.0' }).dashboardHost).toBe('::');
  });

  it('leaves the modifier to the settings file when ADDENDUM_APPEND is unset', () => {
    expect(parseCli([], {}).overrides).toEqual({});
  });

  it('keeps a partial retention override partial', () => {
    expect(parseCli(['--max-rows', '5'], {}).overrides.retention).toEqual({ maxRows: 5 });
  });

  it('reads the size cap from --max-db-mb over ADDENDUM_MAX_DB_MB, and refuses a bad one', () => {
    expect(parseCli(['--max-db-mb', '256'], { ADDENDUM_MAX_DB_MB: '2048' }).overrides.retention).toEqual({ maxDbMb: 256 });
    expect(parseCli([], { ADDENDUM_MAX_DB_MB: '2048' }).overrides.retention).toEqual({ maxDbMb: 2048 });
    expect(parseCli([], { ADDENDUM_MAX_DB_MB: '' }).overrides.retention).toBeUndefined();
    for (const bad of ['0', '1.5', '12MB', '-1', '1048577']) {
      expect(() => parseCli(['--max-db-mb', bad], {}), bad).toThrow(ConfigError);
    }
    expect(() => parseCli([], { ADDENDUM_MAX_DB_MB: 'big' })).toThrow(/max db mb must be a whole number of MiB/);
  });

  it.each([
    [['--port', '70000'], {}, /port must be a whole number from 0 to 65535/],
    [['--port', 'abc'], {}, /port must be a whole number/],
    [[], { ADDENDUM_PORT: '-1' }, /port must be a whole number/],
    [['--log-level', 'loud'], {}, /log level/],
    [['--idle-timeout', '0'], {}, /idle timeout must be a positive number/],
    [['--bogus'], {}, /Unknown option '--bogus'.*see --help/],
    [['stray'], {}, /see --help/],
    [[], { ADDENDUM_CONTROL_TOKEN: 'short' }, /at least 16/],
  ])('rejects %j %j with a clear message', (argv, env, message) => {
    expect(() => parseCli(argv, env)).toThrow(ConfigError);
    expect(() => parseCli(argv, env)).toThrow(message);
  });

  it('recognises help and version', () => {
    expect(parseCli(['-h'], {}).help).toBe(true);
    expect(parseCli(['--version'], {}).version).toBe(true);
  });
});
