/**
 * The container image as a user runs it: built from the Dockerfile, started with a named
 * volume and ports published on 127.0.0.1 only, used through the SDK, stopped with
 * SIGTERM. Runs under `npm test` (its own step: the build takes minutes and should not
 * compete with the timing-sensitive suites) whenever podman can run; skips with the reason
 * otherwise.
 *
 * Network: the fake upstream listens on host 127.0.0.1; the container reaches it as
 * 10.0.2.2 (slirp4netns with allow_host_loopback, the runtime's own alias for host
 * loopback). Host networking would make the published port meaningless, so the test
 * talks to the proxy only through `-p 127.0.0.1:<port>:8000`.
 */
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream.js';
import { BASE_IMAGE, HOST_LOOPBACK_FROM_CONTAINER, ROOT, run, whyNoEngine } from './engine.js';
import { SERVER_NODE_FLAGS } from '../../proxy/cli/node-flags.js';

const IMAGE = 'localhost/addendum:test';
const NAME = `addendum-test-${process.pid}`;
const VOLUME = `addendum-test-data-${process.pid}`;
const KEY = 'sk-ant-container-key-0000';
const TOKEN = 'container-test-token-0123456789';
const APPENDED = ' (answer in the container)';
const RESULTS = join(ROOT, 'test-results');
const BUILD_LOG = join(RESULTS, 'container-build.log');
const CA_BUNDLE = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';

