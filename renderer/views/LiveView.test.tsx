import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import '../test/dom.js';
import type { ContractEvent } from '../../proxy/contract/operations.js';
import { LiveStore } from '../state/liveStore.js';
import { LiveView } from './LiveView.js';

const start = (id: string, path = '/v1/messages'): ContractEvent => ({
  name: 'request:start',
  payload: { id, startedAt: Date.parse('2026-03-10T12:00:00Z'), method: 'POST', path, dialect: 'anthropic', model: 'claude-sonnet-4-5-20250929', stream: true, modified: true },
});
const finish = (id: string, output = 567): ContractEvent => ({
  name: 'request:finish',
  payload: { id, status: 200, outcome: 'ok', durationMs: 1234, model: 'claude-sonnet-4-5-20250929', stopReason: 'end_turn', usage: { input: 1234, output, cacheRead: 0, cacheCreation: 0 }, error: null },
});

function setup(cap?: number) {
  const store = new LiveStore(cap);
  const onOpen = vi.fn();
  render(<LiveView store={store} onOpen={onOpen} />);
  return { store, onOpen };
}

describe('LiveView', () => {
  it('waits for traffic with an explanation', () => {
    setup();
    expect(screen.getByText('Waiting for requests')).toBeTruthy();
  });

  it('shows a request from start to finish in one row', () => {
    const { store } = setup();
    act(() => store.apply([start('a')]));
    const row = screen.getByTestId('live-row');
    expect(row.textContent).toContain('POST');
    expect(row.textContent).toContain('/v1/messages');
    expect(row.textContent).toContain('claude-sonnet-4-5-20250929');
    expect(row.textContent).toContain('waiting');
    act(() => store.apply([{ name: 'response:start', payload: { id: 'a', status: 200, ttfbMs: 100 } }, finish('a')]));
    expect(screen.getAllByTestId('live-row')).toHaveLength(1);
    expect(row.textContent).toContain('200');
    expect(row.textContent).toContain('1.23 s');
    expect(row.textContent).toContain('567');
    // Cells read as separate words (copying a row, or matching "1.23 s" as a whole).
    expect(row.textContent).toMatch(/\b200 1\.23 s 1\.23k → 567$/);
  });

  it('keeps up with a large burst in one update and renders only what fits', () => {
    const { store } = setup(5000);
    const events: ContractEvent[] = [];
    for (let i = 0; i < 3000; i++) events.push(start(`r${i}`), finish(`r${i}`));
    act(() => store.apply(events));
    const rows = screen.getAllByTestId('live-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByText(/3,000 shown/)).toBeTruthy();
  });

  it('pause freezes the view but keeps counting; resume shows everything', () => {
    const { store } = setup();
    act(() => store.apply([start('a')]));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => store.apply([start('b'), start('c')]));
    expect(screen.getAllByTestId('live-row')).toHaveLength(1);
    expect(screen.getByText('Paused · 2 new')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(screen.getAllByTestId('live-row')).toHaveLength(3);
  });

  it('filters rows', () => {
    const { store } = setup();
    act(() => store.apply([start('a'), start('b', '/v1/models'), start('c', '/v1/messages/count_tokens')]));
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'count_tokens' } });
    expect(screen.getAllByTestId('live-row').map((r) => r.textContent)).toEqual([expect.stringContaining('/v1/messages/count_tokens')]);
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'nothing-like-this' } });
    expect(screen.getByText('No request matches the filter')).toBeTruthy();
  });

  it('opens a row with a click or the keyboard', () => {
    const { store, onOpen } = setup();
    act(() => store.apply([start('a'), start('b')]));
    fireEvent.click(screen.getAllByTestId('live-row')[0]!);
    expect(onOpen).toHaveBeenLastCalledWith('a');
    const second = screen.getAllByTestId('live-row')[1]!;
    act(() => second.focus());
    fireEvent.keyDown(second, { key: 'Enter' });
    expect(onOpen).toHaveBeenLastCalledWith('b');
  });

  it('clears the log', () => {
    const { store } = setup();
    act(() => store.apply([start('a')]));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.queryAllByTestId('live-row')).toHaveLength(0);
  });
});
