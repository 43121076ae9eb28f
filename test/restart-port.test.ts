/**
 * Issue 13, item 4: a proxy started on port 0 keeps its port across Stop and Start, since
 * tools were set up with the printed address. Only when another program took the port in
 * between does it move, and then it says so: in the status (UI and tray) and in the log.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trayMenuTemplate, type TrayActions } from '../main/tray.js';
import { startHarness, type Harness } from './harness.js';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const noActions: TrayActions = { startProxy() {}, stopProxy() {}, setModifierEnabled() {}, setLaunchAtLogin() {}, copyBaseUrl() {}, openDashboard() {}, quit() {} };

describe('restarting a proxy started on port 0', () => {
  let h: Harness;
  let warnings: string[];
  beforeEach(async () => {
    h = await startHarness();
    warnings = [];
    h.proxy.events.on('log', (e) => {
      if (e.level === 'warn') warnings.push(e.message);
    });
  });
  afterEach(() => h.close());

  it('keeps its port across stop and start', async () => {
    const first = h.proxy.status();
    await h.proxy.stop();
    const again = await h.proxy.start();
    expect(again.baseUrl).toBe(first.baseUrl);
    expect(again.port).toBe(first.port);
    expect(again.notice ?? null).toBeNull();
    expect(warnings).toEqual([]);
    expect((await fetch(`${again.baseUrl}/v1/models`)).status).toBe(200);
  });

  it('moves to a new port when the old one was taken, and says so', async () => {
    const old = h.proxy.status().port;
    await h.proxy.stop();
    const squatter = await occupy(old);
    try {
      const states: Array<string | null | undefined> = [];
      h.proxy.events.on('state', (s) => states.push(s.notice));
      const moved = await h.proxy.start();
      expect(moved.running).toBe(true);
      expect(moved.port).not.toBe(old);
      expect(moved.notice).toContain(`port ${old} was taken`);
      expect(moved.notice).toContain(`port ${moved.port}`);
      expect(states.at(-1)).toBe(moved.notice);
      expect(warnings.some((w) => w.includes(`port ${old} was taken`))).toBe(true);
      expect((await fetch(`${moved.baseUrl}/v1/models`)).status).toBe(200);
      const menu = trayMenuTemplate({ ...moved, requestsToday: 0, launchAtLogin: false }, noActions);
      expect(menu.find((i) => i.id === 'notice')?.label).toBe(moved.notice);

      // The new port is now the one it keeps; the notice goes with the stop.
      await h.proxy.stop();
      expect(h.proxy.status().notice).toBeNull();
      const again = await h.proxy.start();
      expect(again.port).toBe(moved.port);
      expect(again.notice).toBeNull();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
