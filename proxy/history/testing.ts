/** Test helpers: realistic records and temp data folders. Not used by the app. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExchangeRecord } from '../contract/types.js';
import { HistoryReader } from './reader.js';
import { openWriteDatabase, type Db } from './schema.js';
import { HistoryWriter } from './writer.js';

let counter = 0;

export function makeRecord(overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  counter++;
  const id = overrides.id ?? `rec-${String(counter).padStart(6, '0')}`;
  const original = JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: `Say hello number ${counter}` }],
  });
  return {
    id,
    startedAt: Date.now(),
    ttfbMs: 120,
    durationMs: 480,
    method: 'POST',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'claude-sonnet-4-5',
    stream: false,
    status: 200,
    outcome: 'ok',
    stopReason: 'end_turn',
    usage: { input: 10, output: 5, cacheRead: 0, cacheCreation: 0 },
    error: null,
    userAgent: 'test-agent/1.0',
    modified: false,
    requestHeaders: { 'content-type': 'application/json', 'x-api-key': '[redacted]' },
    originalBody: original,
    forwardedBody: original,
    responseHeaders: { 'content-type': 'application/json', 'request-id': `req_${counter}` },
    responseBody: JSON.stringify({
      id: `msg_${counter}`,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
    }),
    responseTruncated: false,
    assembled: null,
    ...overrides,
  };
}

export function tempDir(prefix = 'addendum-history-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh history file in a temp folder, its writer (no retention to speak of) and reader; `cleanups` gets what closes and removes it. */
export function openTestHistory(cleanups: Array<() => void>): { db: Db; writer: HistoryWriter; reader: HistoryReader } {
  const t = tempDir();
  const db = openWriteDatabase(join(t.dir, 'h.sqlite'));
  cleanups.push(() => {
    db.close();
    t.cleanup();
  });
  return { db, writer: new HistoryWriter(db, { maxRows: 100_000, maxAgeDays: 0 }), reader: new HistoryReader(db) };
}
