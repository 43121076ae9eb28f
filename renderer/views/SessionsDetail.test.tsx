import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import type { TurnContent } from '../../proxy/contract/types.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, makeSession, makeTurn, type FakeApi } from '../test/fixtures.js';
import { SessionsDetail } from './SessionsDetail.js';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const usage = (input: number, cacheRead: number, cacheCreation: number) => ({ input, output: 40, cacheRead, cacheCreation });
const msg = (role: string, content: unknown) => JSON.stringify({ role, content });
const answer = (content: unknown[]) => JSON.stringify({ type: 'message', role: 'assistant', content, stop_reason: 'end_turn' });

const turnList = [
  makeTurn('t1', { startedAt: T0, usage: usage(12, 0, 9000), ttfbMs: 410, durationMs: 2300 }),
  makeTurn('t2', { startedAt: T0 + 10_000, parentId: 't1', usage: usage(30, 9000, 400), delta: { fromMessage: 1, messageCount: 3, systemChanged: false, toolsChanged: false } }),
  makeTurn('a1', { startedAt: T0 + 12_000, thread: 'agent-7', spawnedBy: 't2', usage: usage(50, 0, 0) }),
  makeTurn('t3', { startedAt: T0 + 20_000, parentId: 't2', usage: usage(9500, 0, 400), delta: { fromMessage: 3, messageCount: 5, systemChanged: true, toolsChanged: false } }),
];

const turns: Record<string, TurnContent> = {
  t1: { exchangeId: 't1', sessionId: 'h:run', fromMessage: 0, messages: [msg('user', 'List the files')], answer: answer([{ type: 'thinking', thinking: 'Use the tool.' }, { type: 'tool_use', id: 'tu1', name: 'Bash', input: { command: 'ls' } }]) },
  t2: {
    exchangeId: 't2',
    sessionId: 'h:run',
    fromMessage: 1,
    messages: [msg('assistant', [{ type: 'tool_use', id: 'tu1', name: 'Bash', input: { command: 'ls' } }]), msg('user', [{ type: 'tool_result', tool_use_id: 'tu1', content: 'README.md\nsrc' }])],
    answer: answer([{ type: 'text', text: 'There are two entries.' }]),
  },
  a1: { exchangeId: 'a1', sessionId: 'h:run', fromMessage: 0, messages: [msg('user', 'Search the docs')], answer: answer([{ type: 'text', text: 'Found nothing.' }]) },
  t3: {
    exchangeId: 't3',
    sessionId: 'h:run',
    fromMessage: 3,
    messages: [msg('assistant', 'There are two entries.'), msg('user', 'Thanks')],
    answer: answer([{ type: 'text', text: 'You are welcome.' }]),
    prefix: {
      parentId: 't2',
      sections: [
        { name: 'system', parent: '[{"type":"text","text":"You are brief."}]', turn: '[{"type":"text","text":"You are chatty."}]', cacheNeutral: false },
        { name: 'message 3', parent: msg('user', [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }]), turn: msg('user', 'x'), cacheNeutral: true },
      ],
    },
  },
};

function renderDetail(api: FakeApi, focusTurn: string | null = null) {
  return render(
    <ApiProvider api={api}>
      <SessionsDetail id="h:run" focusTurn={focusTurn} />
    </ApiProvider>,
  );
}

const card = (id: string) => screen.getAllByTestId('session-turn').find((t) => t.getAttribute('data-id') === id)!;

