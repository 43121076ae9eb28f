/**
 * The host: what both shells (headless CLI, Electron main) wrap around the proxy. It owns
 * the persisted settings, implements every contract operation once as `(arg) => result`
 * for the transports (HTTP routes, IPC handlers), and batches live events for the UI.
 *
 * Arguments arrive from a page, so every operation validates its input (./args.ts), and
 * every result is scrubbed of the API key (./scrub.ts) before it leaves.
 */
import {
  CONTRACT_EVENT_NAMES,
  type ContractEvent,
  type OpArg,
  type OperationName,
  type OpResult,
  type PublicSettings,
} from '../contract/operations.js';
import type { ProxyConfig } from '../config.js';
import { toDetail } from '../contract/detail.js';
import { createProxy, type Proxy, type ProxyDeps } from '../index.js';
import { parseBodyArg, parseEntryArg, parseHistoryQuery, parseIdArg, parseReplayArg, parseSessionQuery, parseStatsArg, parseTurnArg } from './args.js';
import { replayExchange } from './replay.js';
import { createEventBatcher, type BatcherOptions } from './event-batcher.js';
import { scrubDeep } from './scrub.js';
import {
  applyPatch,
  effectiveConfig,
  overriddenKeys,
  releaseOverrides,
  toPublicSettings,
  withOverrides,
  type SettingKey,
} from '../settings/settings.js';
import type { SettingsStore, StoredSettings } from '../settings/types.js';

/** Every contract operation as `(arg) => Promise<result>`: adding an operation to the
 * contract breaks compilation until the host implements it. */
export type HostOperations = { [K in OperationName]: (arg: OpArg<K>) => Promise<OpResult<K>> };

export type HostApi = HostOperations & {
  /** Receives proxy events in batches (see BATCHING); returns an unsubscribe function. */
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
};

export interface HostOptions {
  baseConfig: ProxyConfig;
  /** CLI flags and environment: the values this run starts with, over the settings file,
   * until the UI changes them. */
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

/** A burst of hundreds of requests a second costs the UI ten renders a second. */
const BATCHING: BatcherOptions = { intervalMs: 100, maxBatch: 500, maxQueued: 20_000 };

export async function createHost(options: HostOptions): Promise<Host> {
  const { store } = options;
  let stored = store.load();
  // Flags and environment are the values the run starts with; a UI change replaces them.
  let overrides: Partial<ProxyConfig> = options.overrides;
  const proxy = await createProxy(effectiveConfig(options.baseConfig, stored, overrides), {
    ...options.proxyDeps,
    consoleLog: options.consoleLog ?? false,
  });

  const secrets = (): Array<string | null> => [proxy.config().apiKey, stored.apiKey];
  const batcher = createEventBatcher({ ...BATCHING, ...options.batch });
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

  const publicSettings = (): PublicSettings => toPublicSettings(withOverrides(stored, overrides), overriddenKeys(overrides));

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
        overrides = releaseOverrides(overrides, patch);
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
    listSessions: async (query) => proxy.history.listSessions(parseSessionQuery(query)),
    getSession: async (arg) => proxy.history.getSession(parseIdArg(arg).id),
    replayExchange: async (arg) => replayExchange(proxy, parseReplayArg(arg)),
    getRateLimits: async () => ({ items: proxy.rateLimits() }),
    getTurn: async (arg) => {
      const { exchangeId, prefix } = parseTurnArg(arg);
      return proxy.history.getTurn(exchangeId, { prefix });
    },
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
