/**
 * The host: what both shells (headless CLI, Electron main) wrap around the proxy. It owns
 * the persisted settings, implements every contract operation once as `(arg) => result`
 * for the transports (HTTP routes, IPC handlers), and batches live events for the UI.
 *
 * Arguments arrive from a page, so every operation validates its input here, once, and
 * every result is scrubbed of the API key before it leaves.
 */
import {
  BODY_FIELDS,
  type BodyField,
  type ContractEvent,
  type ContractEventName,
  type OpArg,
  type OperationName,
  type OpResult,
  type PublicSettings,
} from '../contract/operations.js';
import type { ProxyConfig } from '../config.js';
import { toDetail } from '../contract/detail.js';
import { createProxy, type Proxy, type ProxyDeps } from '../index.js';
import { scrubSecrets } from '../lib/redact.js';
import { mapStrings, stringifyJson } from '../lib/walk.js';
import {
  applyPatch,
  effectiveConfig,
  overriddenKeys,
  toPublicSettings,
  withOverrides,
  type SettingKey,
} from '../settings/settings.js';
import type { SettingsStore, StoredSettings } from '../settings/types.js';
import type { HistoryQuery, StatusClass } from '../contract/types.js';

/** Every contract operation as `(arg) => Promise<result>`: adding an operation to the
 * contract breaks compilation until the host implements it. */
export type HostOperations = { [K in OperationName]: (arg: OpArg<K>) => Promise<OpResult<K>> };

export type HostApi = HostOperations & {
  /** Receives proxy events in batches (about every 100 ms); returns an unsubscribe function. */
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
};

export class HostError extends Error {
  readonly code: 'INVALID_ARGUMENT';
  constructor(message: string) {
    super(message);
    this.name = 'HostError';
    this.code = 'INVALID_ARGUMENT';
  }
}

// ---------------------------------------------------------------------------------------
// Argument validation (pure)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx', 'error'];
const MAX_FILTER_CHARS = 1000;

function optionalText(obj: Record<string, unknown>, key: string): string | null | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return value as null | undefined;
  if (typeof value !== 'string') throw new HostError(`${key}: must be a string or null`);
  if (value.length > MAX_FILTER_CHARS) throw new HostError(`${key}: must be at most ${MAX_FILTER_CHARS} characters`);
  return value;
}

export function parseHistoryQuery(arg: unknown): HistoryQuery {
  if (arg === undefined || arg === null) return {};
  if (!isRecord(arg)) throw new HostError('query: must be an object');
  const known = new Set(['cursor', 'limit', 'model', 'statusClass', 'path', 'text']);
  for (const key of Object.keys(arg)) if (!known.has(key)) throw new HostError(`${key}: is not a history filter`);
  const query: HistoryQuery = {};
  const assign = <K extends keyof HistoryQuery>(key: K, value: HistoryQuery[K] | undefined): void => {
    if (value !== undefined) query[key] = value;
  };
  assign('cursor', optionalText(arg, 'cursor'));
  assign('model', optionalText(arg, 'model'));
  assign('path', optionalText(arg, 'path'));
  assign('text', optionalText(arg, 'text'));
  if (arg.limit !== undefined && arg.limit !== null) {
    if (typeof arg.limit !== 'number' || !Number.isInteger(arg.limit) || arg.limit < 1) {
      throw new HostError('limit: must be a positive whole number');
    }
    query.limit = arg.limit;
  }
  if (arg.statusClass !== undefined && arg.statusClass !== null) {
    if (!STATUS_CLASSES.includes(arg.statusClass as StatusClass)) {
      throw new HostError(`statusClass: must be one of ${STATUS_CLASSES.join(', ')}`);
    }
    query.statusClass = arg.statusClass as StatusClass;
  } else if (arg.statusClass === null) {
    query.statusClass = null;
  }
  return query;
}

export function parseIdArg(arg: unknown): { id: string } {
  if (!isRecord(arg) || typeof arg.id !== 'string' || arg.id === '' || arg.id.length > 200) {
    throw new HostError('id: must be a non-empty string');
  }
  return { id: arg.id };
}

