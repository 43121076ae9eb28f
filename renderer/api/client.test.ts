import { describe, expect, it, vi } from 'vitest';
import type { AddendumApi, ContractEvent } from '../../proxy/contract/operations.js';
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER } from '../../proxy/contract/operations.js';
import { ApiError, createBridgeApi, createClient, createHttpApi, ipcError, type EventSourceLike } from './client.js';
import { TOKEN_STORAGE_KEY, type TokenEnv } from './token.js';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(reply: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return reply(call);
  });
  return { fetch, calls };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readonly listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: string) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }));
  }
}

function httpApi(reply: (call: Call) => Response | Promise<Response>, extra: { onUnauthorized?: () => void } = {}) {
  FakeEventSource.instances = [];
  const f = fakeFetch(reply);
  const api = createHttpApi({ token: 'tok en/+', fetch: f.fetch, eventSource: (url) => new FakeEventSource(url), ...extra });
  return { api, calls: f.calls };
}

const status = { running: true, baseUrl: 'http://127.0.0.1:8000', host: '127.0.0.1', port: 8000, upstreamUrl: 'https://api.anthropic.com', modifierOn: true, startedAt: 1, lastError: null };

describe('HTTP transport', () => {
  it('maps every operation to its route with the token header', async () => {
    const { api, calls } = httpApi(() => json({ ok: true }));
    await api.getStatus();
    await api.listHistory({ limit: 5, model: 'x' });
    await api.startProxy();
    await api.updateSettings({ port: 9000 });
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ['GET', '/api/status'],
      ['POST', '/api/history/query'],
      ['POST', '/api/proxy/start'],
      ['PATCH', '/api/settings'],
    ]);
    for (const c of calls) expect((c.init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('tok en/+');
    expect(calls[0]!.init.body).toBeUndefined();
    expect(calls[1]!.init.body).toBe('{"limit":5,"model":"x"}');
    expect(calls[2]!.init.body).toBe('{}');
    expect(calls[3]!.init.body).toBe('{"port":9000}');
  });

  it('posts the session queries to /api/sessions/*', async () => {
    const session = { id: 'h:s', turns: 2, turnList: [] };
    const { api, calls } = httpApi((call) => (call.url.endsWith('/get') ? json(session) : json({ items: [], nextCursor: null })));
    await expect(api.listSessions({ limit: 20, model: 'claude' })).resolves.toEqual({ items: [], nextCursor: null });
    await expect(api.getSession({ id: 'h:s' })).resolves.toEqual(session);
    await api.listHistory({ session: 'h:s' });
    await api.getTurn({ exchangeId: 'x1', prefix: true });
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ['POST', '/api/sessions/query', '{"limit":20,"model":"claude"}'],
      ['POST', '/api/sessions/get', '{"id":"h:s"}'],
      ['POST', '/api/history/query', '{"session":"h:s"}'],
      ['POST', '/api/sessions/turn', '{"exchangeId":"x1","prefix":true}'],
    ]);
  });

  it('passes null from getSession through', async () => {
    const { api } = httpApi(() => json(null));
    await expect(api.getSession({ id: 'h:none' })).resolves.toBeNull();
  });

  it('implements exactly the operations of the contract', () => {
    const { api } = httpApi(() => json({}));
    for (const op of Object.keys(HTTP_ROUTES)) expect(typeof (api as unknown as Record<string, unknown>)[op]).toBe('function');
  });

  it('returns the JSON result', async () => {
    const { api } = httpApi(() => json(status));
    await expect(api.getStatus()).resolves.toEqual(status);
  });

  it('throws ApiError with the server code, message and status', async () => {
    const { api } = httpApi(() => json({ error: { code: 'INVALID_SETTINGS', message: 'port must be an integer' } }, 400));
    const err = await api.updateSettings({ port: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'INVALID_SETTINGS', message: 'port must be an integer', status: 400 });
  });

  it('keeps the status when the error body is not JSON', async () => {
    const { api } = httpApi(() => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'HTTP_502', status: 502 });
  });

  it('reports network failures as NETWORK', async () => {
    const { api } = httpApi(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'NETWORK', status: null });
  });

  it('reports an unreadable success body', async () => {
    const { api } = httpApi(() => new Response('not json', { status: 200 }));
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('tells the app when the token is refused', async () => {
    const onUnauthorized = vi.fn();
    const { api } = httpApi(() => json({ error: { code: 'UNAUTHORIZED', message: 'bad token' } }, 401), { onUnauthorized });
    await expect(api.getSettings()).rejects.toMatchObject({ unauthorized: true });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('shares one EventSource between subscribers and closes it after the last one leaves', () => {
    const { api } = httpApi(() => json({}));
    const a: ContractEvent[][] = [];
    const b: ContractEvent[][] = [];
    const offA = api.subscribe((e) => a.push(e));
    const offB = api.subscribe((e) => b.push(e));
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0]!;
    expect(es.url).toBe(`${EVENTS_PATH}?token=tok%20en%2F%2B`);

    const batch: ContractEvent[] = [{ name: 'history:change', payload: { ids: ['x'], kind: 'added' } }];
    es.emit('hello', '{}');
    es.emit('batch', JSON.stringify(batch));
    expect(a).toEqual([batch]);
    expect(b).toEqual([batch]);

    offA();
    offA();
    expect(es.closed).toBe(false);
    offB();
    expect(es.closed).toBe(true);

    api.subscribe(() => {});
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('ignores malformed batches and survives a throwing listener', () => {
    const { api } = httpApi(() => json({}));
    const got: ContractEvent[][] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    api.subscribe(() => {
      throw new Error('boom');
    });
    api.subscribe((e) => got.push(e));
    const es = FakeEventSource.instances[0]!;
    es.emit('batch', 'not json');
    es.emit('batch', '{"name":"x"}');
    es.emit('batch', '[]');
    es.emit('batch', '[{"name":"log","payload":{"time":1,"level":"info","message":"m"}}]');
    expect(got).toHaveLength(1);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});

describe('Electron bridge', () => {
  function fakeBridge(overrides: Partial<AddendumApi> = {}): AddendumApi {
    const base: Record<string, unknown> = { subscribe: vi.fn(() => vi.fn()) };
    for (const op of Object.keys(HTTP_ROUTES)) base[op] = vi.fn(async () => ({ op }));
    return { ...(base as AddendumApi), ...overrides };
  }

  it('calls the named method with the argument', async () => {
    const bridge = fakeBridge();
    const api = createBridgeApi(bridge);
    await expect(api.getHistoryEntry({ id: 'a' })).resolves.toEqual({ op: 'getHistoryEntry' });
    expect(bridge.getHistoryEntry).toHaveBeenCalledWith({ id: 'a' });
    await api.getStatus();
    expect(bridge.getStatus).toHaveBeenCalledWith();
    await expect(api.listSessions({ text: 'tests' })).resolves.toEqual({ op: 'listSessions' });
    expect(bridge.listSessions).toHaveBeenCalledWith({ text: 'tests' });
    await expect(api.getSession({ id: 'h:s' })).resolves.toEqual({ op: 'getSession' });
    expect(bridge.getSession).toHaveBeenCalledWith({ id: 'h:s' });
    await expect(api.getTurn({ exchangeId: 'x1' })).resolves.toEqual({ op: 'getTurn' });
    expect(bridge.getTurn).toHaveBeenCalledWith({ exchangeId: 'x1' });
  });

  it('turns IPC errors into ApiError, recovering a leading code', async () => {
    const api = createBridgeApi(
      fakeBridge({ updateSettings: async () => Promise.reject(new Error("Error invoking remote method 'addendum:updateSettings': Error: INVALID_SETTINGS: port must be an integer")) }),
    );
    await expect(api.updateSettings({ port: 1 })).rejects.toMatchObject({ name: 'ApiError', code: 'INVALID_SETTINGS', message: 'port must be an integer' });
    expect(ipcError(Object.assign(new Error('nope'), { code: 'E_X' }))).toMatchObject({ code: 'E_X', message: 'nope' });
    expect(ipcError('weird')).toMatchObject({ code: 'IPC_ERROR', message: 'weird' });
  });

  it('subscribes to the bridge once for many listeners', () => {
    const off = vi.fn();
    let deliver: ((e: ContractEvent[]) => void) | null = null;
    const bridge = fakeBridge({
      subscribe: vi.fn((l: (e: ContractEvent[]) => void) => {
        deliver = l;
        return off;
      }),
    });
    const api = createBridgeApi(bridge);
    const seen: number[] = [];
    const u1 = api.subscribe(() => seen.push(1));
    const u2 = api.subscribe(() => seen.push(2));
    expect(bridge.subscribe).toHaveBeenCalledTimes(1);
    deliver!([{ name: 'log', payload: { time: 1, level: 'info', message: 'x' } }]);
    expect(seen).toEqual([1, 2]);
    u1();
    u2();
    expect(off).toHaveBeenCalledTimes(1);
  });
});

describe('createClient', () => {
  function tokenEnv(hash: string, stored: string | null = null) {
    const store = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const replaced: string[] = [];
    const env: TokenEnv = {
      location: { hash, pathname: '/', search: '' },
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    };
    return { env, store, replaced };
  }

  it('prefers the Electron bridge when present', () => {
    const bridge = { subscribe: () => () => {} } as unknown as AddendumApi;
    const t = tokenEnv('');
    const client = createClient({ bridge, token: t.env, fetch: vi.fn(), eventSource: vi.fn() });
    expect(client.transport).toBe('electron');
    expect(client.isAuthorized()).toBe(true);
  });

  it('takes the token from the fragment, stores it and cleans the address bar', async () => {
    const t = tokenEnv('#token=abc123');
    const f = fakeFetch(() => json(status));
    const client = createClient({ token: t.env, fetch: f.fetch, eventSource: (u) => new FakeEventSource(u) });
    expect(client.transport).toBe('http');
    expect(client.isAuthorized()).toBe(true);
    expect(t.store.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(t.replaced).toEqual(['/']);
    await client.getStatus();
    expect((f.calls[0]!.init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('abc123');
  });

  it('reuses a stored token after a reload', () => {
    const t = tokenEnv('', 'stored');
    const client = createClient({ token: t.env, fetch: vi.fn(), eventSource: vi.fn() });
    expect(client.isAuthorized()).toBe(true);
    expect(t.replaced).toEqual([]);
  });

  it('without a token, makes no request and explains how to get in', async () => {
    const t = tokenEnv('');
    const f = fakeFetch(() => json({}));
    const client = createClient({ token: t.env, fetch: f.fetch, eventSource: vi.fn() });
    expect(client.isAuthorized()).toBe(false);
    await expect(client.getStatus()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('npm run serve') });
    expect(f.calls).toHaveLength(0);
  });

  it('forgets a refused token and notifies once', async () => {
    const t = tokenEnv('#token=wrong');
    const client = createClient({ token: t.env, fetch: async () => json({ error: { code: 'UNAUTHORIZED', message: 'no' } }, 401), eventSource: vi.fn() });
    const seen = vi.fn();
    client.onUnauthorized(seen);
    await client.getStatus().catch(() => {});
    await client.getSettings().catch(() => {});
    expect(seen).toHaveBeenCalledTimes(1);
    expect(client.isAuthorized()).toBe(false);
    expect(t.store.has(TOKEN_STORAGE_KEY)).toBe(false);
  });
});
