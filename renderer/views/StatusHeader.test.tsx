import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi } from '../test/fixtures.js';
import { StatusHeader } from './StatusHeader.js';

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
});
