import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import type { HistoryStats } from '../../proxy/contract/types.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, type FakeApi } from '../test/fixtures.js';
import { UsageView } from './UsageView.js';

const today = new Date().toISOString().slice(0, 10);
const stats: HistoryStats = {
  totals: { requests: 3, errors: 1, usage: { input: 1000, output: 500, cacheRead: 3000, cacheCreation: 0 } },
  rows: [
    { day: today, model: 'claude-sonnet-4-5-20250929', requests: 2, errors: 1, usage: { input: 600, output: 300, cacheRead: 3000, cacheCreation: 0 } },
    { day: today, model: 'mystery-model', requests: 1, errors: 0, usage: { input: 400, output: 200, cacheRead: 0, cacheCreation: 0 } },
  ],
};

function renderUsage(api: FakeApi) {
  return render(
    <ApiProvider api={api}>
      <UsageView />
    </ApiProvider>,
  );
}

describe('UsageView', () => {
  it('shows totals, the cache hit ratio, two charts and a per-model table', async () => {
    const api = createFakeApi({ stats });
    renderUsage(api);
    const totals = await screen.findByTestId('usage-totals');
    expect(totals.textContent).toContain('Requests3');
    expect(totals.textContent).toContain('1 error');
    expect(totals.textContent).toContain('1 request not priced');
    expect(screen.getByTestId('cache-hit-ratio').textContent).toContain('75.0%');
    const charts = screen.getAllByTestId('usage-chart');
    expect(charts).toHaveLength(2);
    // Without canvas the chart data is shown as a table: 30 days, today last.
    const tokenRows = within(charts[0]!).getAllByRole('row');
    expect(tokenRows).toHaveLength(31);
    expect(tokenRows.at(-1)!.textContent).toContain(today);
    expect(tokenRows.at(-1)!.textContent).toContain('1k');
    const modelRows = screen.getAllByRole('row').filter((r) => r.textContent?.includes('claude-sonnet') || r.textContent?.includes('mystery'));
    expect(modelRows.map((r) => r.querySelector('th')?.textContent)).toEqual(['claude-sonnet-4-5-20250929', 'mystery-model']);
    expect(modelRows[1]!.textContent).toContain('—');
    expect(api.getStats).toHaveBeenCalledWith({ days: 30 });
  });

  it('changes the range', async () => {
    const api = createFakeApi({ stats });
    renderUsage(api);
    await screen.findByTestId('usage-totals');
    fireEvent.change(screen.getByLabelText('Range'), { target: { value: '7' } });
    await waitFor(() => expect(api.getStats).toHaveBeenLastCalledWith({ days: 7 }));
    await waitFor(() => expect(within(screen.getAllByTestId('usage-chart')[0]!).getAllByRole('row')).toHaveLength(8));
  });

  it('has an empty state and an error state', async () => {
    const api = createFakeApi();
    renderUsage(api);
    expect(await screen.findByText(/No requests in this range yet/)).toBeTruthy();
    expect(screen.getByTestId('cache-hit-ratio').textContent).toContain('—');

    const failing = createFakeApi();
    failing.getStats = async () => {
      throw new Error('stats unavailable');
    };
    renderUsage(failing);
    expect((await screen.findByRole('alert')).textContent).toContain('stats unavailable');
  });
});
