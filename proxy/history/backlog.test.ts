/**
 * A writer that falls behind must not grow memory without bound: past the backlog limit
 * rows keep their facts and lose their bodies, with one report per overload episode.
 */
import { afterEach, expect, it } from 'vitest';
import { openHistory, type History } from './index.js';
import { makeRecord, tempDir } from './testing.js';
import { BufferPool, POOL_MIN_BYTES } from '../lib/buffer-pool.js';
import { recordChars, SHED_BODIES_ABOVE_CHARS, SHED_BODY_TEXT } from './shedding.js';

let history: History | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  await history?.close();
  cleanup?.();
});

it('stores rows without bodies while the backlog is over the limit, then with bodies again', async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const errors: Error[] = [];
  history = await openHistory({ dataDir: t.dir, retention: { maxRows: 1000, maxAgeDays: 365 }, onError: (e) => errors.push(e) });
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] });
  const count = Math.ceil(SHED_BODIES_ABOVE_CHARS / body.length) + 10;
  // One synchronous burst: the writer cannot confirm anything until it is over.
  for (let i = 0; i < count; i++) {
    history.add(makeRecord({ id: `r${String(i).padStart(4, '0')}`, originalBody: body, forwardedBody: body, responseBody: '{"ok":true}', usage: { input: i, output: 1, cacheRead: 0, cacheCreation: 0 } }));
  }
  await history.flush();

  const first = await history.get('r0000');
  expect(first?.originalBody).toBe(body);
  const last = await history.get(`r${String(count - 1).padStart(4, '0')}`);
  expect(last).toMatchObject({ originalBody: SHED_BODY_TEXT, forwardedBody: SHED_BODY_TEXT, responseBody: SHED_BODY_TEXT, responseTruncated: true });
  expect(last?.usage?.input).toBe(count - 1);
  expect((await history.list({ limit: 500 })).items).toHaveLength(count);
  expect(errors.filter((e) => /recorded without bodies/.test(e.message))).toHaveLength(1);

  // Once the writer has caught up, bodies are kept again.
  history.add(makeRecord({ id: 'after', originalBody: body }));
  await history.flush();
  expect((await history.get('after'))?.originalBody).toBe(body);
});

it('counts a body forwarded as received once, as it is held once, and each copy of a text body', () => {
  const bytes = Buffer.from(new SharedArrayBuffer(5000));
  const base = makeRecord({ responseBody: null, assembled: null });
  const once = recordChars({ ...base, originalBody: bytes, forwardedBody: bytes });
  expect(once).toBe(recordChars({ ...base, originalBody: bytes, forwardedBody: null }));
  expect(recordChars({ ...base, originalBody: bytes, forwardedBody: Buffer.from(bytes) })).toBe(once + 5000);
  const text = 'x'.repeat(5000);
  expect(recordChars({ ...base, originalBody: text, forwardedBody: text })).toBe(once + 5000);
  expect(recordChars({ ...base, originalBody: bytes, forwardedBody: { edits: [{ start: 0, end: 0, insert: Buffer.alloc(10) }] } })).toBe(once + 10);
});

it('counts a short body in pooled memory as its whole buffer, which it keeps alive', () => {
  const base = makeRecord({ originalBody: null, forwardedBody: null, assembled: null });
  const pooled = new BufferPool().take(POOL_MIN_BYTES).subarray(0, 200);
  expect(recordChars({ ...base, responseBody: pooled })).toBe(recordChars({ ...base, responseBody: null }) + POOL_MIN_BYTES);
});
