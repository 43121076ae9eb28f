/**
 * The exchange owns the pooled buffers of its bodies (buffer-pool.ts): it lets go of them
 * once recorded, and of the sent body not before upstream is done reading it. Under the test
 * runner the pool overwrites a buffer when its last holder lets go, which these tests see.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { History, QueuedRecord } from '../history/index.js';
import { bodyPool } from '../lib/buffer-pool.js';
import { ProxyEvents } from '../lib/events.js';
import { createLogger } from '../lib/log.js';
import { joinShared } from '../lib/shared-bytes.js';
import { Exchange } from './exchange.js';

const SIZE = 64 * 1024;
const released = (b: Uint8Array): boolean => b[0] === 0xee && b[b.length - 1] === 0xee;

function exchange(add: (r: QueuedRecord) => void = () => {}): Exchange {
  const events = new ProxyEvents();
  const deps = {
    events,
    history: { add } as unknown as History,
    logger: createLogger(events, { level: 'error', console: false }),
    maxStoredResponseBytes: 1024 * 1024,
    secrets: () => [],
  };
  return new Exchange(deps, { method: 'POST', url: '/v1/messages', headers: {} } as IncomingMessage, 'anthropic');
}

const begin = (ex: Exchange, body: Buffer): void =>
  ex.begin({ model: 'm', stream: false, originalBody: body, forwardedBody: { edits: [] }, modified: false });

describe('Exchange and its pooled bodies', () => {
  it('keeps the sent body until upstream is done reading it, when the exchange ended first', () => {
    const ex = exchange();
    const body = joinShared([Buffer.alloc(SIZE, 'a')]);
    begin(ex, body);
    const upstreamDone = ex.upstreamReading();
    ex.finish();
    expect(body[0]).toBe(0x61);
    upstreamDone();
    expect(released(body)).toBe(true);
  });

  it('lets go of the sent body when it ends, once upstream was done with it before', () => {
    const ex = exchange();
    const body = joinShared([Buffer.alloc(SIZE, 'b')]);
    begin(ex, body);
    const upstreamDone = ex.upstreamReading();
    upstreamDone();
    expect(body[0]).toBe(0x62);
    ex.finish();
    expect(released(body)).toBe(true);
    // Called again (got's stream finishes, then closes): nothing is released twice.
    upstreamDone();
  });

  it('lets go at once of bodies handed over after it ended (a passthrough upload that outlasted its answer)', () => {
    const added: QueuedRecord[] = [];
    const ex = exchange((r) => added.push(r));
    ex.begin({ model: null, stream: false, originalBody: null, forwardedBody: null, modified: false });
    ex.finish();
    const late = joinShared([Buffer.alloc(SIZE, 'e')]);
    ex.setBodies(late, late);
    expect(released(late)).toBe(true);
    expect(added[0]!.originalBody).toBeNull();
  });

  it('hands the history its bodies and the collected response; what the history holds stays intact', () => {
    const held: QueuedRecord[] = [];
    const ex = exchange((r) => {
      held.push(r);
      bodyPool.retain(r.originalBody);
      bodyPool.retain(r.responseBody);
    });
    const body = joinShared([Buffer.alloc(SIZE, 'c')]);
    begin(ex, body);
    ex.responseStarted(200, { 'content-type': 'application/octet-stream' });
    ex.chunk(Buffer.alloc(SIZE, 'd'));
    ex.finish();
    const r = held[0]!;
    expect(r.originalBody).toBe(body);
    expect(Buffer.from(r.responseBody as Uint8Array).equals(Buffer.alloc(SIZE, 'd'))).toBe(true);
    expect(body[0]).toBe(0x63);
    bodyPool.release(r.originalBody);
    bodyPool.release(r.responseBody);
    expect(released(body)).toBe(true);
    expect(released(r.responseBody as Uint8Array)).toBe(true);
  });
});