export function parseEntryArg(arg: unknown): { id: string; maxBodyBytes?: number } {
  const { id } = parseIdArg(arg);
  const limit = (arg as Record<string, unknown>).maxBodyBytes;
  if (limit === undefined || limit === null) return { id };
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new HostError('maxBodyBytes: must be a whole number of bytes, 0 or more');
  }
  return { id, maxBodyBytes: limit };
}

export function parseBodyArg(arg: unknown): { id: string; field: BodyField } {
  const { id } = parseIdArg(arg);
  const field = (arg as Record<string, unknown>).field;
  if (!BODY_FIELDS.includes(field as BodyField)) {
    throw new HostError(`field: must be one of ${BODY_FIELDS.join(', ')}`);
  }
  return { id, field: field as BodyField };
}

export const MAX_STATS_DAYS = 366;

export function parseStatsArg(arg: unknown): { days?: number } {
  if (arg === undefined || arg === null) return {};
  if (!isRecord(arg)) throw new HostError('stats: must be an object');
  if (arg.days === undefined || arg.days === null) return {};
  if (typeof arg.days !== 'number' || !Number.isInteger(arg.days) || arg.days < 1 || arg.days > MAX_STATS_DAYS) {
    throw new HostError(`days: must be a whole number from 1 to ${MAX_STATS_DAYS}`);
  }
  return { days: arg.days };
}

/** Replaces the secret in every string of a JSON-like value; returns the input itself when
 * there is nothing to replace (the common case, checked with one serialization). */
export function scrubDeep<T>(value: T, secrets: ReadonlyArray<string | null>): T {
  const live = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  if (live.length === 0 || value === undefined) return value;
  const text = stringifyJson(value);
  if (text === undefined || !live.some((s) => text.includes(s))) return value;
  return mapStrings(value, (s) => scrubSecrets(s, live)) as T;
}

// ---------------------------------------------------------------------------------------
// Event batching

/** Forwarded to the UI; a record over ContractEventName so a new contract event breaks this. */
const FORWARDED: Record<ContractEventName, true> = {
  'request:start': true,
  'response:start': true,
  'request:finish': true,
  'request:error': true,
  log: true,
  state: true,
  'history:change': true,
};
export const CONTRACT_EVENT_NAMES = Object.keys(FORWARDED) as ContractEventName[];

export interface BatcherOptions {
  intervalMs: number;
  /** Largest batch handed to a listener; a bigger backlog goes out as several batches. */
  maxBatch: number;
  /** Events kept between two flushes; the oldest are dropped past this (and counted). */
  maxQueued: number;
  now?: () => number;
}

export interface EventBatcher {
  push(event: ContractEvent): void;
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
  /** Delivers whatever is queued now (tests, shutdown). */
  flush(): void;
  listenerCount(): number;
  close(): void;
}

/** Collects events and hands them to every listener in batches, so a burst of hundreds of
 * requests a second costs the UI ten renders a second, not hundreds. */
export function createEventBatcher(options: BatcherOptions): EventBatcher {
  const listeners = new Set<(events: ContractEvent[]) => void>();
  let queue: ContractEvent[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const now = options.now ?? Date.now;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0 && dropped === 0) return;
    const events = queue;
    queue = [];
    if (dropped > 0) {
      events.push({
        name: 'log',
        payload: { time: now(), level: 'warn', message: `${dropped} live events were dropped to keep the dashboard responsive` },
      });
      dropped = 0;
    }
    for (let i = 0; i < events.length; i += options.maxBatch) {
      const batch = events.slice(i, i + options.maxBatch);
      for (const listener of [...listeners]) {
        try {
          listener(batch);
        } catch {
          // One broken subscriber (e.g. a closed window) must not starve the others.
        }
      }
    }
  }

  return {
    push(event) {
      if (closed || listeners.size === 0) return;
      queue.push(event);
      if (queue.length > options.maxQueued) {
        const excess = queue.length - options.maxQueued;
        queue.splice(0, excess);
        dropped += excess;
      }
      if (!timer) {
        timer = setTimeout(flush, options.intervalMs);
        timer.unref();
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          queue = [];
          dropped = 0;
        }
      };
    },
    flush,
    listenerCount: () => listeners.size,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue = [];
      listeners.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------
// The host

