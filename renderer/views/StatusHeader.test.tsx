import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi } from '../test/fixtures.js';
import { migrationText, StatusHeader } from './StatusHeader.js';

describe('StatusHeader', () => {
  it('shows the proxy notice when its port changed on restart', async () => {
    const notice = 'port 8000 was taken while the proxy was stopped, so it now listens on port 8001; point your tools at the new address';
    const api = createFakeApi({ status: { notice, port: 8001, baseUrl: 'http://127.0.0.1:8001' } });
    render(
      <ApiProvider api={api}>
        <StatusHeader />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('proxy-notice')).textContent).toBe(notice);
  });

  it('shows no notice otherwise', async () => {
    render(
      <ApiProvider api={createFakeApi()}>
        <StatusHeader />
      </ApiProvider>,
    );
    await screen.findByTestId('base-url');
    expect(screen.queryByTestId('proxy-notice')).toBeNull();
  });

  it('shows the history conversion while it runs, from the status and its state events', async () => {
    const api = createFakeApi({ status: { migration: { state: 'converting', rowsDone: 500, rowsTotal: 12000, bytesFreed: 0 } } });
    render(
      <ApiProvider api={api}>
        <StatusHeader />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('history-migration')).textContent).toBe('Converting the history to the new format: 500 of 12,000 exchanges done.');
    act(() => api.emit([{ name: 'state', payload: { ...api.status, migration: { state: 'done', rowsDone: 12000, rowsTotal: 12000, bytesFreed: 1 << 20 } } }]));
    expect(screen.queryByTestId('history-migration')).toBeNull();
  });

  it('words each conversion state', () => {
    expect(migrationText(null)).toBeNull();
    const base = { running: true, baseUrl: null, host: '127.0.0.1', port: 8000, upstreamUrl: 'u', modifierOn: false, startedAt: null, lastError: null };
    expect(migrationText(base)).toBeNull();
    expect(migrationText({ ...base, migration: { state: 'compacting', rowsDone: 3, rowsTotal: 3, bytesFreed: 0 } })).toBe('History converted (3 exchanges); compacting the file.');
    expect(migrationText({ ...base, migration: { state: 'idle', rowsDone: 0, rowsTotal: 0, bytesFreed: 0 } })).toBeNull();
  });
});
