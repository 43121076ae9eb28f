/** A stand-in host API and a dashboard build folder for the control API's tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP_ROUTES, type ContractEvent, type OperationName } from '../proxy/contract/operations.js';
import type { ProxyStatus } from '../proxy/contract/types.js';
import type { HostApi } from '../proxy/host/host.js';

export const STATUS: ProxyStatus = {
  running: true,
  baseUrl: 'http://127.0.0.1:8000',
  host: '127.0.0.1',
  port: 8000,
  upstreamUrl: 'https://api.anthropic.com',
  modifierOn: false,
  startedAt: 1,
  lastError: null,
};

export interface FakeApi extends HostApi {
  calls: Array<{ op: OperationName; arg: unknown }>;
  listeners: Set<(events: ContractEvent[]) => void>;
  failWith: unknown;
}

/** Each operation answers `{ op, arg }` so a test can see which one a route reached. */
export function fakeApi(): FakeApi {
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

/** A built dashboard in miniature, plus a file next to it that must never be served. */
export function makeStaticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'addendum-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title><script src="./assets/app.js"></script>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'addendum-secret-outside.txt'), 'outside');
  return dir;
}
