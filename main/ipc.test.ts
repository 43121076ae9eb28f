import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { HTTP_ROUTES, type ContractEvent } from '../proxy/contract/operations.js';
import { invalidSetting } from '../proxy/settings/errors.js';
import {
  channelFor,
  EVENTS_CHANNEL,
  forwardEvents,
  handleInvoke,
  isTrustedSender,
  OPERATION_NAMES,
  registerIpcHandlers,
  toIpcError,
  type OperationHandlers,
  type SenderInfo,
} from './ipc.js';
import { KeyStorageError } from './api-key-storage.js';

const OWN = pathToFileURL('/app/dist/renderer/index.html').href;

const topFrame = (url: string): SenderInfo => ({ senderFrame: { url, parent: null } });

describe('isTrustedSender', () => {
  it('trusts the top frame of our own page', () => {
    expect(isTrustedSender(topFrame(OWN), OWN)).toBe(true);
    expect(isTrustedSender(topFrame(`${OWN}#/history`), OWN)).toBe(true);
  });

  it('refuses other pages, sub-frames and destroyed frames', () => {
    expect(isTrustedSender(topFrame('https://example.com/'), OWN)).toBe(false);
    expect(isTrustedSender(topFrame(pathToFileURL('/tmp/evil.html').href), OWN)).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: OWN, parent: { url: OWN } } }, OWN)).toBe(false);
    expect(isTrustedSender({ senderFrame: null }, OWN)).toBe(false);
    expect(isTrustedSender(topFrame('about:blank'), OWN)).toBe(false);
  });
});

describe('handleInvoke', () => {
  it('wraps a result', async () => {
    const handler = vi.fn(async (arg: { id: string }) => ({ deleted: arg.id === 'a' }));
    await expect(handleInvoke('deleteHistoryEntry', handler, topFrame(OWN), { id: 'a' }, OWN)).resolves.toEqual({
      ok: true,
      result: { deleted: true },
    });
    expect(handler).toHaveBeenCalledWith({ id: 'a' });
  });

  it('does not run the handler for a foreign sender', async () => {
    const handler = vi.fn(async () => ({ deleted: 3 }));
    const reply = await handleInvoke('clearHistory', handler, topFrame('https://evil.example/'), undefined, OWN);
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: expect.stringContaining('clearHistory') } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns a thrown error into a coded reply', async () => {
    const reply = await handleInvoke(
      'updateSettings',
      async () => {
        throw invalidSetting('port', 'must be a whole number from 0 to 65535');
      },
      topFrame(OWN),
      { port: -1 },
      OWN,
    );
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_SETTINGS', message: 'port: must be a whole number from 0 to 65535' } });
  });
});

describe('toIpcError', () => {
  it('keeps the message of errors written for the user', () => {
    expect(toIpcError(new KeyStorageError('no keyring'))).toEqual({ code: 'KEY_ENCRYPTION_UNAVAILABLE', message: 'no keyring' });
    expect(toIpcError(invalidSetting('upstreamUrl', 'is not a valid URL'))).toEqual({
      code: 'INVALID_SETTINGS',
      message: 'upstreamUrl: is not a valid URL',
    });
  });

  it('hides the details of anything unexpected', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(toIpcError(new Error('ENOENT /home/me/secret path'))).toEqual({ code: 'INTERNAL', message: 'Internal error.' });
    expect(toIpcError('a string')).toEqual({ code: 'INTERNAL', message: 'Internal error.' });
    expect(toIpcError({ code: 'KEY_ENCRYPTION_UNAVAILABLE', message: 'not an Error' }).code).toBe('INTERNAL');
    spy.mockRestore();
  });
});

describe('registerIpcHandlers', () => {
  function fakeHandlers(): OperationHandlers {
    const handlers: Record<string, unknown> = {};
    for (const op of OPERATION_NAMES) handlers[op] = vi.fn(async (arg: unknown) => ({ op, arg }));
    return handlers as unknown as OperationHandlers;
  }

  it('registers one channel per contract operation and removes them all', async () => {
    const registered = new Map<string, (event: SenderInfo, arg: unknown) => Promise<unknown>>();
    const ipcMain = {
      handle: vi.fn((channel: string, fn: (event: SenderInfo, arg: unknown) => Promise<unknown>) => registered.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => registered.delete(channel)),
    };
    const dispose = registerIpcHandlers(ipcMain as never, fakeHandlers(), OWN);

    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(HTTP_ROUTES).sort());
    expect([...registered.keys()].sort()).toEqual(OPERATION_NAMES.map((op) => `addendum:${op}`).sort());

    await expect(registered.get(channelFor('getStats'))!(topFrame(OWN), { days: 7 })).resolves.toEqual({
      ok: true,
      result: { op: 'getStats', arg: { days: 7 } },
    });
    await expect(registered.get(channelFor('stopProxy'))!(topFrame('https://x.test/'), undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });

    expect(OPERATION_NAMES).toEqual(expect.arrayContaining(['listSessions', 'getSession']));
    await expect(registered.get(channelFor('listSessions'))!(topFrame(OWN), { limit: 3 })).resolves.toEqual({
      ok: true,
      result: { op: 'listSessions', arg: { limit: 3 } },
    });
    await expect(registered.get(channelFor('getSession'))!(topFrame(OWN), { id: 'h:s' })).resolves.toEqual({
      ok: true,
      result: { op: 'getSession', arg: { id: 'h:s' } },
    });
    await expect(registered.get(channelFor('getTurn'))!(topFrame(OWN), { exchangeId: 'x1' })).resolves.toEqual({
      ok: true,
      result: { op: 'getTurn', arg: { exchangeId: 'x1' } },
    });
    await expect(registered.get(channelFor('getSession'))!(topFrame('https://x.test/'), { id: 'h:s' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });

    dispose();
    expect(registered.size).toBe(0);
  });
});

describe('forwardEvents', () => {
  it('routes non-empty batches to the events channel until unsubscribed', () => {
    let listener: ((events: ContractEvent[]) => void) | null = null;
    const unsubscribe = vi.fn();
    const subscribe = (fn: (events: ContractEvent[]) => void) => {
      listener = fn;
      return unsubscribe;
    };
    const send = vi.fn();
    const stop = forwardEvents(subscribe, send);
    const batch: ContractEvent[] = [{ name: 'history:change', payload: { ids: ['x'], kind: 'added' } }];
    listener!(batch);
    listener!([]);
    expect(send.mock.calls).toEqual([[EVENTS_CHANNEL, batch]]);
    stop();
    expect(unsubscribe).toHaveBeenCalledOnce();
  });
});
