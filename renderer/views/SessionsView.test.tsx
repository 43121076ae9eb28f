import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, makeSession, makeTurn, type FakeApi } from '../test/fixtures.js';
import { SessionsView } from './SessionsView.js';

const T0 = Date.parse('2026-03-10T12:00:00Z');

function Harness() {
  const [selected, setSelected] = useState<string | null>(null);
  return <SessionsView selectedId={selected} onSelect={setSelected} />;
}

function renderSessions(api: FakeApi) {
  return render(
    <ApiProvider api={api}>
      <Harness />
    </ApiProvider>,
  );
}

function sessions(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeSession(`h:s${i}`, [makeTurn(`s${i}-a`, { startedAt: T0 + i * 60_000 }), makeTurn(`s${i}-b`, { startedAt: T0 + i * 60_000 + 1000, parentId: `s${i}-a`, usage: { input: 10, output: 50, cacheRead: 900, cacheCreation: 90 } })], {
      title: `Task number ${i}`,
    }),
  );
}

describe('SessionsView', () => {
  it('lists sessions newest first with what each cost and how well it cached', async () => {
    const list = sessions(3);
    list[1] = { ...list[1]!, errors: 2, cwd: '/srv/app' };
    renderSessions(createFakeApi({ sessions: list }));
    const rows = await screen.findAllByTestId('session-row');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(['h:s2', 'h:s1', 'h:s0']);
    const row = rows[1]!.textContent!;
    for (const part of ['Task number 1', 'claude-cli/2.1.197', 'claude-sonnet-4-5-20250929', '/srv/app', '2 turns', '2 errors', '$0.0084']) expect(row).toContain(part);
    // cache read / (input + cache read + cache write) = 900 / (30 + 900 + 1090)
    expect(row).toContain('cache 45%');
  });

  it('searches the turns\' text through listSessions', async () => {
    const api = createFakeApi({ sessions: sessions(3) });
    renderSessions(api);
    await screen.findAllByTestId('session-row');
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'number 1' } });
    await waitFor(() => expect(screen.getAllByTestId('session-row').map((r) => r.getAttribute('data-id'))).toEqual(['h:s1']));
    expect(api.listSessions).toHaveBeenLastCalledWith({ text: 'number 1', cursor: null, limit: 100 });
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'nothing like it' } });
    expect(await screen.findByText('No session matches this search')).toBeTruthy();
  });

  it('moves a session that got a new turn to the top with its new totals, and shows new sessions', async () => {
    const api = createFakeApi({ sessions: sessions(2) });
    renderSessions(api);
    await screen.findAllByTestId('session-row');
    const old = api.sessions[0]!;
    api.sessions[0] = { ...old, lastAt: T0 + 3_600_000, turns: 3 };
    api.sessions.push(makeSession('h:new', [makeTurn('n1', { startedAt: T0 + 1_800_000 })], { title: 'Fresh run' }));
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['x'], kind: 'added' } }]));
    await waitFor(() => expect(screen.getAllByTestId('session-row').map((r) => r.getAttribute('data-id'))).toEqual(['h:s0', 'h:new', 'h:s1']));
    expect(screen.getAllByTestId('session-row')[0]!.textContent).toContain('3 turns');
  });

  it('explains the empty list, and shows a failure with a retry', async () => {
    const api = createFakeApi();
    const real = api.listSessions;
    let fail = true;
    api.listSessions = async (q) => {
      if (fail) throw new Error('database is locked');
      return real(q);
    };
    renderSessions(api);
    expect((await screen.findByRole('alert')).textContent).toContain('database is locked');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No sessions yet')).toBeTruthy();
  });
});
