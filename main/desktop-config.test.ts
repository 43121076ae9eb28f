import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../proxy/config.js';
import { desktopConfig } from './desktop-config.js';

const APP_DATA = join('/home', 'me', '.config');

describe('desktopConfig', () => {
  it('keeps its data under appData/Addendum and opens no dashboard port', () => {
    const config = desktopConfig({}, APP_DATA);
    expect(config.dataDir).toBe(join(APP_DATA, 'Addendum'));
    expect(config.baseConfig.dataDir).toBe(config.dataDir);
    expect(config.baseConfig.dashboardPort).toBeNull();
    expect(config.baseConfig.host).toBe('127.0.0.1');
    expect(config.overrides).toEqual({});
  });

  it('takes the same environment variables as headless mode', () => {
    const config = desktopConfig(
      { ADDENDUM_DATA_DIR: '/tmp/addendum-e2e', ADDENDUM_PORT: '0', ANTHROPIC_API_URL: 'http://127.0.0.1:9999' },
      APP_DATA,
    );
    expect(config.dataDir).toBe('/tmp/addendum-e2e');
    expect(config.overrides).toMatchObject({ port: 0, upstreamUrl: 'http://127.0.0.1:9999' });
  });

  it('rejects a bad variable with a readable error', () => {
    expect(() => desktopConfig({ ADDENDUM_PORT: 'eighty' }, APP_DATA)).toThrow(ConfigError);
  });
});
