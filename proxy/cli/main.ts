#!/usr/bin/env node
/**
 * Headless entry: `npm run serve`. Thin wiring around the library; every rule lives in
 * cli-args.ts, host.ts or the proxy itself.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, HELP } from './args.js';
import { ConfigError, defaultConfig } from '../config.js';
import { newControlToken, startControlServer } from '../control/server.js';
import { createHost } from '../host/host.js';
import { ProxyStartError } from '../index.js';
import { createConfStore } from '../settings/conf-store.js';
import { VERSION } from '../version.js';

function fail(message: string): never {
  process.stderr.write(`addendum: ${message}\n`);
  process.exit(1);
}

/** The built dashboard: dist/renderer beside dist/proxy, also when run from source. */
function staticDir(): string | null {
  const file = fileURLToPath(import.meta.url);
  // This file is proxy/cli/main.{ts,js}: two folders below the checkout (or dist/).
  const root = join(dirname(file), '..', '..');
  const dir = file.endsWith('.ts') ? join(root, 'dist', 'renderer') : join(root, 'renderer');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  if (options.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }

  const baseConfig = defaultConfig(process.env);
  if (options.dataDir) baseConfig.dataDir = options.dataDir;
  baseConfig.dashboardPort = options.dashboardPort;

  let host;
  try {
    const store = createConfStore(baseConfig.dataDir);
    host = await createHost({ baseConfig, overrides: options.overrides, store, consoleLog: true });
  } catch (err) {
    if (err instanceof ConfigError || (err as { code?: string }).code) fail((err as Error).message);
    throw err;
  }

  let control: Awaited<ReturnType<typeof startControlServer>> | null = null;
  let stoppingSince: number | null = null;
  const shutdown = async (signal: string): Promise<void> => {
    if (stoppingSince !== null) {
      // conf's atomic writer (when-exit) re-raises the signal once right after its own
      // cleanup; only a signal that comes later is the user asking a second time.
      if (Date.now() - stoppingSince < 1000) return;
      process.stderr.write(`addendum: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    process.stdout.write(`addendum: ${signal} received, finishing in-flight requests…\n`);
    try {
      await control?.close();
      await host.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const status = await host.api.startProxy();
    if (!status.running) fail(status.lastError ?? 'the proxy did not start');
    process.stdout.write(`addendum ${VERSION} listening on ${status.baseUrl} → ${status.upstreamUrl}\n`);
    process.stdout.write(`  point tools at it: ANTHROPIC_BASE_URL=${status.baseUrl}\n`);
    process.stdout.write(`  OpenAI-compatible: ${status.baseUrl}/openai/v1\n`);
  } catch (err) {
    await host.close().catch(() => undefined);
    if (err instanceof ProxyStartError || err instanceof ConfigError) fail(err.message);
    throw err;
  }

  if (options.dashboardPort !== null) {
    const token = options.controlToken ?? newControlToken();
    try {
      control = await startControlServer({
        api: host.api,
        host: options.dashboardHost,
        port: options.dashboardPort,
        token,
        staticDir: staticDir(),
      });
    } catch (err) {
      await host.close().catch(() => undefined);
      fail((err as Error).message);
    }
    process.stdout.write(`  dashboard: ${control.url}/#token=${token}\n`);
  }
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err));
});
