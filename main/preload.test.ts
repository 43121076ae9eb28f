import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import type { AddendumApi, ContractEvent } from '../proxy/contract/operations.js';
import { ipcError } from '../renderer/api/client.js';
import { channelFor, EVENTS_CHANNEL, OPERATION_NAMES } from './ipc.js';

/**
 * Runs the preload the way a sandboxed renderer does: compiled to CommonJS, evaluated with
 * a `require` that knows only `electron`. Anything else it required would fail here just
 * as it would fail in the app.
 */
function loadPreload() {
  const source = readFileSync(fileURLToPath(new URL('./preload.cts', import.meta.url)), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: 'preload.cts',
  });

  const exposed = new Map<string, unknown>();
  let eventsListener: ((event: unknown, batch: ContractEvent[]) => void) | null = null;
  const replies = new Map<string, unknown>();
  const ipcRenderer = {
    invoke: vi.fn(async (channel: string, _arg?: unknown) => replies.get(channel) ?? { ok: true, result: { channel } }),
    on: vi.fn((channel: string, fn: (event: unknown, batch: ContractEvent[]) => void) => {
      if (channel === EVENTS_CHANNEL) eventsListener = fn;
    }),
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer,
  };
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(sandboxRequire, module, module.exports);

  return {
    api: exposed.get('addendum') as AddendumApi,
    exposedKeys: [...exposed.keys()],
    required,
    ipcRenderer,
    replies,
    emit: (batch: ContractEvent[]) => eventsListener?.({}, batch),
  };
}

describe('preload bridge', () => {
  it('requires nothing but electron and exposes only window.addendum', () => {
    const { required, exposedKeys } = loadPreload();
    expect(required).toEqual(['electron']);
    expect(exposedKeys).toEqual(['addendum']);
  });

  it('has one named method per operation plus subscribe, and no generic invoke', () => {
    const { api } = loadPreload();
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'subscribe'].sort());
    for (const key of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
  });

  it('calls each operation on the channel main/ipc.ts registers', async () => {
    const { api, ipcRenderer } = loadPreload();
    const calls = api as unknown as Record<string, (arg?: unknown) => Promise<unknown>>;
    for (const op of OPERATION_NAMES) {
      await expect(calls[op]!({ probe: op })).resolves.toEqual({ channel: channelFor(op) });
    }
    expect(ipcRenderer.invoke.mock.calls.map(([channel]) => channel)).toEqual(OPERATION_NAMES.map(channelFor));
    await api.updateSettings({ port: 9000 });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('addendum:updateSettings', { port: 9000 });
  });

  it('passes the session queries to their channels with their arguments', async () => {
    const { api, ipcRenderer } = loadPreload();
    await expect(api.listSessions({ limit: 5, client: 'claude-cli/2.1.197' })).resolves.toEqual({ channel: 'addendum:listSessions' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('addendum:listSessions', { limit: 5, client: 'claude-cli/2.1.197' });
    await expect(api.getSession({ id: 'h:abc' })).resolves.toEqual({ channel: 'addendum:getSession' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('addendum:getSession', { id: 'h:abc' });
    await expect(api.getTurn({ exchangeId: 'x1', prefix: true })).resolves.toEqual({ channel: 'addendum:getTurn' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('addendum:getTurn', { exchangeId: 'x1', prefix: true });
    await api.listHistory({ session: 'h:abc' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('addendum:listHistory', { session: 'h:abc' });
  });

  it('rejects with an error the renderer client turns back into a coded ApiError', async () => {
    const { api, replies } = loadPreload();
    replies.set('addendum:updateSettings', {
      ok: false,
      error: { code: 'KEY_ENCRYPTION_UNAVAILABLE', message: 'Settings not saved: no keyring.' },
    });
    const err = await api.updateSettings({ apiKey: 'sk-ant-xyz' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    // Only the message survives contextBridge, so simulate that before the client sees it.
    const crossed = new Error((err as Error).message);
    const apiError = ipcError(crossed);
    expect(apiError.code).toBe('KEY_ENCRYPTION_UNAVAILABLE');
    expect(apiError.message).toBe('Settings not saved: no keyring.');
  });

  it('fans event batches out to subscribers until they unsubscribe', () => {
    const { api, emit } = loadPreload();
    const a = vi.fn();
    const b = vi.fn(() => {
      throw new Error('listener bug');
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const offA = api.subscribe(a);
    api.subscribe(b);
    const batch: ContractEvent[] = [{ name: 'history:change', payload: { ids: [], kind: 'cleared' } }];
    emit(batch);
    expect(a).toHaveBeenCalledWith(batch);
    offA();
    emit(batch);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
