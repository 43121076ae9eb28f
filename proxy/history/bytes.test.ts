/**
 * Request bodies queued as UTF-8 bytes (what the Messages route hands over) must be stored,
 * read back, sized and indexed exactly as the decoded text would have been.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openHistory, type History } from './index.js';
import { makeRecord, tempDir } from './testing.js';

const open: History[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const c of cleanups.splice(0)) c();
});

async function setup(): Promise<{ history: History; errors: Error[] }> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const errors: Error[] = [];
  const history = await openHistory({ dataDir: t.dir, retention: { maxRows: 1000, maxAgeDays: 365 }, onError: (e) => errors.push(e) });
  open.push(history);
  return { history, errors };
}

const original = JSON.stringify({
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'Résumé of the naïve café — “quoted” ✓ 日本語 🙂 zebrafish' }],
});
const forwarded = JSON.stringify({
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Résumé of the naïve café — “quoted” ✓ 日本語 🙂 zebrafish' }, { type: 'text', text: 'Answer like an okapi.' }] }],
});

describe('request bodies queued as bytes', () => {
  it('reads back the same text and byte sizes as string bodies', async () => {
    const { history, errors } = await setup();
    const asBytes = makeRecord({ id: 'bytes', modified: true });
    const asText = makeRecord({ id: 'text', modified: true, originalBody: original, forwardedBody: forwarded });
    history.add({ ...asBytes, originalBody: Buffer.from(original), forwardedBody: Buffer.from(forwarded) });
    history.add(asText);
    await history.flush();

    const bytes = await history.get('bytes');
    const text = await history.get('text');
    expect(bytes?.originalBody).toBe(original);
    expect(bytes?.forwardedBody).toBe(forwarded);
    expect(text?.originalBody).toBe(original);
    const page = await history.list({});
    const sizes = Object.fromEntries(page.items.map((i) => [i.id, i.sizes]));
    expect(sizes.bytes).toEqual(sizes.text);
    expect(sizes.bytes?.original).toBe(Buffer.byteLength(original));
    expect(errors).toEqual([]);
  });

  it('stores a plain Uint8Array (how a Buffer arrives after crossing threads) and a view into a larger buffer', async () => {
    const { history } = await setup();
    const padded = Buffer.concat([Buffer.from('GARBAGE-BEFORE'), Buffer.from(original), Buffer.from('GARBAGE-AFTER')]);
    const view = padded.subarray(14, 14 + Buffer.byteLength(original));
    history.add({ ...makeRecord({ id: 'u8' }), originalBody: new Uint8Array(Buffer.from(original)), forwardedBody: view });
    await history.flush();
    const rec = await history.get('u8');
    expect(rec?.originalBody).toBe(original);
    expect(rec?.forwardedBody).toBe(original);
  });

  it('decodes invalid UTF-8 with replacement characters, as Buffer#toString would', async () => {
    const { history } = await setup();
    const broken = Buffer.concat([Buffer.from('{"a":"ok '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(' end"}')]);
    history.add({ ...makeRecord({ id: 'broken' }), originalBody: broken, forwardedBody: broken });
    await history.flush();
    const rec = await history.get('broken');
    expect(rec?.originalBody).toBe(broken.toString('utf8'));
    expect((await history.list({})).items[0]?.sizes.original).toBe(Buffer.byteLength(broken.toString('utf8')));
  });

  it('indexes byte bodies for search; the forwarded body (original + appended text) is not indexed', async () => {
    const { history } = await setup();
    history.add({ ...makeRecord({ id: 'mod', modified: true }), originalBody: Buffer.from(original), forwardedBody: Buffer.from(forwarded) });
    const same = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'platypus café' }] }));
    history.add({ ...makeRecord({ id: 'same' }), originalBody: same, forwardedBody: Buffer.from(same) });
    await history.flush();
    expect((await history.list({ text: 'zebrafish' })).items.map((i) => i.id)).toEqual(['mod']);
    expect((await history.list({ text: 'okapi' })).items).toEqual([]);
    expect((await history.list({ text: 'café' })).items.map((i) => i.id).sort()).toEqual(['mod', 'same']);
    expect((await history.list({ text: '日本語' })).items.map((i) => i.id)).toEqual(['mod']);
  });
});

describe('response bodies queued as bytes', () => {
  it('stores SSE and JSON responses as their text, a cut multi-byte character decoded as before, and indexes them', async () => {
    const { history, errors } = await setup();
    const sse = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße ✓ wombat"}}\n\n';
    const json = JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'kängurus — quokka' }] });
    const cut = Buffer.from('{"text":"half ✓').subarray(0, -1);
    history.add({ ...makeRecord({ id: 'sse', stream: true }), responseBody: Buffer.from(sse) });
    history.add({ ...makeRecord({ id: 'json' }), responseBody: Buffer.from(json) });
    history.add({ ...makeRecord({ id: 'cut', responseTruncated: true }), responseBody: cut });
    history.add({ ...makeRecord({ id: 'empty' }), responseBody: Buffer.alloc(0) });
    await history.flush();
    expect((await history.get('sse'))?.responseBody).toBe(sse);
    expect((await history.get('json'))?.responseBody).toBe(json);
    expect((await history.get('cut'))?.responseBody).toBe(cut.toString('utf8'));
    expect((await history.get('empty'))?.responseBody).toBe('');
    expect((await history.list({ text: 'wombat' })).items.map((i) => i.id)).toEqual(['sse']);
    expect((await history.list({ text: 'quokka' })).items.map((i) => i.id)).toEqual(['json']);
    const sizes = Object.fromEntries((await history.list({})).items.map((i) => [i.id, i.sizes.response]));
    expect(sizes).toMatchObject({ sse: Buffer.byteLength(sse), json: Buffer.byteLength(json), empty: 0 });
    expect(errors).toEqual([]);
  });
});
