import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { HTTP_ROUTES, type ContractEvent, type OperationName, type OpResult } from '../proxy/contract/operations.js';
import { toErrorReply } from '../proxy/control/errors.js';
import type { HostOperations } from '../proxy/host/host.js';
import { isOwnPage } from './own-page.js';

/**
 * The IPC transport of the contract: one `ipcMain.handle` per operation, all behind one
 * wrapper that checks who is calling and turns results and errors into a plain reply the
 * preload can rethrow as a typed error. Channel names must match main/preload.cts, which
 * cannot import this module (a sandboxed preload may only require `electron`); the
 * preload test checks they agree.
 */

export const CHANNEL_PREFIX = 'addendum:';
export const EVENTS_CHANNEL = 'addendum:events';

export function channelFor(op: OperationName): string {
  return `${CHANNEL_PREFIX}${op}`;
}

/** Every operation of the contract, taken from its route table so none can be forgotten. */
export const OPERATION_NAMES: readonly OperationName[] = Object.freeze(Object.keys(HTTP_ROUTES) as OperationName[]);

export interface IpcErrorBody {
  code: string;
  message: string;
}

export type IpcReply<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcErrorBody };

/** The host implements every operation; the compiler flags one the contract adds. */
export type OperationHandlers = HostOperations;

/** Codes raised by the Electron shell itself, whose messages are written for the user. */
const SHELL_ERROR_CODES: ReadonlySet<string> = new Set(['KEY_ENCRYPTION_UNAVAILABLE', 'FORBIDDEN_SENDER']);

export function toIpcError(err: unknown): IpcErrorBody {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && SHELL_ERROR_CODES.has(code)) return { code, message: err.message };
  }
  // Same mapping as the HTTP control API: known codes keep their message, the rest is INTERNAL.
  return toErrorReply(err).body.error;
}

/** The part of IpcMainInvokeEvent the sender check reads; fakes in tests provide just this. */
export interface SenderInfo {
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * Only the top frame of our own dashboard page may call: not an iframe inside it, not a
 * page the window was somehow navigated to, not a frame that is already gone.
 */
export function isTrustedSender(event: SenderInfo, ownPage: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isOwnPage(frame.url, ownPage);
}

export async function handleInvoke<K extends OperationName>(
  op: K,
  handler: OperationHandlers[K],
  event: SenderInfo,
  arg: unknown,
  ownPage: string,
): Promise<IpcReply<OpResult<K>>> {
  if (!isTrustedSender(event, ownPage)) {
    return {
      ok: false,
      error: { code: 'FORBIDDEN_SENDER', message: `Operation ${op} refused: the caller is not the Addendum dashboard.` },
    };
  }
  try {
    const result = await (handler as (arg: unknown) => Promise<OpResult<K>>)(arg);
    return { ok: true, result };
  } catch (err) {
    const error = toIpcError(err);
    if (error.code === 'INTERNAL') console.error(`IPC ${op} failed:`, err);
    return { ok: false, error };
  }
}

/** Registers one handler per operation; returns a function that removes them all. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: OperationHandlers,
  ownPage: string,
): () => void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(channelFor(op), (event: IpcMainInvokeEvent, arg: unknown) =>
      handleInvoke(op, handlers[op], event, arg, ownPage),
    );
  }
  return () => {
    for (const op of OPERATION_NAMES) ipcMain.removeHandler(channelFor(op));
  };
}

/**
 * Pushes the host's event batches to the page. The host already batches them (as it
 * does for the SSE transport), so this only routes them.
 */
export function forwardEvents(
  subscribe: (listener: (events: ContractEvent[]) => void) => () => void,
  send: (channel: string, batch: ContractEvent[]) => void,
): () => void {
  return subscribe((batch) => {
    if (batch.length > 0) send(EVENTS_CHANNEL, batch);
  });
}
