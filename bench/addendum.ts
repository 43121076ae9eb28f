/**
 * Addendum under test, as a user runs it: modifier on, history on (in a temporary data
 * folder), log level warn, no dashboard.
 *
 * Run as a forked child: `node dist/bench/addendum.js <upstream url>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy, defaultConfig } from '../proxy/index.js';
import { isMain, serveChild, type Served } from './child.js';

export const BENCH_MODIFIER = '\n\nAlways answer in British English and keep answers short.';

export async function startAddendum(upstreamUrl: string): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'addendum-bench-'));
  const proxy = await createProxy({
    ...defaultConfig({}),
    port: 0,
    upstreamUrl,
    dataDir,
    dashboardPort: null,
    logLevel: 'warn',
    modifierText: BENCH_MODIFIER,
  });
  proxy.events.on('log', (line) => {
    if (line.level === 'error') process.stderr.write(`[addendum] ${line.message}\n`);
  });
  const status = await proxy.start();
  return {
    url: status.baseUrl!,
    flush: () => proxy.history.flush(),
    async close() {
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (isMain(import.meta.url)) serveChild(() => startAddendum(process.argv[2]!));
