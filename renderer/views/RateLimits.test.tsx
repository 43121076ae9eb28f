import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/dom.js';
import { ApiProvider } from '../api/context.js';
import { createFakeApi, KEY_LIMITS, OAUTH_LIMITS } from '../test/fixtures.js';
import { StatusHeader } from './StatusHeader.js';
import { UsageView } from './UsageView.js';

describe('rate limits in the status header', () => {
  it('shows the most recently used credential, and follows the pushed changes', async () => {
    const api = createFakeApi({ rateLimits: [OAUTH_LIMITS, KEY_LIMITS] });
    render(
      <ApiProvider api={api}>
        <StatusHeader />
      </ApiProvider>,
    );
    const badge = await screen.findByTestId('ratelimit-badge');
    expect(badge.textContent).toBe('OAuth token …9876 5h 86% used · 7d 31% used · +1 more in Usage');
    expect(badge.className).toContain('tone-warn');

    const limited = { ...KEY_LIMITS, updatedAt: OAUTH_LIMITS.updatedAt + 1000, status: 429, headers: { 'anthropic-ratelimit-requests-remaining': '0', 'retry-after': '30' } };
    act(() => api.emit([{ name: 'ratelimit:change', payload: limited }]));
    expect(badge.textContent).toBe('configured key …abcd retry after 30s · requests 0 left · +1 more in Usage');
    expect(badge.className).toContain('tone-error');
  });

  it('shows nothing before any answer carried rate limits', async () => {
    render(
      <ApiProvider api={createFakeApi()}>
        <StatusHeader />
      </ApiProvider>,
    );
    await screen.findByTestId('base-url');
    expect(screen.queryByTestId('ratelimit-badge')).toBeNull();
  });
});

describe('rate limits in the Usage view', () => {
  it('lists every credential with its buckets, unified windows and the rest of the headers', async () => {
    render(
      <ApiProvider api={createFakeApi({ rateLimits: [OAUTH_LIMITS, KEY_LIMITS] })}>
        <UsageView />
      </ApiProvider>,
    );
    const section = await screen.findByTestId('ratelimits');
    const cards = await within(section).findAllByTestId('ratelimit-credential');
    expect(cards.map((c) => c.querySelector('strong')!.textContent)).toEqual(['OAuth token …9876', 'configured key …abcd']);
    const unified = within(cards[0]!).getAllByRole('row').map((r) => r.textContent);
    expect(unified).toEqual(expect.arrayContaining([expect.stringMatching(/^unified 5h86% usedallowed_warning/), expect.stringMatching(/^unified 7d31% usedallowed/), 'unified-representative-claimfive_hour']));
    const key = within(cards[1]!).getAllByRole('row').map((r) => r.textContent);
    expect(key).toEqual(expect.arrayContaining([expect.stringMatching(/^requests3,999 \/ 4,000 \(99\.9% left\)/), expect.stringMatching(/^tokens1,998,000 \/ 2,000,000/)]));
  });

  it('says where the values come from before there are any', async () => {
    render(
      <ApiProvider api={createFakeApi()}>
        <UsageView />
      </ApiProvider>,
    );
    expect((await screen.findByTestId('ratelimits')).textContent).toContain('None seen yet');
  });
});