export interface HostOptions {
  baseConfig: ProxyConfig;
  /** CLI flags and environment: they win over the settings file for this run. */
  overrides: Partial<ProxyConfig>;
  store: SettingsStore;
  consoleLog?: boolean;
  /** Passed through to createProxy (an injected history, Electron's native binding). */
  proxyDeps?: Omit<ProxyDeps, 'consoleLog'>;
  batch?: Partial<BatcherOptions>;
}

export interface Host {
  api: HostApi;
  proxy: Proxy;
  /** The settings file, for logs. */
  settingsLocation: string;
  close(): Promise<void>;
}

/** The settings fields of a config, as `proxy.update` takes them. */
function settingsConfig(s: StoredSettings): Partial<ProxyConfig> {
  return {
    apiKey: s.apiKey,
    upstreamUrl: s.upstreamUrl,
    port: s.port,
    modifierText: s.modifierText,
    modifierEnabled: s.modifierEnabled,
    retention: { ...s.retention },
  };
}

export async function createHost(options: HostOptions): Promise<Host> {
  const { store, overrides } = options;
  let stored = store.load();
  const overridden: SettingKey[] = overriddenKeys(overrides);
  const proxy = await createProxy(effectiveConfig(options.baseConfig, stored, overrides), {
    ...options.proxyDeps,
    consoleLog: options.consoleLog ?? false,
  });

  const secrets = (): Array<string | null> => [proxy.config().apiKey, stored.apiKey];
  const batcher = createEventBatcher({ intervalMs: 100, maxBatch: 500, maxQueued: 20_000, ...options.batch });
  const unhook = CONTRACT_EVENT_NAMES.map((name) =>
    proxy.events.on(name, (payload) => {
      batcher.push(scrubDeep({ name, payload } as ContractEvent, secrets()));
    }),
  );

  // Start, stop and settings changes run one at a time: two starts racing would both try
  // to bind, and two patches racing would lose one of them.
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T> | T): Promise<T> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };

  const publicSettings = (): PublicSettings => toPublicSettings(withOverrides(stored, overrides), overridden);

  const operations: HostOperations = {
    getStatus: async () => proxy.status(),
    startProxy: () => serially(() => proxy.start()),
    stopProxy: () => serially(() => proxy.stop()),
    getSettings: async () => publicSettings(),
    updateSettings: (patch) =>
      serially(() => {
        const next = applyPatch(stored, patch);
        store.save(next);
        stored = next;
        proxy.update(settingsConfig(withOverrides(stored, overrides)));
        return publicSettings();
      }),
    listHistory: async (query) => proxy.history.list(parseHistoryQuery(query)),
    // The history store reads whole records; bodies are left out here, before anything
    // crosses to the page, which is what keeps a large exchange cheap to open.
    getHistoryEntry: async (arg) => {
      const { id, maxBodyBytes } = parseEntryArg(arg);
      const record = await proxy.history.get(id);
      return record && toDetail(record, maxBodyBytes);
    },
    getHistoryBody: async (arg) => {
      const { id, field } = parseBodyArg(arg);
      const record = await proxy.history.get(id);
      return { text: record?.[field] ?? null };
    },
    deleteHistoryEntry: async (arg) => ({ deleted: await proxy.history.delete(parseIdArg(arg).id) }),
    clearHistory: async () => ({ deleted: await proxy.history.clear() }),
    getStats: async (arg) => proxy.history.stats(parseStatsArg(arg)),
  };

  const api = { subscribe: (listener: (events: ContractEvent[]) => void) => batcher.subscribe(listener) } as HostApi;
  for (const op of Object.keys(operations) as OperationName[]) {
    const run = operations[op] as (arg: unknown) => Promise<unknown>;
    (api as unknown as Record<string, (arg: unknown) => Promise<unknown>>)[op] = async (arg) =>
      scrubDeep(await run(arg), secrets());
  }

  let closing: Promise<void> | null = null;
  return {
    api,
    proxy,
    settingsLocation: store.location,
    close() {
      closing ??= (async () => {
        batcher.flush();
        batcher.close();
        for (const off of unhook) off();
        await proxy.close();
      })();
      return closing;
    },
  };
}
