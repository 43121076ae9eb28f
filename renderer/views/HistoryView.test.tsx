import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import '../test/dom.js';
import { installClipboard } from '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, makeRecord, makeSession, makeTurn, SECRET_KEY, type FakeApi } from '../test/fixtures.js';
import { HistoryView } from './HistoryView.js';

function records(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeRecord(`id-${String(i).padStart(4, '0')}`, { startedAt: Date.parse('2026-03-10T12:00:00Z') + i * 1000, path: i % 2 ? '/v1/messages/count_tokens' : '/v1/messages' }),
  );
}

function Harness({ initial = null, session: initialSession = null }: { initial?: string | null; session?: string | null }) {
  const [selected, setSelected] = useState<string | null>(initial);
  const [session, setSession] = useState<string | null>(initialSession);
  return <HistoryView selectedId={selected} onSelect={setSelected} session={session} onClearSession={() => setSession(null)} />;
}

function renderHistory(api: FakeApi, initial: string | null = null, session: string | null = null) {
  return render(
    <ApiProvider api={api}>
      <Harness initial={initial} session={session} />
    </ApiProvider>,
  );
}

describe('HistoryView', () => {
  it('lists exchanges newest first with their ids', async () => {
    renderHistory(createFakeApi({ records: records(3) }));
    const rows = await screen.findAllByTestId('history-row');
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(['id-0002', 'id-0001', 'id-0000']);
    expect(rows[0]!.textContent).toContain('/v1/messages');
    expect(rows[0]!.textContent).toContain('claude-sonnet-4-5-20250929');
    expect(rows[0]!.textContent).toContain('200');
  });

  it('shows an empty state, and an error with a retry', async () => {
    const api = createFakeApi();
    renderHistory(api);
    expect(await screen.findByText('No history yet')).toBeTruthy();
  });

  it('shows an error with a retry when listing fails', async () => {
    const api = createFakeApi({ records: records(1) });
    const real = api.listHistory;
    let fail = true;
    api.listHistory = async (q) => {
      if (fail) throw new Error('database is locked');
      return real(q);
    };
    renderHistory(api);
    expect((await screen.findByRole('alert')).textContent).toContain('database is locked');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('history-row')).toBeTruthy();
  });

  it('opens the detail with the modifier diff and the assembled stream', async () => {
    renderHistory(createFakeApi({ records: records(2) }));
    fireEvent.click((await screen.findAllByTestId('history-row'))[0]!);
    const detail = await screen.findByTestId('history-detail');
    expect(within(detail).getByText('Estimated cost')).toBeTruthy();
    expect(detail.textContent).toContain('claude-sonnet-4-5-20250929');

    fireEvent.click(within(detail).getByRole('tab', { name: 'Forwarded' }));
    const diff = within(detail).getByTestId('modifier-diff');
    expect(diff.querySelector('ins')?.textContent).toBe(' Answer in French.');
    expect(diff.textContent).toBe('Write a haiku about tea. Answer in French.');

    fireEvent.click(within(detail).getByRole('tab', { name: 'Response' }));
    const message = within(detail).getByTestId('assembled-message');
    expect(message.textContent).toContain('Feuilles dans la tasse');
    expect(message.textContent).toContain('save_poem');
    expect(within(message).getByText('Thinking')).toBeTruthy();

    fireEvent.click(within(detail).getByRole('button', { name: 'Raw SSE' }));
    expect(detail.textContent).toContain('event: message_start');

    fireEvent.click(within(detail).getByRole('tab', { name: 'Request' }));
    expect(within(detail).getByRole('region', { name: 'user message 1' }).textContent).toContain('Write a haiku about tea.');

    fireEvent.click(within(detail).getByRole('tab', { name: 'Headers' }));
    expect(detail.textContent).toContain('anthropic-version');
    expect(detail.textContent).toContain('request-id');
  });

  it('moves with the arrow keys and opens with Enter', async () => {
    renderHistory(createFakeApi({ records: records(3) }));
    const rows = await screen.findAllByTestId('history-row');
    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.getAttribute('data-id')).toBe('id-0001'));
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    const detail = await screen.findByTestId('history-detail');
    await waitFor(() => expect(screen.getAllByTestId('history-row')[1]!.getAttribute('aria-selected')).toBe('true'));
    expect(detail).toBeTruthy();
  });

  it('loads the first page once and keeps it while nothing changes', async () => {
    const api = createFakeApi({ records: records(3) });
    renderHistory(api);
    await screen.findAllByTestId('history-row');
    // Well past the filters' debounce: an unchanged filter must not reload the list.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.listHistory).toHaveBeenCalledTimes(1);
  });

  it('loads further pages as the list scrolls', async () => {
    const api = createFakeApi({ records: records(250) });
    renderHistory(api);
    await screen.findAllByTestId('history-row');
    // 600px of viewport shows the first rows; the last page is fetched once scrolled near.
    const scroller = screen.getByRole('listbox', { name: 'History' });
    for (let i = 0; i < 4; i++) {
      act(() => {
        scroller.scrollTop = 250 * 58;
        fireEvent.scroll(scroller);
      });
      await waitFor(() => expect(api.listHistory).toHaveBeenCalledTimes(Math.min(3, 2 + i)));
    }
    const cursors = (api.listHistory as unknown as { mock: { calls: Array<[{ cursor: string | null }]> } }).mock.calls.map((c) => c[0].cursor);
    expect(cursors).toEqual([null, '100', '200']);
    expect(screen.getByText('250 exchanges')).toBeTruthy();
  });

  it('sends the filters to the server', async () => {
    const api = createFakeApi({ records: records(4) });
    renderHistory(api);
    await screen.findAllByTestId('history-row');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '4xx' } });
    expect(await screen.findByText('No exchange matches these filters')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/v1/messages/count' } });
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'claude-sonnet-4-5-20250929' } });
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'haiku' } });
    await waitFor(() =>
      expect(api.listHistory).toHaveBeenLastCalledWith({ model: 'claude-sonnet-4-5-20250929', statusClass: null, path: '/v1/messages/count', text: 'haiku', session: null, cursor: null, limit: 100 }),
    );
  });

  it('keeps to one session when given one, shows that filter and clears it', async () => {
    const api = createFakeApi({ records: records(3), sessions: [makeSession('h:run-1', [makeTurn('id-0001')])] });
    renderHistory(api, 'id-0001', 'h:run-1');
    await waitFor(() => expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-id'))).toEqual(['id-0001']));
    expect(api.listHistory).toHaveBeenLastCalledWith(expect.objectContaining({ session: 'h:run-1' }));
    const chip = screen.getByRole('status', { name: 'Session filter' });
    await waitFor(() => expect(chip.textContent).toContain('Explain what a proxy is in one line.'));
    expect(api.getSession).toHaveBeenCalledWith({ id: 'h:run-1' });
    expect(screen.getAllByTestId('history-row')[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Clear session filter' }));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
    expect(screen.queryByRole('status', { name: 'Session filter' })).toBeNull();
  });

  it('names the session filter by its id while the session loads, and when it is not known', async () => {
    const session = makeSession('h:run-1', [makeTurn('id-0000')]);
    const api = createFakeApi({ records: records(1), sessions: [session] });
    let release = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    vi.mocked(api.getSession).mockImplementationOnce(async () => {
      await answered;
      return session;
    });
    renderHistory(api, null, 'h:run-1');
    const chip = screen.getByRole('status', { name: 'Session filter' });
    expect(chip.textContent).toContain('h:run-1');
    expect(chip.textContent).not.toContain('Explain what a proxy is');
    await act(async () => release());
    await waitFor(() => expect(chip.textContent).toContain('Explain what a proxy is in one line.'));
    cleanup();

    renderHistory(api, null, 'h:gone');
    await waitFor(() => expect(api.getSession).toHaveBeenLastCalledWith({ id: 'h:gone' }));
    await act(async () => {});
    const gone = screen.getByRole('status', { name: 'Session filter' });
    expect(gone.textContent).toContain('h:gone');
    expect(gone.querySelector('.filter-chip-title')).toBeNull();
  });

  it('adds new exchanges at the top and drops deleted ones', async () => {
    const api = createFakeApi({ records: records(1) });
    renderHistory(api);
    await screen.findAllByTestId('history-row');
    api.records.push(makeRecord('id-9999', { startedAt: Date.parse('2026-03-11T00:00:00Z') }));
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['id-9999'], kind: 'added' } }]));
    await waitFor(() => expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-id'))).toEqual(['id-9999', 'id-0000']));
    act(() => api.emit([{ name: 'history:change', payload: { ids: ['id-0000'], kind: 'deleted' } }]));
    expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-id'))).toEqual(['id-9999']);
    act(() => api.emit([{ name: 'history:change', payload: { ids: [], kind: 'cleared' } }]));
    expect(screen.queryAllByTestId('history-row')).toHaveLength(0);
  });

  it('asks once before deleting, and Cancel keeps the exchange', async () => {
    const api = createFakeApi({ records: records(2) });
    renderHistory(api, 'id-0001');
    const detail = await screen.findByTestId('history-detail');
    fireEvent.click(await within(detail).findByRole('button', { name: 'Delete' }));
    expect(api.deleteHistoryEntry).not.toHaveBeenCalled();
    const confirm = within(detail).getByRole('group', { name: 'Confirm delete' });
    expect(confirm.textContent).toContain('cannot be undone');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(within(detail).queryByRole('group', { name: 'Confirm delete' })).toBeNull();
    expect(api.deleteHistoryEntry).not.toHaveBeenCalled();
    expect(screen.getByTestId('history-detail')).toBeTruthy();
  });

  it('deletes the open exchange once confirmed', async () => {
    const api = createFakeApi({ records: records(2) });
    renderHistory(api, 'id-0001');
    const detail = await screen.findByTestId('history-detail');
    fireEvent.click(await within(detail).findByRole('button', { name: 'Delete' }));
    fireEvent.click(within(detail).getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(screen.queryByTestId('history-detail')).toBeNull());
    expect(api.deleteHistoryEntry).toHaveBeenCalledWith({ id: 'id-0001' });
    expect(api.records.map((r) => r.id)).toEqual(['id-0000']);
    expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-id'))).toEqual(['id-0000']);
  });

  it('copies a curl command that carries no key', async () => {
    const writes = installClipboard();
    renderHistory(createFakeApi({ records: [makeRecord('a', { requestHeaders: { 'x-api-key': SECRET_KEY, 'anthropic-version': '2023-06-01' } })] }), 'a');
    const detail = await screen.findByTestId('history-detail');
    fireEvent.click(within(detail).getByRole('button', { name: 'Copy as curl' }));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]).toContain("curl -N -X POST 'https://api.anthropic.com/v1/messages'");
    expect(writes[0]).toContain('$ANTHROPIC_API_KEY');
    expect(writes[0]).not.toContain(SECRET_KEY);
    expect(writes[0]).toContain('Answer in French.');
    fireEvent.click(within(detail).getByRole('button', { name: 'Copy JSON' }));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(JSON.parse(writes[1]!)).toMatchObject({ id: 'a' });
  });

  it('keeps large bodies behind a size gate', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(300 * 1024) }] });
    renderHistory(createFakeApi({ records: [makeRecord('big', { originalBody: big })] }), 'big');
    const detail = await screen.findByTestId('history-detail');
    fireEvent.click(within(detail).getByRole('tab', { name: 'Request' }));
    expect(detail.textContent).toContain('The request body is 300 KB');
    expect(detail.textContent).not.toContain('xxxxxxxxxx');
    fireEvent.click(within(detail).getByRole('button', { name: 'Load (300 KB)' }));
    await waitFor(() => expect(detail.textContent).toContain('xxxxxxxxxx'));
  });

  it('says so when an opened exchange no longer exists', async () => {
    renderHistory(createFakeApi({ records: records(1) }), 'missing');
    expect(await screen.findByText('This exchange is gone')).toBeTruthy();
  });

  it('exports the current filter as JSON Lines', async () => {
    const api = createFakeApi({ records: records(3) });
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    const origCreate = URL.createObjectURL;
    const origClick = HTMLAnchorElement.prototype.click;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return 'blob:test';
    };
    // jsdom cannot navigate; record the download the browser would start instead.
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    };
    try {
      renderHistory(api);
      await screen.findAllByTestId('history-row');
      fireEvent.click(screen.getByRole('button', { name: 'Export JSONL' }));
      await waitFor(() => expect(blobs).toHaveLength(1));
      const lines = (await blobs[0]!.text()).trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['id-0002', 'id-0001', 'id-0000']);
      expect(JSON.parse(lines[0]!)).toHaveProperty('forwardedBody');
      expect(downloads[0]).toMatch(/^addendum-history-.*\.jsonl$/);
    } finally {
      URL.createObjectURL = origCreate;
      HTMLAnchorElement.prototype.click = origClick;
    }
  });
});
