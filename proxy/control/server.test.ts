import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSse, rawRequest } from '../../test/raw-http.js';
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER, type ContractEvent, type OperationName } from '../contract/operations.js';
import type { HostApi } from '../host/host.js';
import { SettingsError } from '../settings/errors.js';
import type { ProxyStatus } from '../contract/types.js';
import { CONTENT_SECURITY_POLICY, newControlToken, startControlServer, type ControlServer } from './server.js';

const STATUS: ProxyStatus = {
  running: true,
  baseUrl: 'http://127.0.0.1:8000',
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  modifierOn: false,
  startedAt: 1,
  lastError: null,
};

interface FakeApi extends HostApi {
  calls: Array<{ op: OperationName; arg: unknown }>;
  listeners: Set<(events: ContractEvent[]) => void>;
  failWith: unknown;
}

/** Each operation answers `{ op, arg }` so a test can see which one a route reached. */
function fakeApi(): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Set<(events: ContractEvent[]) => void>();
  const api = { calls, listeners, failWith: undefined as unknown } as FakeApi;
  for (const op of Object.keys(HTTP_ROUTES) as OperationName[]) {
    (api as unknown as Record<string, (arg: unknown) => Promise<unknown>>)[op] = async (arg) => {
      calls.push({ op, arg });
      if (api.failWith !== undefined) throw api.failWith;
      if (op === 'getHistoryEntry') return null;
      if (op === 'getStatus') return STATUS;
      return { op, arg: arg ?? null };
    };
  }
  api.subscribe = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return api;
}

const token = newControlToken();
let api: FakeApi;
let server: ControlServer;
let staticDir: string;
let logged: string[];

beforeAll(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'addendum-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>dash</title><script src="./assets/app.js"></script>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'addendum-secret-outside.txt'), 'outside');
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

beforeEach(async () => {
  api = fakeApi();
  logged = [];
  server = await startControlServer({
    api,
    port: 0,
    token,
    staticDir,
    bodyLimitBytes: 1024,
    keepAliveMs: 50,
    logError: (message) => logged.push(message),
  });
});
afterEach(async () => {
  await server.close();
});

const auth = (extra: Record<string, string> = {}) => ({ [TOKEN_HEADER]: token, ...extra });
const call = (op: OperationName, body?: unknown, headers: Record<string, string> = auth()) =>
  rawRequest(server.url + HTTP_ROUTES[op].path, {
    method: HTTP_ROUTES[op].method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('control server: access', () => {
  it('listens on loopback and reports its url', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers 401 without a token, with a wrong one, and for unknown /api paths', async () => {
    for (const headers of [{}, { [TOKEN_HEADER]: 'nope' }, { [TOKEN_HEADER]: token + 'x' }] as Array<Record<string, string>>) {
      const res = await call('getStatus', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
    expect((await rawRequest(`${server.url}/api/nothing`)).status).toBe(401);
    expect(api.calls).toEqual([]);
  });

  it('accepts the token as a query parameter only on the events stream', async () => {
    const res = await rawRequest(`${server.url}${HTTP_ROUTES.getStatus.path}?token=${token}`);
    expect(res.status).toBe(401);
    const sse = await openSse(`${server.url}${EVENTS_PATH}?token=${token}`);
    expect(sse.response.statusCode).toBe(200);
    sse.close();
  });

  it('refuses a foreign Host with 403 even with the token', async () => {
    for (const host of ['evil.example', 'evil.example:80', '192.168.1.5', '127.0.0.1.evil.example']) {
      const res = await call('getStatus', undefined, auth({ host }));
      expect(res.status, host).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN_HOST');
    }
    const page = await rawRequest(`${server.url}/`, { headers: { host: 'evil.example' } });
    expect(page.status).toBe(403);
    expect(api.calls).toEqual([]);
  });

  it('refuses a request with no Host at all', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.end(`GET ${HTTP_ROUTES.getStatus.path} HTTP/1.0\r\n${TOKEN_HEADER}: ${token}\r\n\r\n`);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.[01] 403/);
    expect(api.calls).toEqual([]);
  });

  it('accepts loopback Host names', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`]) {
      expect((await call('getStatus', undefined, auth({ host }))).status).toBe(200);
    }
  });

  it("refuses any Origin but the dashboard's own", async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, 'http://localhost:8000', `https://127.0.0.1:${server.port}`]) {
      const res = await call('stopProxy', undefined, auth({ origin }));
      expect(res.status, origin).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN_ORIGIN');
    }
    expect(api.calls).toEqual([]);
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      expect((await call('stopProxy', undefined, auth({ origin }))).status).toBe(200);
    }
  });
});

