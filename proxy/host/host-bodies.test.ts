import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../../test/memory-settings.js';
import { defaultConfig } from '../config.js';
import type { ExchangeRecord } from '../contract/types.js';
import type { History } from '../history/index.js';
import { createHost, type Host } from './host.js';

const KEY = 'sk-ant-api03-hostTestSecretKey-abcd';

/** A history that serves fixed records, counting reads: the host's detail logic without SQLite. */
function memoryHistory(records: ExchangeRecord[]): History & { reads: string[] } {
  const reads: string[] = [];
  const unused = () => Promise.reject(new Error('not used by these tests'));
  return {
    file: ':memory:',
    reads,
    add: () => undefined,
    flush: async () => undefined,
    list: unused,
    get: async (id) => {
      reads.push(id);
      return structuredClone(records.find((r) => r.id === id) ?? null);
    },
    delete: unused,
    clear: unused,
    stats: unused,
    models: async () => [],
    setRetention: () => undefined,
    listSessions: unused,
    getSession: unused,
    getTurn: unused,
    migrationStatus: () => ({ state: 'idle', rowsDone: 0, rowsTotal: 0, bytesFreed: 0 }),
    close: async () => undefined,
  };
}

function storedRecord(id: string, bodies: Partial<ExchangeRecord>): ExchangeRecord {
  return {
    id,
    startedAt: 1,
    ttfbMs: 10,
    durationMs: 20,
    method: 'POST',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'claude-sonnet-4-5',
    stream: true,
    status: 200,
    outcome: 'ok',
    stopReason: 'end_turn',
    usage: null,
    error: null,
    userAgent: null,
    modified: true,
    requestHeaders: { 'content-type': 'application/json' },
    originalBody: '{"messages":[]}',
    forwardedBody: '{"messages":[]}',
    responseHeaders: {},
    responseBody: 'event: ping\n\n',
    responseTruncated: false,
    assembled: '{"content":[]}',
    ...bodies,
  };
}

describe('host: large bodies load lazily', () => {
  let dataDir: string;
  let host: Host | null = null;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'addendum-host-detail-'));
  });
  afterEach(async () => {
    await host?.close();
    host = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function hostWith(records: ExchangeRecord[], apiKey: string | null = null) {
    const history = memoryHistory(records);
    const base = { ...defaultConfig({ XDG_DATA_HOME: dataDir }), dataDir, port: 0 };
    host = await createHost({ baseConfig: base, overrides: {}, store: memoryStore({ apiKey }), proxyDeps: { history } });
    return { api: host.api, history };
  }

  const big = `{"messages":[{"role":"user","content":"${'x'.repeat(300 * 1024)}"}]}`;
  const bigBytes = Buffer.byteLength(big);

  it('leaves out the bodies over maxBodyBytes and lists them, with every size', async () => {
    const { api } = await hostWith([storedRecord('r1', { originalBody: big, forwardedBody: `${big} `, assembled: null })]);
    const detail = await api.getHistoryEntry({ id: 'r1', maxBodyBytes: 200 * 1024 });
    expect(detail).not.toBeNull();
    expect(detail!.omitted).toEqual(['originalBody', 'forwardedBody']);
    expect(detail!.originalBody).toBeNull();
    expect(detail!.forwardedBody).toBeNull();
    expect(detail!.responseBody).toBe('event: ping\n\n');
    expect(detail!.assembled).toBeNull();
    expect(detail!.bodyBytes).toEqual({ originalBody: bigBytes, forwardedBody: bigBytes + 1, responseBody: 13, assembled: 0 });
    expect(JSON.stringify(detail).length).toBeLessThan(2000);
    expect(detail!.requestHeaders).toEqual({ 'content-type': 'application/json' });
  });

  it('returns everything without maxBodyBytes, and null for an unknown id', async () => {
    const { api } = await hostWith([storedRecord('r1', { originalBody: big })]);
    const full = await api.getHistoryEntry({ id: 'r1' });
    expect(full!.originalBody).toBe(big);
    expect(full!.omitted).toEqual([]);
    expect(await api.getHistoryEntry({ id: 'gone', maxBodyBytes: 10 })).toBeNull();
  });

  it('serves one body in full, and null when the exchange or the body is missing', async () => {
    const { api, history } = await hostWith([storedRecord('r1', { originalBody: big, assembled: null })]);
    expect(await api.getHistoryBody({ id: 'r1', field: 'originalBody' })).toEqual({ text: big });
    expect(await api.getHistoryBody({ id: 'r1', field: 'responseBody' })).toEqual({ text: 'event: ping\n\n' });
    expect(await api.getHistoryBody({ id: 'r1', field: 'assembled' })).toEqual({ text: null });
    expect(await api.getHistoryBody({ id: 'gone', field: 'originalBody' })).toEqual({ text: null });
    expect(history.reads).toEqual(['r1', 'r1', 'r1', 'gone']);
  });

  it('refuses bad arguments before reading the history', async () => {
    const { api, history } = await hostWith([storedRecord('r1', {})]);
    const call = (op: 'getHistoryEntry' | 'getHistoryBody', arg: unknown) => (api[op] as (a: unknown) => Promise<unknown>)(arg);
    await expect(call('getHistoryEntry', { id: 'r1', maxBodyBytes: -5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryEntry', { id: 'r1', maxBodyBytes: '200' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', { id: 'r1', field: 'requestHeaders' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', { id: 'r1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('getHistoryBody', undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(history.reads).toEqual([]);
  });

  it('scrubs the stored key from a detail and from a lazily loaded body', async () => {
    const withKey = `{"messages":[{"role":"user","content":"${KEY} ${'y'.repeat(300 * 1024)}"}]}`;
    const { api } = await hostWith([storedRecord('r1', { originalBody: withKey, forwardedBody: `{"note":"${KEY}"}` })], KEY);
    const detail = await api.getHistoryEntry({ id: 'r1', maxBodyBytes: 200 * 1024 });
    expect(detail!.omitted).toEqual(['originalBody']);
    expect(JSON.stringify(detail)).not.toContain(KEY);
    expect(detail!.forwardedBody).toBe('{"note":"[redacted]"}');
    const body = await api.getHistoryBody({ id: 'r1', field: 'originalBody' });
    expect(body.text).not.toContain(KEY);
    expect(body.text).toContain('[redacted]');
    expect(body.text!.length).toBeGreaterThan(300 * 1024);
  });
});