describe('SessionsDetail', () => {
  it('shows each turn\'s delta: the new user text, tool results and the answer\'s blocks, fetched turn by turn', async () => {
    const api = createFakeApi({ sessions: [makeSession('h:run', turnList)], turns });
    renderDetail(api);
    await waitFor(() => expect(card('t2').textContent).toContain('There are two entries.'));
    const first = card('t1');
    expect(within(first).getByRole('region', { name: 'user message 1' }).textContent).toContain('List the files');
    expect(within(first).getByText('Thinking')).toBeTruthy();
    expect(within(first).getByTestId('turn-answer').textContent).toContain('Bash');
    const second = card('t2');
    // The parent's answer it re-sends is shown on the parent, not again here.
    expect(within(second).queryByRole('region', { name: 'assistant message 2' })).toBeNull();
    expect(within(second).getByRole('region', { name: 'user message 3' }).textContent).toContain('README.md');
    expect(api.getTurn).toHaveBeenCalledWith({ exchangeId: 't2' });
    expect(api.getHistoryEntry).not.toHaveBeenCalled();
  });

  it('gives each turn its tokens, cost, time to first byte and duration, and badges what changed', async () => {
    renderDetail(createFakeApi({ sessions: [makeSession('h:run', turnList)], turns }));
    await screen.findAllByTestId('session-turn');
    const first = card('t1').textContent!;
    for (const part of ['Turn 1', '410 ms', '2.30 s', '$0.0042', '12 / 0 / 9k → 40']) expect(first).toContain(part);
    expect(card('t3').textContent).toContain('system changed');
  });

  it('nests a subagent under the turn that started it', async () => {
    renderDetail(createFakeApi({ sessions: [makeSession('h:run', turnList)], turns }));
    await screen.findAllByTestId('session-turn');
    const group = screen.getByRole('group', { name: 'Subagent agent-7' });
    expect(within(group).getByTestId('session-turn').getAttribute('data-id')).toBe('a1');
    expect(group.closest('.timeline-item')!.contains(card('t2'))).toBe(true);
    expect(within(group).getByText('Subagent turn 1')).toBeTruthy();
  });

  it('charts input, cache read and cache write per turn', async () => {
    renderDetail(createFakeApi({ sessions: [makeSession('h:run', turnList)], turns }));
    const chart = await screen.findByTestId('session-chart');
    const rows = within(chart).getAllByRole('row').map((r) => r.textContent);
    expect(rows[0]).toBe('TurnInputCache readCache write');
    expect(within(chart).getByText('Prompt tokens per turn (main thread)', { selector: 'figcaption' })).toBeTruthy();
    expect(rows.slice(1)).toEqual(['Turn 11209k', 'Turn 2309k400', 'Turn 39.5k0400']);
  });

  it('flags the turn whose cache read fell and opens the exact diff of its prefix against the parent', async () => {
    const api = createFakeApi({ sessions: [makeSession('h:run', turnList)], turns });
    renderDetail(api);
    await screen.findAllByTestId('session-turn');
    expect(screen.getAllByTestId('cache-miss')).toHaveLength(1);
    const flag = within(card('t3')).getByTestId('cache-miss');
    expect(flag.textContent).toBe('Cache miss: 9.4k tokens not read');
    fireEvent.click(flag);
    const diff = await within(card('t3')).findByTestId('prefix-diff');
    expect(api.getTurn).toHaveBeenCalledWith({ exchangeId: 't3', prefix: true });
    const system = within(diff).getByRole('region', { name: 'System prompt' });
    expect([...system.querySelectorAll('del')].map((d) => d.textContent).join('')).toBe('brief');
    expect([...system.querySelectorAll('ins')].map((d) => d.textContent).join('')).toBe('chatty');
    expect(within(diff).getByText(/1 more message differs only where the cache does not look/)).toBeTruthy();
  });

  it('adds turns as they arrive', async () => {
    const api = createFakeApi({ sessions: [makeSession('h:run', turnList.slice(0, 2))], turns });
    renderDetail(api);
    await waitFor(() => expect(screen.getAllByTestId('session-turn')).toHaveLength(2));
    api.sessions[0] = makeSession('h:run', turnList);
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['t3'], kind: 'added' } }]));
    await waitFor(() => expect(screen.getAllByTestId('session-turn')).toHaveLength(4));
    expect(api.getTurn).toHaveBeenCalledTimes(4);
  });

  it('marks the turn another view linked to', async () => {
    renderDetail(createFakeApi({ sessions: [makeSession('h:run', turnList)], turns }), 'a1');
    await screen.findAllByTestId('session-turn');
    expect(screen.getAllByTestId('session-turn').filter((t) => t.classList.contains('focused')).map((t) => t.getAttribute('data-id'))).toEqual(['a1']);
  });

  it('catches up on turns that arrived while another view was shown', async () => {
    const api = createFakeApi({ sessions: [makeSession('h:run', turnList.slice(0, 1))], turns });
    const view = renderDetail(api);
    await waitFor(() => expect(screen.getAllByTestId('session-turn')).toHaveLength(1));
    const hidden = (active: boolean) => (
      <ApiProvider api={api}>
        <SessionsDetail id="h:run" active={active} />
      </ApiProvider>
    );
    view.rerender(hidden(false));
    api.sessions[0] = makeSession('h:run', turnList);
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['t2'], kind: 'added' } }]));
    expect(screen.getAllByTestId('session-turn')).toHaveLength(1);
    view.rerender(hidden(true));
    await waitFor(() => expect(screen.getAllByTestId('session-turn')).toHaveLength(4));
  });

  it('says so when the session is gone', async () => {
    renderDetail(createFakeApi());
    expect(await screen.findByText('This session is no longer in the history')).toBeTruthy();
  });
});
