import { describe, expect, it, vi } from 'vitest';
import type { ProxyStatus } from '../proxy/contract/types.js';
import { createTrayFeed } from './tray-feed.js';
import type { TrayState } from './tray.js';
import { STATUS } from '../test/control-fixtures.js';

const status: ProxyStatus = STATUS;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup() {
  const queries: Array<ReturnType<typeof deferred<number>>> = [];
  const states: TrayState[] = [];
  let launchAtLogin = false;
  const onError = vi.fn();
  const feed = createTrayFeed({
    status: () => status,
    requestsToday: () => {
      const q = deferred<number>();
      queries.push(q);
      return q.promise;
    },
    launchAtLogin: () => launchAtLogin,
    update: (state) => states.push(state),
    onError,
  });
  return { feed, queries, states, onError, setLaunchAtLogin: (v: boolean) => (launchAtLogin = v) };
}

describe('createTrayFeed', () => {
  it('shows the status at once, with no count yet and launch at login from the setting', () => {
    const { states } = setup();
    expect(states).toEqual([{ ...status, requestsToday: 0, launchAtLogin: false }]);
  });

  it('follows status events and the count, each keeping the other', async () => {
    const { feed, queries, states } = setup();
    feed.countChanged();
    queries[0]!.resolve(5);
    await feed.idle();
    feed.status({ ...status, running: false, baseUrl: null });
    expect(states.at(-2)).toMatchObject({ running: true, requestsToday: 5 });
    expect(states.at(-1)).toMatchObject({ running: false, requestsToday: 5 });
  });

  it('runs one count query at a time, and one more for any changes meanwhile', async () => {
    const { feed, queries, states } = setup();
    feed.countChanged();
    feed.countChanged();
    feed.countChanged();
    expect(queries).toHaveLength(1);
    queries[0]!.resolve(1);
    await vi.waitFor(() => expect(queries).toHaveLength(2));
    queries[1]!.resolve(3);
    await feed.idle();
    expect(queries).toHaveLength(2);
    expect(states.at(-1)?.requestsToday).toBe(3);
  });

  it('reports a failed count query and keeps the last count', async () => {
    const { feed, queries, states, onError } = setup();
    feed.countChanged();
    queries[0]!.resolve(4);
    await feed.idle();
    feed.countChanged();
    queries[1]!.reject(new Error('history closed'));
    await feed.idle();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'history closed' }));
    feed.status(status);
    expect(states.at(-1)?.requestsToday).toBe(4);
  });

  it('re-reads launch at login when told it changed', () => {
    const { feed, states, setLaunchAtLogin } = setup();
    setLaunchAtLogin(true);
    feed.launchAtLoginChanged();
    expect(states.at(-1)?.launchAtLogin).toBe(true);
  });
});
