/**
 * Issue 13, item 5: the modifier must not cost cache hits. Ten-turn conversations go
 * through the proxy twice, with the modifier on and off, against a fake upstream that
 * applies Anthropic's prompt-caching rules (fake-cache.ts); the cache reads must be equal
 * turn by turn, for explicit, automatic and mixed caching, with string and array content.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './fake-upstream.js';
import { startHarness, type Harness } from './harness.js';

const TURNS = 10;
const APPEND = ' Always answer in French, and keep it short.';
const SYSTEM = `You are a careful assistant. ${'Follow the house style guide to the letter. '.repeat(150)}`;
const FIXTURES = '/work/shared/fixtures/claude-code-2.1.197-session.jsonl';

type Mode = 'explicit' | 'automatic' | 'mixed';
type Shape = 'string' | 'array';
type Json = Record<string, any>;

async function harness(modifierText: string): Promise<Harness> {
  const fake = await startFakeUpstream({ promptCache: { minTokens: 1024 } });
  const h = await startHarness({ modifierText }, { fake });
  const close = h.close;
  h.close = async () => {
    await close();
    await fake.close();
  };
  return h;
}

async function send(h: Harness, body: Json, path = '/v1/messages'): Promise<{ status: number; json: Json }> {
  const res = await fetch(h.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

function userTurn(k: number, shape: Shape, breakpoint: boolean): Json {
  const text = `Turn ${k}: ${'Here is more of the document to discuss in detail. '.repeat(8)}`;
  if (shape === 'string') return { role: 'user', content: text };
  const block: Json = { type: 'text', text };
  if (breakpoint) block.cache_control = { type: 'ephemeral' };
  return { role: 'user', content: [{ type: 'text', text: `Context ${k}.` }, block] };
}

/** What the client sends on turn k: the conversation so far as it knows it (never the
 * appended text, which only the upstream saw), with breakpoints where `mode` puts them. */
function request(mode: Mode, shape: Shape, history: Json[], k: number): Json {
  const system = mode === 'automatic' ? SYSTEM : [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }];
  const body: Json = { model: 'claude-sonnet-4-5', max_tokens: 64, system, messages: [...history, userTurn(k, shape, mode === 'explicit')] };
  if (mode !== 'explicit') body.cache_control = { type: 'ephemeral' };
  return body;
}

async function conversation(h: Harness, mode: Mode, shape: Shape): Promise<number[]> {
  const reads: number[] = [];
  let history: Json[] = [];
  for (let k = 1; k <= TURNS; k++) {
    const body = request(mode, shape, history, k);
    const { status, json } = await send(h, body);
    expect(status).toBe(200);
    reads.push(json.usage.cache_read_input_tokens);
    const sent = body.messages.at(-1);
    // The client keeps its own message without the breakpoint it moves forward next turn.
    const kept = shape === 'array' ? { ...sent, content: sent.content.map(({ cache_control: _c, ...b }: Json) => b) } : sent;
    history = [...history, kept, { role: 'assistant', content: shape === 'string' ? json.content[0].text : json.content }];
  }
  return reads;
}

describe('cache reads with the modifier on equal those with it off', () => {
  let on: Harness;
  let off: Harness;
  beforeAll(async () => {
    [on, off] = await Promise.all([harness(APPEND), harness('')]);
  });
  afterAll(async () => {
    await Promise.all([on.close(), off.close()]);
  });

  const modes: Mode[] = ['explicit', 'automatic', 'mixed'];
  const shapes: Shape[] = ['string', 'array'];
  for (const mode of modes) {
    for (const shape of shapes) {
      it(`${mode} caching, ${shape} content, over ${TURNS} turns`, async () => {
        on.fake.reset();
        off.fake.reset();
        const withModifier = await conversation(on, mode, shape);
        const without = await conversation(off, mode, shape);
        expect(withModifier).toEqual(without);
        expect(on.fake.requests.every((r) => r.body.includes(APPEND))).toBe(true);
        // The conversation itself is cached, not just the system prompt: reads grow.
        expect(without[0]).toBe(0);
        if (mode !== 'explicit' || shape === 'array') expect(without[TURNS - 1]!).toBeGreaterThan(without[1]!);
        else expect(without.slice(1).every((r) => r > 0)).toBe(true);
      });
    }
  }

  it('the Claude Code session in the shared fixtures reads the same with and without the modifier', async () => {
    on.fake.reset();
    off.fake.reset();
    const lines = readFileSync(FIXTURES, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    const reads = { on: [] as number[], off: [] as number[] };
    for (const line of lines) {
      const url = new URL(line.url, 'http://x');
      const body = JSON.parse(line.body) as Json;
      for (const [h, list] of [[on, reads.on], [off, reads.off]] as const) {
        const { status, json } = await send(h, { ...body, stream: false }, url.pathname + url.search);
        expect(status).toBe(200);
        list.push(json.usage.cache_read_input_tokens);
      }
    }
    expect(reads.on).toEqual(reads.off);
    // The first `claude -c` turn changes the prompt's head; every later turn reads the cache.
    expect(reads.off.slice(2).every((r) => r > 0)).toBe(true);
  });

  it('keeps a request within four breakpoints', async () => {
    on.fake.reset();
    const explicit = { type: 'ephemeral' };
    const body = {
      model: 'm',
      max_tokens: 5,
      cache_control: { type: 'ephemeral', ttl: '1h' },
      tools: [{ name: 't', input_schema: { type: 'object' }, cache_control: explicit }],
      system: [{ type: 'text', text: SYSTEM, cache_control: explicit }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a', cache_control: explicit }, { type: 'text', text: 'b' }] }],
    };
    const { status } = await send(on, body);
    expect(status).toBe(200);
    const sent = on.fake.last().json;
    expect(sent.cache_control).toBeUndefined();
    expect(sent.messages[0].content).toEqual([
      { type: 'text', text: 'a', cache_control: explicit },
      { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: APPEND },
    ]);
    expect((on.fake.last().body.match(/"cache_control"/g) ?? []).length).toBe(4);
  });
});
