/**
 * The renderer's only door to the host. Inside Electron it wraps the preload bridge
 * (`window.addendum`); in a browser it speaks the headless control API over fetch + SSE.
 * Nothing else in the renderer touches `window.addendum`, `fetch` or `EventSource`.
 */
import { EVENTS_PATH, HTTP_ROUTES, TOKEN_HEADER } from '../../proxy/contract/operations.js';
import type { AddendumApi, ContractEvent, OperationName } from '../../proxy/contract/operations.js';
import { deliverEach } from '../../proxy/lib/fan-out.js';
import { ApiError } from './errors.js';
import { forgetToken, takeToken, type TokenEnv } from './token.js';

export { ApiError } from './errors.js';

type Listener = (events: ContractEvent[]) => void;
type AnyOp = (arg?: unknown) => Promise<unknown>;

export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpApiOptions {
  token: string;
  fetch: FetchLike;
  eventSource: EventSourceFactory;
  /** Origin of the control API; '' means the page's own origin. */
  baseUrl?: string;
  onUnauthorized?: () => void;
}

function isContractEvents(value: unknown): value is ContractEvent[] {
  return Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');
}

/** Fans one event stream out to every listener; one bad listener must not starve the rest. */
function createFanOut(open: (deliver: (events: ContractEvent[]) => void) => () => void) {
  const listeners = new Set<Listener>();
  let close: (() => void) | null = null;
  const deliver = (events: ContractEvent[]) =>
    deliverEach(listeners, events, (err) => console.error('Addendum event listener failed', err));
  return (listener: Listener): (() => void) => {
    listeners.add(listener);
    if (!close) close = open(deliver);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      listeners.delete(listener);
      if (listeners.size === 0 && close) {
        close();
        close = null;
      }
    };
  };
}

async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = `The dashboard server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not our JSON error shape (a proxy in between, an HTML page): keep the status line.
  }
  return new ApiError(code, message, res.status);
}

export function createHttpApi(options: HttpApiOptions): AddendumApi {
  const base = options.baseUrl ?? '';

  const call = async (op: OperationName, arg: unknown): Promise<unknown> => {
    const route = HTTP_ROUTES[op];
    const init: RequestInit = {
      method: route.method,
      headers: { [TOKEN_HEADER]: options.token, 'content-type': 'application/json', accept: 'application/json' },
      cache: 'no-store',
      credentials: 'same-origin',
    };
    // Operations without an argument still send `{}`, so the server can always parse JSON.
    if (route.method !== 'GET') init.body = JSON.stringify(arg ?? {});
    let res: Response;
    try {
      res = await options.fetch(base + route.path, init);
    } catch (err) {
      throw new ApiError('NETWORK', 'Cannot reach the Addendum dashboard server. Is it still running?', null, { cause: err });
    }
    if (!res.ok) {
      const error = await errorFromResponse(res);
      if (error.unauthorized) options.onUnauthorized?.();
      throw error;
    }
    try {
      return await res.json();
    } catch (err) {
      throw new ApiError('BAD_RESPONSE', `The dashboard server sent an unreadable reply to ${op}.`, res.status, { cause: err });
    }
  };

  const subscribe = createFanOut((deliver) => {
    const source = options.eventSource(`${base}${EVENTS_PATH}?token=${encodeURIComponent(options.token)}`);
    source.addEventListener('batch', (event) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        return;
      }
      if (isContractEvents(parsed) && parsed.length > 0) deliver(parsed);
    });
    return () => source.close();
  });

  const api: Record<string, unknown> = { subscribe };
  for (const op of Object.keys(HTTP_ROUTES) as OperationName[]) {
    api[op] = ((arg?: unknown) => call(op, arg)) satisfies AnyOp;
  }
  return api as AddendumApi;
}

const IPC_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

/** Electron turns a handler's throw into a plain Error with a wrapped message; recover
 * the code when the host put one in front (`CODE: message`) or on the error object. */
export function ipcError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.replace(IPC_PREFIX, '');
  const own = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const match = /^([A-Z][A-Z0-9_]{2,}): ([\s\S]*)$/.exec(message);
  if (typeof own === 'string') return new ApiError(own, match ? match[2]! : message, null, { cause: err });
  if (match) return new ApiError(match[1]!, match[2]!, null, { cause: err });
  return new ApiError('IPC_ERROR', message, null, { cause: err });
}

export function createBridgeApi(bridge: AddendumApi): AddendumApi {
  const api: Record<string, unknown> = {
    subscribe: createFanOut((deliver) => bridge.subscribe(deliver)),
  };
  for (const op of Object.keys(HTTP_ROUTES) as OperationName[]) {
    const method = (bridge as unknown as Record<OperationName, AnyOp>)[op];
    api[op] = (async (arg?: unknown) => {
      try {
        return await (arg === undefined ? method() : method(arg));
      } catch (err) {
        throw ipcError(err);
      }
    }) satisfies AnyOp;
  }
  return api as AddendumApi;
}

export type Transport = 'electron' | 'http';

export interface AddendumClient extends AddendumApi {
  readonly transport: Transport;
  /** False in a browser opened without the token link (or after the server refused it). */
  isAuthorized(): boolean;
  /** Called once the server has refused the token; the UI then asks for the link. */
  onUnauthorized(listener: () => void): () => void;
}

export interface ClientEnv {
  bridge?: AddendumApi | undefined;
  token: TokenEnv;
  fetch: FetchLike;
  eventSource: EventSourceFactory;
  baseUrl?: string;
}

function browserEnv(): ClientEnv {
  const w = window as Window & { addendum?: AddendumApi };
  let storage: Storage | null = null;
  try {
    storage = w.sessionStorage;
  } catch {
    storage = null;
  }
  return {
    bridge: w.addendum,
    token: { location: w.location, storage, history: w.history },
    fetch: (url, init) => w.fetch(url, init),
    eventSource: (url) => new EventSource(url) as unknown as EventSourceLike,
  };
}

const noTokenError = () =>
  new ApiError('UNAUTHORIZED', 'Open the link printed by `npm run serve` (it carries the access token).', 401);

export function createClient(env: ClientEnv = browserEnv()): AddendumClient {
  if (env.bridge) {
    return Object.assign(createBridgeApi(env.bridge), {
      transport: 'electron' as const,
      isAuthorized: () => true,
      onUnauthorized: () => () => {},
    });
  }

  const token = takeToken(env.token);
  let authorized = token !== null;
  const unauthorizedListeners = new Set<() => void>();
  const refuse = () => {
    if (!authorized) return;
    authorized = false;
    forgetToken(env.token);
    for (const l of [...unauthorizedListeners]) l();
  };

  let api: AddendumApi;
  if (token === null) {
    const rejecting: Record<string, unknown> = { subscribe: () => () => {} };
    for (const op of Object.keys(HTTP_ROUTES)) rejecting[op] = () => Promise.reject(noTokenError());
    api = rejecting as AddendumApi;
  } else {
    api = createHttpApi({ token, fetch: env.fetch, eventSource: env.eventSource, baseUrl: env.baseUrl ?? '', onUnauthorized: refuse });
  }

  return Object.assign(api, {
    transport: 'http' as const,
    isAuthorized: () => authorized,
    onUnauthorized: (listener: () => void) => {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },
  });
}
