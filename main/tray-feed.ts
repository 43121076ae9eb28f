import type { ProxyStatus } from '../proxy/contract/types.js';
import type { TrayState } from './tray.js';

/**
 * Keeps the tray's state from three sources: the proxy's state events, today's request count
 * from the history (re-read whenever a row is written or removed) and the launch-at-login
 * setting. Count queries never pile up under load: while one runs, further changes only ask
 * for one more after it.
 */
export interface TrayFeedDeps {
  status(): ProxyStatus;
  requestsToday(): Promise<number>;
  launchAtLogin(): boolean;
  update(state: TrayState): void;
  onError(err: unknown): void;
}

export interface TrayFeed {
  /** A new proxy status (the 'state' event). */
  status(status: ProxyStatus): void;
  /** The history changed (or the day may have): re-read today's count. */
  countChanged(): void;
  /** The launch-at-login setting changed. */
  launchAtLoginChanged(): void;
  /** Settles when no count query is running or queued (for tests and shutdown). */
  idle(): Promise<void>;
}

export function createTrayFeed(deps: TrayFeedDeps): TrayFeed {
  let status = deps.status();
  let requestsToday = 0;
  let running: Promise<void> | null = null;
  let again = false;

  const push = () => deps.update({ ...status, requestsToday, launchAtLogin: deps.launchAtLogin() });

  const query = async (): Promise<void> => {
    do {
      again = false;
      try {
        requestsToday = await deps.requestsToday();
        push();
      } catch (err) {
        deps.onError(err);
      }
    } while (again);
    running = null;
  };

  push();
  return {
    status(next) {
      status = next;
      push();
    },
    countChanged() {
      if (running) {
        again = true;
        return;
      }
      running = query();
    },
    launchAtLoginChanged: push,
    idle: async () => {
      while (running) await running;
    },
  };
}
