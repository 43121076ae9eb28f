import { describe, expect, it } from 'vitest';
import { makeTurn } from '../test/fixtures.js';
import { sectionDiff, sessionCacheRatio, timeline, turnSeries, turnView } from './sessions.js';

describe('session view models', () => {
  it('computes the cache hit ratio over all prompt tokens', () => {
    expect(sessionCacheRatio({ input: 100, output: 999, cacheRead: 800, cacheWrite: 100 })).toBe(0.8);
    expect(sessionCacheRatio({ input: 0, output: 5, cacheRead: 0, cacheWrite: 0 })).toBeNull();
  });

  it('nests each subagent thread under the main turn that started it, in order', () => {
    const turns = [
      makeTurn('m1'),
      makeTurn('s1', { thread: 'agent-a', spawnedBy: 'm1' }),
      makeTurn('s2', { thread: 'agent-a', parentId: 's1' }),
      makeTurn('m2', { parentId: 'm1' }),
      makeTurn('x1', { thread: 'agent-b', spawnedBy: 'deleted' }),
      makeTurn('x2', { thread: 'agent-b', parentId: 'x1' }),
      makeTurn('m3', { parentId: 'm2' }),
    ];
    const items = timeline(turns);
    expect(items.map((i) => (i.kind === 'turn' ? `${i.number}:${i.turn.exchangeId}` : `thread:${i.thread.thread}`))).toEqual(['1:m1', '2:m2', 'thread:agent-b', '3:m3']);
    const first = items[0]!;
    expect(first.kind === 'turn' && first.threads.map((t) => [t.thread, t.turns.map((x) => x.exchangeId)])).toEqual([['agent-a', ['s1', 's2']]]);
    const orphan = items[2]!;
    expect(orphan.kind === 'thread' && orphan.thread.turns.map((t) => t.exchangeId)).toEqual(['x1', 'x2']);
  });

  it('gives the chart input, cache read and cache write per turn', () => {
    const series = turnSeries([makeTurn('a', { usage: { input: 1, output: 2, cacheRead: 3, cacheCreation: 4 } }), makeTurn('s', { thread: 'agent' }), makeTurn('b', { usage: null })]);
    // Numbered like the timeline's main turns; the subagent's turn is on its own card.
    expect(series).toEqual({ x: [1, 2], subagentTurns: 1, input: [1, 0], cacheRead: [3, 0], cacheWrite: [4, 0] });
    expect(turnSeries([makeTurn('s', { thread: 'agent', usage: { input: 7, output: 0, cacheRead: 0, cacheCreation: 0 } })])).toMatchObject({ x: [1], subagentTurns: 0, input: [7] });
  });

  it('diffs a prefix section exactly and elides long unchanged stretches', () => {
    const head = 'a'.repeat(1000);
    const tail = 'z'.repeat(1000);
    const parts = sectionDiff({ name: 'system', parent: `${head} old ${tail}`, turn: `${head} new ${tail}`, cacheNeutral: false }, 10);
    expect(parts.slice(0, 2)).toEqual([{ kind: 'elided', chars: 991 }, { kind: 'same', text: 'a'.repeat(9) + ' ' }]);
    expect(parts.filter((p) => p.kind === 'removed').map((p) => 'text' in p && p.text).join('')).toBe('old');
    expect(parts.filter((p) => p.kind === 'added').map((p) => 'text' in p && p.text).join('')).toBe('new');
    expect(parts.at(-1)).toEqual({ kind: 'elided', chars: 991 });
    expect(sectionDiff({ name: 'tools', parent: null, turn: '[1]', cacheNeutral: false })).toEqual([{ kind: 'added', text: '[1]' }]);
  });

  it('shows what the client added and the answer, leaving out the parent\'s answer it re-sends', () => {
    const content = {
      exchangeId: 'b',
      sessionId: 'h:s',
      fromMessage: 2,
      messages: [
        JSON.stringify({ role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { path: 'a.ts' } }] }),
        JSON.stringify({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'file text' }, { type: 'text', text: 'and now?' }] }),
      ],
      answer: JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Done.' }], stop_reason: 'end_turn' }),
    };
    const view = turnView(content, true);
    expect(view.added.map((m) => [m.index, m.message.role])).toEqual([[3, 'user']]);
    expect(view.added[0]!.message.blocks.map((b) => b.type)).toEqual(['tool_result', 'text']);
    expect(view.answer).toMatchObject({ stopReason: 'end_turn', blocks: [{ type: 'text', text: 'Done.' }] });
    expect(turnView(content, false).added.map((m) => [m.index, m.message.role])).toEqual([[2, 'assistant'], [3, 'user']]);
    expect(turnView({ ...content, answer: null }, true).answer).toBeNull();
  });
});
