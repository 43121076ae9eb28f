/** The control API's Koa app against `app.callback()`: operations, errors and the static
 * dashboard need no port (listening, the no-Host case and SSE are in server.test.ts). */
import { rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, makeStaticDir, STATUS, type FakeApi } from '../../test/control-fixtures.js';
import { injectRequest } from '../../test/raw-http.js';
import { HTTP_ROUTES, TOKEN_HEADER, type OperationName } from '../contract/operations.js';
import { SettingsError } from '../settings/errors.js';
import { CONTENT_SECURITY_POLICY, createControlApp, newControlToken } from './server.js';

const PORT = 4321;
const token = newControlToken();
let api: FakeApi;
let app: RequestListener;
let staticDir: string;
let logged: string[];

beforeAll(() => {
  staticDir = makeStaticDir();
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

beforeEach(() => {
  api = fakeApi();
  logged = [];
  app = createControlApp({ api, port: PORT, token, staticDir, bodyLimitBytes: 1024, keepAliveMs: 50, logError: (message) => logged.push(message) }).app.callback();
});

const request = (path: string, options: Parameters<typeof injectRequest>[2] = {}) =>
  injectRequest(app, path, { ...options, headers: { host: `127.0.0.1:${PORT}`, ...options.headers } });
const auth = (extra: Record<string, string> = {}) => ({ [TOKEN_HEADER]: token, ...extra });
const call = (op: OperationName, body?: unknown, headers: Record<string, string> = auth()) =>
  request(HTTP_ROUTES[op].path, {
    method: HTTP_ROUTES[op].method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
    const res = await request(`/api/history/body`, {
      method: 'POST',
      headers: auth({ 'content-type': 'application/json' }),
      body: JSON.stringify(arg),
    });
    expect(res.status).toBe(200);
    expect(api.calls).toEqual([{ op: 'getHistoryBody', arg }]);
    const anonymous = await request(`/api/history/body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(arg) });
    expect(anonymous.status).toBe(401);
    expect(api.calls).toHaveLength(1);
  });

  it('serves the session queries at POST /api/sessions/query and /api/sessions/get', async () => {
    const query = { limit: 10, client: 'claude-cli/2.1.197' };
    const list = await request('/api/sessions/query', { method: 'POST', headers: auth({ 'content-type': 'application/json' }), body: JSON.stringify(query) });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ op: 'listSessions', arg: query });
    const get = await request('/api/sessions/get', { method: 'POST', headers: auth({ 'content-type': 'application/json' }), body: JSON.stringify({ id: 'h:s' }) });
    expect(get.status).toBe(200);
    const turn = await request('/api/sessions/turn', { method: 'POST', headers: auth({ 'content-type': 'application/json' }), body: JSON.stringify({ exchangeId: 'x1', prefix: true }) });
    expect(turn.status).toBe(200);
    expect(api.calls).toEqual([{ op: 'listSessions', arg: query }, { op: 'getSession', arg: { id: 'h:s' } }, { op: 'getTurn', arg: { exchangeId: 'x1', prefix: true } }]);
    expect((await request('/api/sessions/get', { method: 'GET', headers: auth() })).status).toBe(405);
    const anonymous = await request('/api/sessions/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(api.calls).toHaveLength(3);
  });

  it('passes an empty body as no argument', async () => {
    const res = await call('startProxy');
    expect(res.status).toBe(200);
    expect(api.calls).toEqual([{ op: 'startProxy', arg: undefined }]);
  });

  it('answers 404 for an unknown route and 405 for a known path with the wrong method', async () => {
    const missing = await request(`/api/nope`, { headers: auth() });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    const wrong = await request(HTTP_ROUTES.getStatus.path, { method: 'DELETE', headers: auth() });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    expect(wrong.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses bad JSON, non-JSON bodies and bodies over the limit with 4xx', async () => {
    const path = HTTP_ROUTES.updateSettings.path;
    const bad = await request(path, { method: 'PATCH', headers: auth({ 'content-type': 'application/json' }), body: '{nope' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'INVALID_JSON']);
    const form = await request(path, { method: 'PATCH', headers: auth({ 'content-type': 'text/plain' }), body: '{}' });
    expect([form.status, form.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await request(path, {
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

describe('control server: static dashboard', () => {
  it('serves index.html with the strict CSP and no caching, without a token', async () => {
    const res = await request(`/`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>dash</title>');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves assets with their type and falls back to index.html for app routes', async () => {
    const js = await request(`/assets/app.js`);
    expect([js.status, js.text]).toEqual([200, 'console.log(1)']);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['content-length']).toBe('14');
    const route = await request(`/history/some-id`);
    expect(route.text).toContain('<title>dash</title>');
    expect((await request(`/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the build folder', async () => {
    for (const path of ['/../addendum-secret-outside.txt', '/%2e%2e/addendum-secret-outside.txt', '/..%2faddendum-secret-outside.txt', '/%00.js']) {
      const res = await request(path);
      expect(res.text, path).not.toContain('outside');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await request(`/assets/app.js`, { method: 'HEAD' });
    expect([head.status, head.text, head.headers['content-length']]).toEqual([200, '', '14']);
    expect((await request(`/`, { method: 'POST' })).status).toBe(405);
  });

  it('explains how to build the dashboard when there is no build', async () => {
    const bare = createControlApp({ api, port: PORT, token, staticDir: join(staticDir, 'nothing-here') }).app.callback();
    const res = await injectRequest(bare, '/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('npm run build');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await injectRequest(bare, HTTP_ROUTES.getStatus.path, { headers: auth() })).status).toBe(200);
  });
});
