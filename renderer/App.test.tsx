import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import './test/dom.js';
import { installClipboard } from './test/dom.js';
import type { AddendumClient } from './api/client.js';
import { ApiError } from './api/errors.js';
import { App, TOKEN_HELP } from './App.js';
import { createFakeApi, makeRecord, makeSession, makeTurn, type FakeApi } from './test/fixtures.js';

function asClient(api: FakeApi, authorized = true): AddendumClient & FakeApi {
  const listeners = new Set<() => void>();
  return Object.assign(api, {
    transport: 'http' as const,
    isAuthorized: () => authorized,
    onUnauthorized: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  });
}

describe('App', () => {
  it('without a token shows only how to get in', () => {
    const api = createFakeApi();
    render(<App client={asClient(api, false)} />);
    expect(screen.getByText(TOKEN_HELP)).toBeTruthy();
    expect(TOKEN_HELP).toContain('Open the link printed by `npm run serve`');
    expect(screen.queryAllByRole('tab')).toHaveLength(0);
    expect(screen.queryByTestId('proxy-status')).toBeNull();
    expect(api.getStatus).not.toHaveBeenCalled();
  });

  it('shows the same message when the server refuses the token', async () => {
    const api = createFakeApi();
    api.getStatus = async () => {
      throw new ApiError('UNAUTHORIZED', 'bad token', 401);
    };
    render(<App client={asClient(api)} />);
    expect(await screen.findByText(TOKEN_HELP)).toBeTruthy();
    expect(screen.queryAllByRole('tab')).toHaveLength(0);
  });

  it('offers a retry when the server cannot be reached', async () => {
    const api = createFakeApi();
    const realStatus = api.getStatus;
    let fail = true;
    api.getStatus = async () => {
      if (fail) throw new ApiError('NETWORK', 'Cannot reach the Addendum dashboard server.');
      return realStatus();
    };
    render(<App client={asClient(api)} />);
    expect(await screen.findByText('Cannot reach Addendum')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('tab', { name: 'Live' })).toBeTruthy();
  });

  it('renders the header and the six views as keyboard tabs, opening on Live while there is no session', async () => {
    const api = createFakeApi({ stats: { totals: { requests: 3, errors: 0, usage: { input: 1, output: 1, cacheRead: 0, cacheCreation: 0 } }, rows: [] } });
    render(<App client={asClient(api)} />);
    const live = await screen.findByRole('tab', { name: 'Live' });
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Sessions', 'Live', 'History', 'Usage', 'Modifier', 'Settings']);
    expect(live.getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(screen.getByTestId('proxy-status').textContent).toContain('Running'));
    expect(screen.getByTestId('base-url').textContent).toBe('http://127.0.0.1:8000');
    await waitFor(() => expect(screen.getByTestId('requests-today').textContent).toContain('3 requests today'));

    fireEvent.keyDown(live, { key: 'ArrowRight' });
    const history = screen.getByRole('tab', { name: 'History' });
    expect(history.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(history);
    fireEvent.keyDown(history, { key: 'End' });
    expect(screen.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByTestId('api-key-state')).toBeTruthy();
  });

  it('starts and stops the proxy, following state events', async () => {
    const api = createFakeApi();
    render(<App client={asClient(api)} />);
    const stop = await screen.findByRole('button', { name: 'Stop proxy' });
    fireEvent.click(stop);
    await waitFor(() => expect(screen.getByTestId('proxy-status').textContent).toContain('Stopped'));
    expect(api.stopProxy).toHaveBeenCalled();
    // Still shows where clients should point, for copying ahead of a start.
    expect(screen.getByTestId('base-url').textContent).toBe('http://127.0.0.1:8000');

    act(() => api.emit([{ name: 'state', payload: { ...api.status, running: false, lastError: 'port 8000 is in use' } }]));
    expect(screen.getByRole('alert').textContent).toContain('port 8000 is in use');

    fireEvent.click(screen.getByRole('button', { name: 'Start proxy' }));
    await waitFor(() => expect(screen.getByTestId('proxy-status').textContent).toContain('Running'));
  });

  it('copies ANTHROPIC_BASE_URL in one click', async () => {
    const writes = installClipboard();
    const api = createFakeApi();
    render(<App client={asClient(api)} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy ANTHROPIC_BASE_URL' }));
    await waitFor(() => expect(writes).toEqual(['ANTHROPIC_BASE_URL=http://127.0.0.1:8000']));
  });

  it('refreshes the requests-today count when history changes', async () => {
    const api = createFakeApi();
    render(<App client={asClient(api)} />);
    await waitFor(() => expect(screen.getByTestId('requests-today').textContent).toContain('0 requests today'));
    api.stats = { totals: { requests: 1, errors: 0, usage: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 } }, rows: [] };
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['a'], kind: 'added' } }]));
    await waitFor(() => expect(screen.getByTestId('requests-today').textContent).toContain('1 request today'));
  });

  it('fills the live log with recent history when it opens', async () => {
    const api = createFakeApi({ records: [makeRecord('old-1', { startedAt: 1000 }), makeRecord('old-2', { startedAt: 2000, status: 429, outcome: 'upstream_error' })] });
    render(<App client={asClient(api)} />);
    await waitFor(() => expect(screen.getAllByTestId('live-row')).toHaveLength(2));
    const rows = screen.getAllByTestId('live-row');
    expect(rows[0]!.textContent).toContain('200');
    expect(rows[1]!.textContent).toContain('429');
  });

  it('opens a live row in History', async () => {
    const record = makeRecord('0001');
    const api = createFakeApi({ records: [record] });
    render(<App client={asClient(api)} />);
    await screen.findByRole('tab', { name: 'Live' });
    act(() =>
      api.emit([
        { name: 'request:start', payload: { id: '0001', startedAt: record.startedAt, method: 'POST', path: '/v1/messages', dialect: 'anthropic', model: record.model, stream: true, modified: true } },
      ]),
    );
    fireEvent.click(await screen.findByTestId('live-row'));
    expect(screen.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
    const detail = await screen.findByTestId('history-detail');
    expect(within(detail).getByText('/v1/messages')).toBeTruthy();
  });

  it('opens on Sessions once a session exists, and links a turn to its exchange in History, filtered to the session', async () => {
    const records = [makeRecord('t1', { startedAt: 1000 }), makeRecord('t2', { startedAt: 2000 }), makeRecord('elsewhere', { startedAt: 3000 })];
    const session = makeSession('h:run-1', [makeTurn('t1', { startedAt: 1000 }), makeTurn('t2', { startedAt: 2000, parentId: 't1' })]);
    const turns = Object.fromEntries(['t1', 't2'].map((id) => [id, { exchangeId: id, sessionId: 'h:run-1', fromMessage: 0, messages: [JSON.stringify({ role: 'user', content: `prompt of ${id}` })], answer: null }]));
    const api = createFakeApi({ records, sessions: [session], turns });
    render(<App client={asClient(api)} />);
    const tab = await screen.findByRole('tab', { name: 'Sessions' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    fireEvent.click(await screen.findByTestId('session-row'));
    const second = (await screen.findAllByTestId('session-turn')).find((t) => t.getAttribute('data-id') === 't2')!;
    fireEvent.click(within(second).getByRole('button', { name: 'Open in History' }));
    expect(screen.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-id'))).toEqual(['t2', 't1']));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Session filter' }).textContent).toContain('Explain what a proxy is in one line.'));
    expect(await screen.findByTestId('history-detail')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear session filter' }));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
  });

  it("follows an exchange's session link from History to its turn in Sessions", async () => {
    const records = [makeRecord('t1', { startedAt: 1000, session: 'h:run-1' }), makeRecord('t2', { startedAt: 2000, session: 'h:run-1' })];
    const session = makeSession('h:run-1', [makeTurn('t1', { startedAt: 1000 }), makeTurn('t2', { startedAt: 2000, parentId: 't1' })]);
    const turns = Object.fromEntries(['t1', 't2'].map((id) => [id, { exchangeId: id, sessionId: 'h:run-1', fromMessage: 0, messages: [JSON.stringify({ role: 'user', content: `prompt of ${id}` })], answer: null }]));
    const api = createFakeApi({ records, sessions: [session], turns });
    render(<App client={asClient(api)} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'History' }));
    fireEvent.click((await screen.findAllByTestId('history-row')).find((r) => r.getAttribute('data-id') === 't2')!);
    const link = await screen.findByTestId('session-link');
    await waitFor(() => expect(link.textContent).toContain('turn 2 of 2'));
    fireEvent.click(link);
    expect(screen.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected')).toBe('true');
    const turn = (await screen.findAllByTestId('session-turn')).find((t) => t.getAttribute('data-id') === 't2')!;
    await waitFor(() => expect(turn.classList.contains('focused')).toBe(true));
  });
});
