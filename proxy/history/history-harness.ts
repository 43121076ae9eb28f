/** The history tests' common setup: an opened store in a temp folder, closed after each test. */
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import type { ExchangeRecord, RetentionSettings } from '../contract/types.js';
import { openHistory, type History, type HistoryOptions } from './index.js';
import { tempDir } from './testing.js';

export const DAY = 86_400_000;
export const roomy: RetentionSettings = { maxRows: 100_000, maxAgeDays: 3650 };

export interface Opened {
  history: History;
  errors: Error[];
  changes: Array<{ ids: string[]; kind: string }>;
  dataDir: string;
}

const open: Array<History> = [];
const cleanups: Array<() => void> = [];
/** Closes `history` after the test, with the ones `setup` opened. */
export function closeLater(history: History): History {
  open.push(history);
  return history;
}

/** Closes every history and removes every folder the test opened; call once per test file. */
export function closeAfterEach(): void {
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    for (const c of cleanups.splice(0)) c();
  });
}

export async function setup(options: Partial<HistoryOptions> = {}): Promise<Opened> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const errors: Error[] = [];
  const changes: Opened['changes'] = [];
  const history = await openHistory({
    dataDir: t.dir,
    retention: roomy,
    onError: (e) => errors.push(e),
    onChange: (c) => changes.push(c),
    ...options,
  });
  open.push(history);
  return { history, errors, changes, dataDir: t.dir };
}

export async function addAll(history: History, records: ExchangeRecord[]): Promise<void> {
  for (const r of records) history.add(r);
  await history.flush();
}

/** Every id, newest first, by walking all pages. */
export async function allIds(history: History, query: Parameters<History['list']>[0] = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await history.list({ ...query, cursor, limit: 500 });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
  } finally {
    db.close();
  }
}