describe('control server: operations', () => {
  it.each(Object.keys(HTTP_ROUTES) as OperationName[])('routes %s to its operation', async (op) => {
    const body = HTTP_ROUTES[op].method === 'GET' ? undefined : { probe: op };
    const res = await call(op, body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(api.calls).toEqual([{ op, arg: body }]);
    if (op === 'getHistoryEntry') expect(res.text).toBe('null');
    else if (op === 'getStatus') expect(res.json).toEqual(STATUS);
    else expect(res.json).toEqual({ op, arg: body ?? null });
  });

  it('serves one history body at POST /api/history/body', async () => {
    expect(HTTP_ROUTES.getHistoryBody).toEqual({ method: 'POST', path: '/api/history/body' });
    const arg = { id: 'x1', field: 'responseBody' };
    const res = await rawRequest(`${server.url}/api/history/body`, {
      method: 'POST',
      headers: auth({ 'content-type': 'application/json' }),
      body: JSON.stringify(arg),
    });
    expect(res.status).toBe(200);
    expect(api.calls).toEqual([{ op: 'getHistoryBody', arg }]);
    const anonymous = await rawRequest(`${server.url}/api/history/body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(arg) });
    expect(anonymous.status).toBe(401);
    expect(api.calls).toHaveLength(1);
  });

  it('passes an empty body as no argument', async () => {
    const res = await call('startProxy');
    expect(res.status).toBe(200);
    expect(api.calls).toEqual([{ op: 'startProxy', arg: undefined }]);
  });

  it('answers 404 for an unknown route and 405 for a known path with the wrong method', async () => {
    const missing = await rawRequest(`${server.url}/api/nope`, { headers: auth() });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    const wrong = await rawRequest(server.url + HTTP_ROUTES.getStatus.path, { method: 'DELETE', headers: auth() });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    expect(wrong.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses bad JSON, non-JSON bodies and bodies over the limit with 4xx', async () => {
    const path = server.url + HTTP_ROUTES.updateSettings.path;
    const bad = await rawRequest(path, { method: 'PATCH', headers: auth({ 'content-type': 'application/json' }), body: '{nope' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'INVALID_JSON']);
    const form = await rawRequest(path, { method: 'PATCH', headers: auth({ 'content-type': 'text/plain' }), body: '{}' });
    expect([form.status, form.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await rawRequest(path, {
      method: 'PATCH',
      headers: auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ modifierText: 'x'.repeat(2000) }),
    });
    expect([big.status, big.json.error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(api.calls).toEqual([]);
  });

  it('maps a validation error to 400 with its code and message', async () => {
    api.failWith = new SettingsError('INVALID_SETTINGS', 'port: must be a whole number from 0 to 65535', { field: 'port' });
    const res = await call('updateSettings', { port: -1 });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 'INVALID_SETTINGS', message: 'port: must be a whole number from 0 to 65535' } });
  });

  it('maps a port clash to 409', async () => {
    api.failWith = Object.assign(new Error('port 8000 is in use'), { code: 'PORT_IN_USE' });
    const res = await call('startProxy');
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: { code: 'PORT_IN_USE', message: 'port 8000 is in use' } });
  });

  it('hides unexpected errors behind a generic 500 and logs them', async () => {
    api.failWith = new Error('SQLITE_CORRUPT at /home/me/.local/share/addendum/history.sqlite key=sk-ant-xyz');
    const res = await call('listHistory', {});
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'INTERNAL', message: 'Internal error.' } });
    expect(res.text).not.toContain('sk-ant');
    expect(res.text).not.toContain('at ');
    expect(logged).toHaveLength(1);
  });
});

describe('control server: events', () => {
  it('sends hello, then each batch as an SSE message, then keep-alives', async () => {
    const sse = await openSse(`${server.url}${EVENTS_PATH}?token=${token}`);
    expect(sse.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await sse.until((m) => m.length === 1);
    expect(sse.messages[0]).toEqual({ event: 'hello', data: {} });
    expect(api.listeners.size).toBe(1);
    const batch: ContractEvent[] = [
      { name: 'state', payload: STATUS },
      { name: 'history:change', payload: { ids: ['a'], kind: 'added' } },
    ];
    for (const l of api.listeners) l(batch);
    await sse.until((m) => m.length === 2);
    expect(sse.messages[1]).toEqual({ event: 'batch', data: batch });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (sse.comments.includes('keep-alive')) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    sse.close();
  });

  it('accepts the header token too, and unsubscribes when the client goes away', async () => {
    const sse = await openSse(server.url + EVENTS_PATH, auth());
    await sse.until((m) => m.length === 1);
    expect(api.listeners.size).toBe(1);
    sse.close();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (api.listeners.size === 0) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
  });

  it('refuses the stream without the token', async () => {
    const res = await rawRequest(server.url + EVENTS_PATH);
    expect(res.status).toBe(401);
    expect(api.listeners.size).toBe(0);
  });

  it('closes open streams when the server closes', async () => {
    const sse = await openSse(`${server.url}${EVENTS_PATH}?token=${token}`);
    await sse.until((m) => m.length === 1);
    const ended = new Promise<void>((resolve) => sse.response.on('close', () => resolve()));
    await server.close();
    await ended;
    expect(api.listeners.size).toBe(0);
  });
});

describe('control server: static dashboard', () => {
  it('serves index.html with the strict CSP and no caching, without a token', async () => {
    const res = await rawRequest(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>dash</title>');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves assets with their type and falls back to index.html for app routes', async () => {
    const js = await rawRequest(`${server.url}/assets/app.js`);
    expect([js.status, js.text]).toEqual([200, 'console.log(1)']);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['content-length']).toBe('14');
    const route = await rawRequest(`${server.url}/history/some-id`);
    expect(route.text).toContain('<title>dash</title>');
    expect((await rawRequest(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the build folder', async () => {
    for (const path of ['/../addendum-secret-outside.txt', '/%2e%2e/addendum-secret-outside.txt', '/..%2faddendum-secret-outside.txt', '/%00.js']) {
      const res = await rawRequest(server.url + path);
      expect(res.text, path).not.toContain('outside');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await rawRequest(`${server.url}/assets/app.js`, { method: 'HEAD' });
    expect([head.status, head.text, head.headers['content-length']]).toEqual([200, '', '14']);
    expect((await rawRequest(`${server.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('explains how to build the dashboard when there is no build', async () => {
    const bare = await startControlServer({ api, port: 0, token, staticDir: join(staticDir, 'nothing-here') });
    try {
      const res = await rawRequest(`${bare.url}/`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('npm run build');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect((await rawRequest(bare.url + HTTP_ROUTES.getStatus.path, { headers: auth() })).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
