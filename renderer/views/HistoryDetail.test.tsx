import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { installClipboard } from '../test/dom.js';
import { applyModifier } from '../../proxy/modifier/modifier.js';
import type { BodyField } from '../../proxy/contract/operations.js';
import { ApiProvider } from '../api/context.js';
import { SIZE_GATE_BYTES } from '../components/SizeGate.js';
import { createFakeApi, makeRecord, type FakeApi } from '../test/fixtures.js';
import { HistoryDetail } from './HistoryDetail.js';

const KB300 = 'x'.repeat(300 * 1024);
const bigOriginal = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: `Summarize: ${KB300}` }] };
/** A 300 KB prompt, sent and forwarded with the modifier's text appended. */
function bigRequest(id: string) {
  return makeRecord(id, {
    originalBody: JSON.stringify(bigOriginal),
    forwardedBody: JSON.stringify(applyModifier(bigOriginal, ' Answer in French.').body),
  });
}

function renderDetail(api: FakeApi, id: string) {
  render(
    <ApiProvider api={api}>
      <HistoryDetail id={id} onDeleted={() => {}} />
    </ApiProvider>,
  );
  return screen.findByTestId('history-detail');
}

function bodyCalls(api: FakeApi): Array<{ id: string; field: BodyField }> {
  return (api.getHistoryBody as unknown as { mock: { calls: Array<[{ id: string; field: BodyField }]> } }).mock.calls.map((c) => c[0]);
}

const tab = (detail: HTMLElement, name: string) => fireEvent.click(within(detail).getByRole('tab', { name }));

describe('HistoryDetail: large bodies load lazily', () => {
  it('asks the host to leave large bodies out, and fetches one only when Load is pressed', async () => {
    const api = createFakeApi({ records: [bigRequest('big')] });
    const detail = await renderDetail(api, 'big');
    expect(api.getHistoryEntry).toHaveBeenCalledWith({ id: 'big', maxBodyBytes: SIZE_GATE_BYTES });

    // Small bodies (the assembled message, the raw stream) render at once, nothing fetched.
    tab(detail, 'Response');
    expect(within(detail).getByTestId('assembled-message').textContent).toContain('Feuilles dans la tasse');
    fireEvent.click(within(detail).getByRole('button', { name: 'Raw SSE' }));
    expect(detail.textContent).toContain('event: message_start');

    tab(detail, 'Request');
    expect(detail.textContent).toContain('The request body is 300 KB');
    expect(detail.textContent).not.toContain('xxxxxxxxxx');
    expect(bodyCalls(api)).toEqual([]);

    fireEvent.click(within(detail).getByRole('button', { name: 'Load (300 KB)' }));
    await waitFor(() => expect(within(detail).getByRole('region', { name: 'user message 1' }).textContent).toContain('Summarize: xxxx'));
    expect(bodyCalls(api)).toEqual([{ id: 'big', field: 'originalBody' }]);

    // Asked for once: the JSON view shows it without another fetch or another click.
    fireEvent.click(within(detail).getByRole('button', { name: 'JSON' }));
    expect(detail.querySelector('pre.code')?.textContent).toContain('"Summarize: xxxx');
    expect(bodyCalls(api)).toHaveLength(1);
    expect(api.getHistoryEntry).toHaveBeenCalledTimes(1);
  });

  it('loads both bodies for the modifier diff of a large request', async () => {
    const api = createFakeApi({ records: [bigRequest('big')] });
    const detail = await renderDetail(api, 'big');
    tab(detail, 'Forwarded');
    expect(within(detail).queryByTestId('modifier-diff')).toBeNull();
    const load = within(detail).getAllByRole('button', { name: /^Load \(/ })[0]!;
    expect(load.textContent).toBe('Load (600 KB)');
    fireEvent.click(load);
    const diff = await within(detail).findByTestId('modifier-diff');
    expect(diff.querySelector('ins')?.textContent).toBe(' Answer in French.');
    expect(bodyCalls(api).map((c) => c.field).sort()).toEqual(['forwardedBody', 'originalBody']);

    // The forwarded body and the whole-body diff reuse what was fetched.
    expect(detail.querySelector('pre.code:not(.diff)')?.textContent).toContain('Summarize: xxxx');
    fireEvent.click(within(detail).getByRole('button', { name: 'Whole-body diff' }));
    expect(detail.querySelector('pre.diff.code ins')?.textContent).toContain('Answer in French.');
    expect(bodyCalls(api)).toHaveLength(2);
  });

  it('loads a large raw stream on request while the assembled message shows at once', async () => {
    const sse = `event: ping\ndata: {"type":"ping"}\n\n`.repeat(8000);
    const api = createFakeApi({ records: [makeRecord('s', { responseBody: sse })] });
    const detail = await renderDetail(api, 's');
    tab(detail, 'Response');
    expect(within(detail).getByTestId('assembled-message')).toBeTruthy();
    fireEvent.click(within(detail).getByRole('button', { name: 'Raw SSE' }));
    expect(detail.textContent).not.toContain('event: ping');
    fireEvent.click(within(detail).getByRole('button', { name: /^Load \(\d+ KB\)$/ }));
    await waitFor(() => expect(detail.querySelector('pre.code')?.textContent).toBe(sse));
    expect(bodyCalls(api)).toEqual([{ id: 's', field: 'responseBody' }]);
  });

  it('copies full content, fetching the bodies left out first', async () => {
    const writes = installClipboard();
    const record = bigRequest('big');
    const api = createFakeApi({ records: [record] });
    const detail = await renderDetail(api, 'big');
    fireEvent.click(within(detail).getByRole('button', { name: 'Copy as curl' }));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]).toContain('Summarize: xxxx');
    expect(writes[0]).toContain('Answer in French.');
    expect(bodyCalls(api)).toEqual([{ id: 'big', field: 'forwardedBody' }]);

    fireEvent.click(within(detail).getByRole('button', { name: 'Copy JSON' }));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(JSON.parse(writes[1]!)).toEqual(record);
    expect(bodyCalls(api).map((c) => c.field).sort()).toEqual(['forwardedBody', 'originalBody']);

    // Fetched for a copy is not asked to be seen: the view still waits for a click.
    tab(detail, 'Request');
    expect(detail.textContent).not.toContain('xxxxxxxxxx');
    fireEvent.click(within(detail).getByRole('button', { name: 'Show' }));
    expect(detail.textContent).toContain('xxxxxxxxxx');
    expect(bodyCalls(api)).toHaveLength(2);
  });

  it('reports a failed load and loads on retry', async () => {
    const api = createFakeApi({ records: [bigRequest('big')] });
    const real = api.getHistoryBody;
    let fail = true;
    api.getHistoryBody = async (arg) => {
      if (fail) throw new Error('database is locked');
      return real(arg);
    };
    const detail = await renderDetail(api, 'big');
    tab(detail, 'Request');
    fireEvent.click(within(detail).getByRole('button', { name: 'Load (300 KB)' }));
    expect((await within(detail).findByRole('alert')).textContent).toContain('database is locked');
    fail = false;
    fireEvent.click(within(detail).getByRole('button', { name: 'Load (300 KB)' }));
    await waitFor(() => expect(detail.textContent).toContain('Summarize: xxxx'));
  });

  it('says so when the exchange was deleted before its body was loaded', async () => {
    const api = createFakeApi({ records: [bigRequest('big')] });
    const detail = await renderDetail(api, 'big');
    api.records = [];
    tab(detail, 'Request');
    fireEvent.click(within(detail).getByRole('button', { name: 'Load (300 KB)' }));
    expect(await within(detail).findByText(/no longer stored/)).toBeTruthy();
  });
});
