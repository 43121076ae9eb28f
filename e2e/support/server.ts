/**
 * Runs the real headless server (`node dist/proxy/cli/main.js`) as a child process with its own
 * data folder, the way a user runs `npm run serve`, and reads the URLs it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfStore } from '../../proxy/settings/conf-store.js';
import { defaultSettings } from '../../proxy/settings/settings.js';
import type { StoredSettings } from '../../proxy/settings/types.js';
import { CLI_PATH, REPO_ROOT } from './paths.js';

export interface HeadlessServer {
  /** e.g. http://127.0.0.1:43123 — what ANTHROPIC_BASE_URL points at. */
  proxyUrl: string;
  proxyPort: number;
  /** The printed link, token in the fragment. */
  dashboardUrl: string;
  /** The dashboard origin, without the token. */
  controlUrl: string;
  token: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Settings and flags not passed here come from nothing: the child sees no ANTHROPIC_* or
 * ADDENDUM_* variable from the developer's shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ANTHROPIC_') && !k.startsWith('ADDENDUM_')) env[k] = v;
  }
  return { ...env, ...extra };
}

export async function startHeadless(options: {
  upstreamUrl: string;
  settings?: Partial<StoredSettings>;
  args?: string[];
  /** ADDENDUM_* / ANTHROPIC_* variables the run starts with (the test's own are never passed). */
  env?: Record<string, string>;
}): Promise<HeadlessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'addendum-e2e-'));
  const proxyPort = await freePort();
  // Seeded through the same store the server reads, so the file is what a user would have.
  createConfStore(dataDir).save({ ...defaultSettings(), port: proxyPort, ...options.settings });
  const token = randomBytes(24).toString('base64url');

  const child: ChildProcess = spawn(
    process.execPath,
    [CLI_PATH, '--data-dir', dataDir, '--upstream', options.upstreamUrl, '--dashboard-port', '0', ...(options.args ?? [])],
    { cwd: REPO_ROOT, env: cleanEnv({ ...options.env, ADDENDUM_CONTROL_TOKEN: token }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));

  const dashboardUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless server did not print its dashboard URL:\n${output}`)), 30_000);
    const check = (): void => {
      const m = /dashboard: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless server exited with ${code}:\n${output}`));
    });
  });
  const listening = /listening on (http:\/\/\S+)/.exec(output);
  if (!listening) throw new Error(`no proxy URL in:\n${output}`);

  let stopped: Promise<void> | null = null;
  return {
    proxyUrl: listening[1]!,
    proxyPort,
    dashboardUrl,
    controlUrl: new URL(dashboardUrl).origin,
    token,
    dataDir,
    output: () => output,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
