/**
 * The bridge between the dashboard page and the main process, exposed as
 * `window.addendum`: one named method per contract operation plus `subscribe`. Raw
 * `ipcRenderer` never reaches the page.
 *
 * CommonJS on purpose: a sandboxed preload is evaluated as a classic script whose
 * `require` knows only a few built-ins, so this file may require `electron` and nothing
 * else (types are fine, they vanish at compile time). Channel names therefore repeat
 * main/ipc.ts; main/preload.test.ts checks the two agree.
 */
import electron = require('electron');
import type { AddendumApi, ContractEvent, OpArg, OperationName, OpResult } from '../proxy/contract/operations.js';

type IpcReply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

/**
 * contextBridge keeps only the `message` of an Error crossing into the page
 * (electron/electron#25596), so the stable code rides in front of it as `CODE: message`,
 * the form the renderer's client (renderer/api/client.ts `ipcError`) parses back into
 * its ApiError.
 */
function bridgeError(code: string, message: string): Error {
  return new Error(`${code}: ${message}`);
}

const { contextBridge, ipcRenderer } = electron;

async function call<K extends OperationName>(op: K, arg?: OpArg<K>): Promise<OpResult<K>> {
  const reply = (await ipcRenderer.invoke(`addendum:${op}`, arg)) as IpcReply<OpResult<K>>;
  if (reply.ok) return reply.result;
  throw bridgeError(reply.error.code, reply.error.message);
}

const listeners = new Set<(events: ContractEvent[]) => void>();

ipcRenderer.on('addendum:events', (_event, batch: ContractEvent[]) => {
  for (const listener of listeners) {
    try {
      listener(batch);
    } catch (err) {
      console.error('addendum: event listener failed', err);
    }
  }
});

const api: AddendumApi = {
  getStatus: () => call('getStatus'),
  startProxy: () => call('startProxy'),
  stopProxy: () => call('stopProxy'),
  getSettings: () => call('getSettings'),
  updateSettings: (patch) => call('updateSettings', patch),
  listHistory: (query) => call('listHistory', query),
  getHistoryEntry: (arg) => call('getHistoryEntry', arg),
  getHistoryBody: (arg) => call('getHistoryBody', arg),
  deleteHistoryEntry: (arg) => call('deleteHistoryEntry', arg),
  clearHistory: () => call('clearHistory'),
  getStats: (arg) => call('getStats', arg),
  listSessions: (query) => call('listSessions', query),
  getSession: (arg) => call('getSession', arg),
  replayExchange: (arg) => call('replayExchange', arg),
  getRateLimits: () => call('getRateLimits'),
  getTurn: (arg) => call('getTurn', arg),
  subscribe(listener) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('addendum', api);