/** What the README, compose.yaml and Dockerfile tell users to publish, engine or not. */
describe('documented publishing', () => {
  const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

  it('publishes on host loopback only, in the README, compose.yaml and the Dockerfile', () => {
    const compose = read('compose.yaml');
    const composePorts = [...compose.matchAll(/^\s*-\s*"([^"]+)"\s*$/gm)].map((m) => m[1]!).filter((p) => /^[\d.:]+$/.test(p));
    expect(composePorts).toEqual(['127.0.0.1:8000:8000', '127.0.0.1:8001:8001']);
    // The commands users copy: the README's shell blocks and the Dockerfile's usage comment.
    const commands = {
      'README.md': [...read('README.md').matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!).join('\n'),
      Dockerfile: read('Dockerfile').split('\n').filter((l) => l.startsWith('#')).join('\n'),
    };
    for (const [file, text] of Object.entries(commands)) {
      const published = [...text.matchAll(/(?:^|\s)(?:-p|--publish)[ =](\S+)/gm)].map((m) => m[1]!);
      expect(published.length, file).toBeGreaterThan(0);
      for (const p of published) expect(p, `${file}: -p ${p}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('takes the API key from an env file at run time, never from the image', () => {
    expect(read('compose.yaml')).toMatch(/^\s*env_file: addendum\.env$/m);
    expect(read('Dockerfile')).not.toMatch(/ANTHROPIC_API_KEY|ARG .*KEY|ADDENDUM_CONTROL_TOKEN/);
    expect(read('.dockerignore')).toMatch(/^\*$/m);
  });
});

const skipReason = whyNoEngine();
if (skipReason) console.warn(`container image test skipped: ${skipReason}`);

/** A port nothing listens on right now, for publishing on host loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A raw request, so Host and Origin are exactly what the test says. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: !('host' in headers) }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.once('error', reject);
    req.end();
  });
}

const engine = (...args: string[]) => run('podman', args);

async function waitHealthy(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // No systemd here to run podman's health timer: run the image's HEALTHCHECK by hand, as
  // the timer would, until it reports healthy.
  for (;;) {
    const check = await run('podman', ['healthcheck', 'run', NAME], { allowFail: true });
    if (check.code === 0) return;
    const state = await engine('inspect', '--format', '{{.State.Status}}', NAME);
    if (state.stdout !== 'running' || Date.now() > deadline) {
      const logs = await run('podman', ['logs', NAME], { allowFail: true });
      throw new Error(`container not healthy (state ${state.stdout}): ${check.stdout} ${check.stderr}\n${logs.stdout}\n${logs.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(skipReason !== null)(`container image${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let fake: FakeUpstream;
  let proxyPort: number;
  let dashboardPort: number;
  let logs = '';
  let stopCode = -1;
  const metrics: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    rmSync(BUILD_LOG, { force: true });
    const t0 = Date.now();
    // Cached: does nothing when the stand-in (or a real node:20-slim) is already there.
    await run('bash', [join(ROOT, 'scripts/container/base-image.sh'), 'podman', BASE_IMAGE], { log: BUILD_LOG, timeoutMs: 15 * 60_000 });
    metrics.baseImageSeconds = (Date.now() - t0) / 1000;

    const previous = await run('podman', ['image', 'inspect', '--format', '{{.Id}}', IMAGE], { allowFail: true });
    const t1 = Date.now();
    const secret = existsSync(CA_BUNDLE) ? ['--secret', `id=ca,src=${CA_BUNDLE}`] : [];
    // --format docker: podman's default OCI format has no HEALTHCHECK field and drops it.
    await run('podman', ['build', '--format', 'docker', '--network', 'host', ...secret, '-t', IMAGE, '.'], {
      log: BUILD_LOG,
      timeoutMs: 20 * 60_000,
    });
    metrics.buildSeconds = (Date.now() - t1) / 1000;
    const id = await engine('image', 'inspect', '--format', '{{.Id}}', IMAGE);
    // The previous build of this tag is garbage now; its builder layers stay as the cache.
    if (previous.code === 0 && previous.stdout !== id.stdout) await run('podman', ['rmi', previous.stdout], { allowFail: true });
    metrics.imageMegabytes = Number((await engine('image', 'inspect', '--format', '{{.Size}}', IMAGE)).stdout) / 1e6;

    fake = await startFakeUpstream();
    proxyPort = await freePort();
    dashboardPort = await freePort();
    const envFile = join(RESULTS, 'container-test.env');
    writeFileSync(envFile, `ANTHROPIC_API_KEY=${KEY}\nADDENDUM_CONTROL_TOKEN=${TOKEN}\n`, { mode: 0o600 });
    const upstream = `http://${HOST_LOOPBACK_FROM_CONTAINER}:${new URL(fake.url).port}`;

    await run('podman', ['rm', '-f', NAME], { allowFail: true });
    await run('podman', ['volume', 'rm', '-f', VOLUME], { allowFail: true });
    const t2 = Date.now();
    try {
      // The flags of compose.yaml: loopback-only ports, a named volume, limits, read-only root.
      await engine(
        'run', '-d', '--name', NAME,
        '--network', 'slirp4netns:allow_host_loopback=true',
        '-p', `127.0.0.1:${proxyPort}:8000`,
        '-p', `127.0.0.1:${dashboardPort}:8001`,
        '-v', `${VOLUME}:/data`,
        '--env-file', envFile,
        '-e', `ANTHROPIC_API_URL=${upstream}`,
        '-e', `ADDENDUM_APPEND=${APPENDED}`,
        '--memory', '512m', '--cpus', '1',
        '--read-only', '--tmpfs', '/tmp',
        '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
        IMAGE,
      );
    } finally {
      rmSync(envFile, { force: true });
    }
    await waitHealthy(60_000);
    metrics.startSeconds = (Date.now() - t2) / 1000;
    const line = Object.entries(metrics).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(' ');
    console.log(`container metrics: ${line}`);
    writeFileSync(join(RESULTS, 'container-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }, 30 * 60_000);

  afterAll(async () => {
    await run('podman', ['rm', '-f', NAME], { allowFail: true });
    await run('podman', ['volume', 'rm', '-f', VOLUME], { allowFail: true });
    await fake?.close();
  }, 60_000);

  it('reports healthy, and prints loopback URLs even though it binds 0.0.0.0', async () => {
    const health = await engine('inspect', '--format', '{{.State.Health.Status}}', NAME);
    expect(health.stdout).toBe('healthy');
    logs = (await engine('logs', NAME)).stdout;
    expect(logs).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:8000');
    expect(logs).toContain(`dashboard: http://127.0.0.1:8001/#token=${TOKEN}`);
  });

  it('answers the SDK through the published port, not streamed and streamed', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-client-side', baseURL: `http://127.0.0.1:${proxyPort}`, maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude-container-plain', max_tokens: 16, messages: [{ role: 'user', content: 'plain' }] });
    expect(message.type).toBe('message');
    expect(message.content[0]?.type).toBe('text');
    // Through the proxy inside the container: its key from the env file replaced the
    // client's, and the appended text reached upstream.
    expect(fake.last().headers['x-api-key']).toBe(KEY);
    expect(fake.last().headers.authorization).toBeUndefined();
    expect(JSON.stringify(fake.last().json.messages)).toContain(APPENDED.trim());

    const streamed = await client.messages
      .stream({ model: 'claude-container-stream', max_tokens: 16, messages: [{ role: 'user', content: 'streamed' }] })
      .finalMessage();
    expect(streamed.content[0]?.type).toBe('text');
    expect(fake.requests).toHaveLength(2);
  });

  it('still refuses foreign Host and Origin names on the published ports', async () => {
    const ok = await rawGet(proxyPort, '/health', {});
    expect(ok.status).toBe(200);
    expect((await rawGet(proxyPort, '/health', { host: 'evil.example' })).status).toBe(403);
    expect((await rawGet(proxyPort, '/health', { host: `0.0.0.0:${proxyPort}` })).status).toBe(403);
    expect((await rawGet(proxyPort, '/health', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await rawGet(dashboardPort, '/api/status', { 'x-addendum-token': TOKEN, host: 'evil.example' })).status).toBe(403);
  });

  it('serves the dashboard and its API only with the token', async () => {
    const page = await rawGet(dashboardPort, '/', {});
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('<script');
    expect((await rawGet(dashboardPort, '/api/status', {})).status).toBe(401);
    const status = await rawGet(dashboardPort, '/api/status', { 'x-addendum-token': TOKEN });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ running: true, port: 8000 });
  });

  it('runs the server as a non-root PID 1', async () => {
    const status = (await engine('exec', NAME, 'cat', '/proc/1/status')).stdout;
    expect(status).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    const cmdline = (await engine('exec', NAME, 'cat', '/proc/1/cmdline')).stdout.split('\0').join(' ');
    expect(cmdline).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/proxy/cli/main.js`);
    expect((await engine('exec', NAME, 'id', '-u')).stdout).toBe('1000');
    // Nothing of the build's secrets or the user's key in the image's configuration.
    const env = (await engine('image', 'inspect', '--format', '{{json .Config.Env}}', IMAGE)).stdout;
    expect(env).not.toMatch(/NODE_EXTRA_CA_CERTS|ANTHROPIC_API_KEY|ADDENDUM_CONTROL_TOKEN/);
  });

  it('holds no dev dependency, no Electron, no compiler', async () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, meta]) => path.startsWith('node_modules/') && meta.dev === true)
      .map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/electron', 'node_modules/vitest', 'node_modules/typescript']));
    // One node process in the container checks every path: faster than one exec each.
    const probe = `
      const fs = require('node:fs');
      const paths = JSON.parse(process.argv[1]);
      const present = paths.filter((p) => fs.existsSync('/app/' + p));
      const tools = ['gcc', 'g++', 'cc', 'c++', 'make', 'python3', 'node-gyp'].filter((t) =>
        process.env.PATH.split(':').some((d) => fs.existsSync(d + '/' + t)));
      const top = fs.readdirSync('/app');
      console.log(JSON.stringify({ present, tools, top, sqlite: fs.existsSync('/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node') }));`;
    const found = JSON.parse((await engine('exec', NAME, 'node', '-e', probe, JSON.stringify(devOnly))).stdout) as {
      present: string[];
      tools: string[];
      top: string[];
      sqlite: boolean;
    };
    expect(found.present).toEqual([]);
    expect(found.tools).toEqual([]);
    expect(found.top.sort()).toEqual(['dist', 'healthcheck.mjs', 'node_modules', 'package.json']);
    expect(found.sqlite).toBe(true);
    const dist = (await engine('exec', NAME, 'ls', '/app/dist')).stdout.split('\n').sort();
    expect(dist).toEqual(['proxy', 'renderer']);
  });

  it('stops gracefully on SIGTERM: exit code 0, a clean database with both rows on the volume', async () => {
    const t = Date.now();
    await engine('stop', '--time', '20', NAME);
    const seconds = (Date.now() - t) / 1000;
    stopCode = Number((await engine('inspect', '--format', '{{.State.ExitCode}}', NAME)).stdout);
    logs = (await engine('logs', NAME)).stdout;
    console.log(`container metrics: stopSeconds=${seconds.toFixed(1)}`);
    expect(logs).toContain('SIGTERM received');
    expect(stopCode).toBe(0);

    const dir = (await engine('volume', 'inspect', '--format', '{{.Mountpoint}}', VOLUME)).stdout;
    const file = join(dir, 'history.sqlite');
    expect(existsSync(file)).toBe(true);
    // A clean close checkpoints the write-ahead log: nothing left in it.
    const wal = `${file}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT model, stream, status, outcome FROM exchanges ORDER BY seq').all();
      expect(rows).toEqual([
        { model: 'claude-container-plain', stream: 0, status: 200, outcome: 'ok' },
        { model: 'claude-container-stream', stream: 1, status: 200, outcome: 'ok' },
      ]);
    } finally {
      db.close();
    }
    // The volume took /data's owner from the image: the unprivileged user could write it.
    expect(statSync(dir).uid).toBe(1000);
  });
});

