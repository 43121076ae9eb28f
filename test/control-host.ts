/** A real host and proxy behind the control API, against the fake upstream: what the control API's integration tests drive. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type ProxyConfig } from '../proxy/config.js';
import { HTTP_ROUTES, TOKEN_HEADER, type OperationName } from '../proxy/contract/operations.js';
import { startControlServer, newControlToken, type ControlServer } from '../proxy/control/server.js';
import { createHost, type Host } from '../proxy/host/host.js';
import { createConfStore } from '../proxy/settings/conf-store.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { rawRequest, type RawResponse } from './raw-http.js';

export interface ControlHost {
  fake: FakeUpstream;
  host: Host;
  control: ControlServer;
  token: string;
  /** One operation over HTTP, with the token. */
  call(op: OperationName, body?: unknown): Promise<RawResponse>;
  close(): Promise<void>;
}

export async function startControlHost(overrides: Partial<ProxyConfig> = {}): Promise<ControlHost> {
  const token = newControlToken();
  const fake = await startFakeUpstream();
  const dataDir = mkdtempSync(join(tmpdir(), 'addendum-control-'));
  const baseConfig = { ...defaultConfig({ XDG_DATA_HOME: dataDir }), dataDir, shutdownGraceMs: 500 };
  const host = await createHost({ baseConfig, overrides: { upstreamUrl: fake.url, port: 0, ...overrides }, store: createConfStore(dataDir) });
  const control = await startControlServer({ api: host.api, port: 0, token, staticDir: null });
  const call = (op: OperationName, body?: unknown): Promise<RawResponse> =>
    rawRequest(control.url + HTTP_ROUTES[op].path, {
      method: HTTP_ROUTES[op].method,
      headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
      body: HTTP_ROUTES[op].method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  return {
    fake,
    host,
    control,
    token,
    call,
    async close() {
      await control.close();
      await host.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
