/**
 * The headless entry as a user runs it: a child process configured by environment and
 * flags, its printed lines, its exit codes and its graceful shutdown. Runs the build in
 * dist/, so `npm test` builds before it tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../proxy/history/index.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>): Run {
  // The built entry, as `npm run serve` runs it (npm test builds first).
  const child = spawn(process.execPath, ['dist/proxy/cli/main.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (c) => (r.stdout += c));
  child.stderr!.on('data', (c) => (r.stderr += c));
  return r;
}

async function waitFor(r: Run, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = r.stdout.match(pattern);
    if (m) return m;
    if (r.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} in output; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    await new Promise((res) => setTimeout(res, 25));
  }
}

let fake: FakeUpstream;
let dataDir: string;
const running: Run[] = [];

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(() => fake.close());
afterEach(() => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  dataDir = mkdtempSync(join(tmpdir(), 'addendum-cli-'));
  return { ANTHROPIC_API_URL: fake.url, ADDENDUM_PORT: '0', ADDENDUM_DATA_DIR: dataDir, ADDENDUM_DASHBOARD_PORT: '0', ...extra };
}

describe('npm run serve (proxy/cli/main.ts)', () => {
  it('prints help', async () => {
    const r = run(['--help'], env());
    expect(await r.exited).toBe(0);
    expect(r.stdout).toContain('Usage:');
    for (const v of ['ANTHROPIC_API_KEY', 'ANTHROPIC_API_URL', 'ADDENDUM_HOST', 'ADDENDUM_PORT', 'ADDENDUM_APPEND', 'ADDENDUM_DATA_DIR']) {
      expect(r.stdout).toContain(v);
    }
  });

  it('starts on a free port, proxies with the appended text, prints the dashboard, and stops cleanly on SIGTERM', async () => {
    const r = run([], env({ ADDENDUM_APPEND: ' -- from env', ANTHROPIC_API_KEY: 'sk-ant-cli-key-0000' }));
    running.push(r);
    const [, url] = await waitFor(r, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, dashboard] = await waitFor(r, /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=[\w-]{20,}/);
    expect(url).not.toMatch(/:0$/);
    // The built dashboard from dist/renderer (npm test builds first), not the "not built" page.
    expect(await (await fetch(`${dashboard}/`)).text()).toContain('<script');
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(fake.last().json.messages[0].content).toBe('hi -- from env');
    expect(fake.last().headers['x-api-key']).toBe('sk-ant-cli-key-0000');
    expect(r.stdout + r.stderr).not.toContain('sk-ant-cli-key-0000');

    r.child.kill('SIGTERM');
    expect(await r.exited, r.stdout + r.stderr).toBe(0);
    // The database was closed cleanly and holds the exchange.
    const history = await openHistory({ dataDir, retention: { maxRows: 100, maxAgeDays: 30 } });
    try {
      expect((await history.list({})).items).toHaveLength(1);
    } finally {
      await history.close();
    }
  });

  it('lets an in-flight stream finish on SIGTERM and refuses new connections', async () => {
    const r = run([], env());
    running.push(r);
    const [, url] = await waitFor(r, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    fake.enqueue({ kind: 'stream', stream: 'text', paceMs: 100 });
    const res = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    r.child.kill('SIGTERM');
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (value) text += decoder.decode(value, { stream: true });
      if (done) break;
    }
    expect(text).toContain('event: message_stop');
    expect(await r.exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('fails with one clear line when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run([], env({ ADDENDUM_PORT: String(port) }));
      expect(await r.exited).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^addendum: port ${port} is already in use`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [{ ADDENDUM_PORT: 'eighty' }, [], /^addendum: port must be a whole number/],
    [{ ANTHROPIC_API_URL: 'ftp://x' }, [], /^addendum: upstream URL must start with http:\/\/ or https:\/\//],
    [{}, ['--nope'], /^addendum: .*--nope.*see --help/],
  ])('fails with one clear line on bad config %j %j', async (extra, args, message) => {
    const r = run(args, env(extra as Record<string, string>));
    expect(await r.exited).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
