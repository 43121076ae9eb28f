import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, makeStaticDir, STATUS, type FakeApi } from '../../test/control-fixtures.js';
import { openSse, rawRequest } from '../../test/raw-http.js';
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER, type ContractEvent, type OperationName } from '../contract/operations.js';
import { newControlToken, startControlServer, type ControlServer } from './server.js';

const token = newControlToken();
let api: FakeApi;
let server: ControlServer;
let staticDir: string;
let logged: string[];

beforeAll(() => {
  staticDir = makeStaticDir();
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
