/**
 * Addendum under test, as a user runs it: modifier on, history on (in a temporary data
 * folder), log level warn, no dashboard. ADDENDUM_BENCH_HISTORY=off drops every record
 * instead of queuing it (for diagnosis: what the history costs on the hot path).
 *
 * Run as a forked child: `node dist/bench/addendum.js <upstream url>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory, type History } from '../proxy/history/index.js';
import { historyFile, openReadDatabase, type Db } from '../proxy/history/schema.js';
import { SHED_BODY_TEXT } from '../proxy/history/shedding.js';
import { createProxy, defaultConfig } from '../proxy/index.js';
import { isMain, serveChild, type Served } from './child.js';

export const BENCH_MODIFIER = '\n\nAlways answer in British English and keep answers short.';

/** A real history whose add() drops the record: the proxy does everything but queue it. */
async function droppingHistory(dataDir: string, retention: Parameters<typeof openHistory>[0]['retention']): Promise<History> {
  const real = await openHistory({ dataDir, retention });
  return new Proxy(real, {
    get: (target, key) => (key === 'add' ? () => {} : bindIfFn(target, key)),
  });
}

function bindIfFn(target: History, key: string | symbol): unknown {
  const v = Reflect.get(target, key, target) as unknown;
  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
}

export async function startAddendum(upstreamUrl: string): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'addendum-bench-'));
  const config = { ...defaultConfig({}), port: 0, upstreamUrl, dataDir, dashboardPort: null, logLevel: 'warn' as const, modifierText: BENCH_MODIFIER };
  const dropping = process.env.ADDENDUM_BENCH_HISTORY === 'off' ? await droppingHistory(dataDir, config.retention) : undefined;
  const proxy = await createProxy(config, dropping ? { history: dropping } : {});
  proxy.events.on('log', (line) => {
    if (line.level === 'error') process.stderr.write(`[addendum] ${line.message}\n`);
  });
  const status = await proxy.start();
  let read: Db | null = null;
  return {
    url: status.baseUrl!,
    flush: () => proxy.history.flush(),
    // Every body this bench sends is far longer than the placeholder a shed one gets.
    shedSince: (after) =>
      (read ??= openReadDatabase(historyFile(dataDir)))
        .prepare<[number, number], { shed: number; lastSeq: number }>(
          'SELECT (SELECT count(*) FROM exchanges WHERE seq > ? AND original_size = ?) AS shed, (SELECT coalesce(max(seq), 0) FROM exchanges) AS lastSeq',
        )
        .get(after, Buffer.byteLength(SHED_BODY_TEXT))!,
    async close() {
      read?.close();
      await proxy.close();
      await dropping?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (isMain(import.meta.url)) serveChild(() => startAddendum(process.argv[2]!));
