/**
 * Crash safety: a process killed with SIGKILL while writing loses at most the rows it had
 * not committed, and the database reopens intact.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { openHistory } from './index.js';
import { historyFile } from './schema.js';
import { tempDir } from './testing.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The child adds records in rounds, reporting each round once flush() says it is committed,
 * then keeps writing until it is killed. */
function childScript(dataDir: string): string {
  const index = JSON.stringify(new URL('./index.ts', import.meta.url).href);
  const testing = JSON.stringify(new URL('./testing.ts', import.meta.url).href);
  return `
    const { openHistory } = await import(${index});
    const { makeRecord } = await import(${testing});
    const history = await openHistory({ dataDir: ${JSON.stringify(dataDir)}, retention: { maxRows: 1e6, maxAgeDays: 3650 } });
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'crash test payload '.repeat(100) }] });
    let n = 0;
    const add = () => history.add(makeRecord({ id: 'k-' + n++, originalBody: body, responseBody: body }));
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) add();
      await history.flush();
      process.stdout.write('committed ' + n + '\\n');
    }
    // A burst the writer needs a while to commit: the kill lands in the middle of it.
    for (let i = 0; i < 5000; i++) add();
    process.stdout.write('burst\\n');
    setInterval(() => { for (let i = 0; i < 50; i++) add(); }, 1);
  `;
}

it('keeps every committed row and reopens intact after kill -9', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', childScript(dir)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

  const committed = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    let last = 0;
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const m = /^committed (\d+)$/.exec(line);
        if (m) last = Number(m[1]);
        if (line === 'burst') {
          child.kill('SIGKILL');
          resolve(last);
        }
      }
    });
    child.on('exit', () => reject(new Error(`child exited before the kill: ${stderr}`)));
  });
  const exit = await new Promise<NodeJS.Signals | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
    else child.on('exit', (_code, signal) => resolve(signal));
  });
  expect(exit).toBe('SIGKILL');
  expect(committed).toBeGreaterThan(0);

  // Reopen for writing first: that is what recovers the WAL, as the app would.
  const history = await openHistory({ dataDir: dir, retention: { maxRows: 1e6, maxAgeDays: 3650 } });
  try {
    // Rows the kill left waiting for the full-text index (search-index.ts) are indexed behind
    // the start; a flush waits for them.
    await history.flush();
    const db = new Database(historyFile(dir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set(db.prepare('SELECT id FROM exchanges').pluck().all() as string[]);
      for (let i = 0; i < committed; i++) expect(ids.has(`k-${i}`), `k-${i}`).toBe(true);
      const ftsRows = db.prepare('SELECT count(*) FROM exchanges_fts').pluck().get();
      expect(ftsRows).toBe(ids.size);
    } finally {
      db.close();
    }
    const page = await history.list({ text: 'payload', limit: 1 });
    expect(page.items).toHaveLength(1);
  } finally {
    await history.close();
  }
  // And the reopened file is writable and consistent for FTS too.
  const db = new Database(historyFile(dir));
  try {
    expect(() => db.prepare("INSERT INTO exchanges_fts(exchanges_fts) VALUES ('integrity-check')").run()).not.toThrow();
  } finally {
    db.close();
  }
});

it('lets a host that never calls close() exit once its writes are committed', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const index = JSON.stringify(new URL('./index.ts', import.meta.url).href);
  const testing = JSON.stringify(new URL('./testing.ts', import.meta.url).href);
  const script = `
    const { openHistory } = await import(${index});
    const { makeRecord } = await import(${testing});
    const history = await openHistory({ dataDir: ${JSON.stringify(dir)}, retention: { maxRows: 100, maxAgeDays: 30 } });
    history.add(makeRecord({ id: 'no-close' }));
    // No flush, no close: the pending write keeps the process alive until it is committed.
  `;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const db = new Database(historyFile(dir), { readonly: true });
  try {
    expect(db.prepare('SELECT id FROM exchanges').pluck().all()).toEqual(['no-close']);
  } finally {
    db.close();
  }
});
