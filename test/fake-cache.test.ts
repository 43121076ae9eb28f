import { describe, expect, it } from 'vitest';
import { createPromptCache, LOOKBACK_BLOCKS, MAX_BREAKPOINTS, promptBlocks, tokensOf } from './fake-cache.js';
import { startFakeUpstream } from './fake-upstream.js';

const cc = { type: 'ephemeral' };
const big = 'x'.repeat(8000); // 2000+ tokens: above the minimum
const text = (t: string, breakpoint = false) => ({ type: 'text', text: t, ...(breakpoint ? { cache_control: cc } : {}) });

/** n user messages of one block each; a breakpoint on message `at`. */
function conversation(n: number, at: number | null, extra: Record<string, unknown> = {}) {
  return {
    system: [text(big)],
    messages: Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [text(`m${i}`, i === at)] })),
    ...extra,
  };
}

function prefixTokens(body: Record<string, unknown>, lastBlock: number): number {
  return promptBlocks(body).slice(0, lastBlock + 1).reduce((s, b) => s + tokensOf(b), 0);
}

describe('the fake prompt cache', () => {
  it('writes at a breakpoint, then reads the same prefix', () => {
    const cache = createPromptCache();
    const body = conversation(3, 2);
    const first = cache.judge(body);
    const tokens = prefixTokens(body, 3);
    expect(first).toEqual({ ok: true, usage: { input_tokens: 0, cache_creation_input_tokens: tokens, cache_read_input_tokens: 0 } });
    expect(cache.judge(body)).toEqual({ ok: true, usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: tokens } });
  });

  it('treats string content as one text block', () => {
    const cache = createPromptCache();
    cache.judge({ messages: [{ role: 'user', content: [text(big, true)] }] });
    const read = cache.judge({ messages: [{ role: 'user', content: big }, { role: 'assistant', content: [text('a', true)] }] });
    expect(read.ok && read.usage.cache_read_input_tokens).toBeGreaterThan(0);
  });

  it(`finds an earlier prefix up to ${LOOKBACK_BLOCKS} blocks before a breakpoint, not further`, () => {
    const cache = createPromptCache();
    cache.judge(conversation(2, 1)); // writes the prefix ending at block 2 (system + 2 messages)
    const within = cache.judge(conversation(2 + LOOKBACK_BLOCKS, 1 + LOOKBACK_BLOCKS, {}));
    expect(within.ok && within.usage.cache_read_input_tokens).toBe(prefixTokens(conversation(2, 1), 2));
    const fresh = createPromptCache();
    fresh.judge(conversation(2, 1));
    const beyond = fresh.judge(conversation(3 + LOOKBACK_BLOCKS, 2 + LOOKBACK_BLOCKS));
    expect(beyond.ok && beyond.usage.cache_read_input_tokens).toBe(0);
  });

  it('misses when anything before the breakpoint changed', () => {
    const cache = createPromptCache();
    cache.judge(conversation(3, 2));
    const changed = conversation(3, 2);
    changed.messages[0]!.content = [text('m0 edited')];
    const verdict = cache.judge(changed);
    expect(verdict.ok && verdict.usage.cache_read_input_tokens).toBe(0);
  });

  it('puts the automatic breakpoint on the last block', () => {
    const cache = createPromptCache();
    const body = conversation(3, null, { cache_control: cc });
    const first = cache.judge(body);
    expect(first.ok && first.usage.cache_creation_input_tokens).toBe(prefixTokens(body, 3));
    const next = conversation(5, null, { cache_control: cc });
    const second = cache.judge(next);
    expect(second.ok && second.usage.cache_read_input_tokens).toBe(prefixTokens(body, 3));
  });

  it('does not cache a prefix below the minimum length', () => {
    const cache = createPromptCache({ minTokens: 1024 });
    const small = { messages: [{ role: 'user', content: [text('short', true)] }] };
    expect(cache.judge(small)).toEqual({ ok: true, usage: { input_tokens: prefixTokens(small, 0), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } });
    const again = cache.judge(small);
    expect(again.ok && again.usage.cache_read_input_tokens).toBe(0);
  });

  it(`refuses more than ${MAX_BREAKPOINTS} breakpoints, the automatic one included`, () => {
    const cache = createPromptCache();
    const four = { system: [text('a', true), text('b', true)], messages: [{ role: 'user', content: [text('c', true), text('d', true)] }] };
    expect(cache.judge(four).ok).toBe(true);
    expect(cache.judge({ ...four, cache_control: cc })).toEqual({ ok: false, message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.' });
  });

  it('reports usage and errors through the fake upstream', async () => {
    const fake = await startFakeUpstream({ promptCache: {} });
    try {
      const post = (body: unknown) =>
        fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, ...(body as object) }) });
      const body = conversation(1, 0);
      await (await post(body)).text();
      const hit = (await (await post(body)).json()) as { usage: Record<string, number> };
      expect(hit.usage.cache_read_input_tokens).toBe(prefixTokens(body, 1));
      const tooMany = await post({ system: [text('a', true), text('b', true), text('c', true)], messages: [{ role: 'user', content: [text('d', true), text('e', true)] }] });
      expect(tooMany.status).toBe(400);
      expect(await tooMany.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.' } });
    } finally {
      await fake.close();
    }
  });
});
