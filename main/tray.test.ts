import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createTrayController, requestCountLine, trayIconName, trayMenuTemplate, trayTooltip, type TrayActions, type TrayState } from './tray.js';

const running: TrayState = {
  running: true,
  baseUrl: 'http://127.0.0.1:8000',
  port: 8000,
  lastError: null,
  modifierOn: true,
  requestsToday: 12,
  launchAtLogin: false,
};
const stopped: TrayState = { ...running, running: false, baseUrl: null };

function fakeActions() {
  return {
    startProxy: vi.fn<() => void>(),
    stopProxy: vi.fn<() => void>(),
    setModifierEnabled: vi.fn<(enabled: boolean) => void>(),
    setLaunchAtLogin: vi.fn<(enabled: boolean) => void>(),
    copyBaseUrl: vi.fn<(baseUrl: string) => void>(),
    openDashboard: vi.fn<() => void>(),
    quit: vi.fn<() => void>(),
  } satisfies TrayActions;
}

function item(menu: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = menu.find((m) => m.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
}

function click(entry: MenuItemConstructorOptions): void {
  (entry.click as unknown as () => void)();
}

describe('trayIconName', () => {
  it('picks the running or stopped icon', () => {
    expect(trayIconName(running, 'linux')).toBe('tray-running.png');
    expect(trayIconName(stopped, 'win32')).toBe('tray-stopped.png');
  });

  it('uses template images on macOS', () => {
    expect(trayIconName(running, 'darwin')).toBe('tray-runningTemplate.png');
    expect(trayIconName(stopped, 'darwin')).toBe('tray-stoppedTemplate.png');
  });
});

describe('trayTooltip', () => {
  it("says where the proxy listens, whether text is appended and today's request count", () => {
    expect(trayTooltip(running)).toBe('Addendum: Running on http://127.0.0.1:8000 (appending text), 12 requests today');
    expect(trayTooltip({ ...running, modifierOn: false })).toContain('not appending');
  });

  it('shows why a start failed, and the count while stopped', () => {
    expect(trayTooltip({ ...stopped, lastError: 'port 8000 is in use' })).toBe('Addendum: Stopped: port 8000 is in use, 12 requests today');
    expect(trayTooltip({ ...stopped, requestsToday: 0 })).toBe('Addendum: Stopped, 0 requests today');
  });

  it('counts in the singular for one request', () => {
    expect(requestCountLine(1)).toBe('1 request today');
    expect(requestCountLine(2)).toBe('2 requests today');
  });
});

describe('trayMenuTemplate', () => {
  it('offers Stop while running and Start while stopped', () => {
    const actions = fakeActions();
    const whileRunning = item(trayMenuTemplate(running, actions), 'toggle');
    expect(whileRunning.label).toBe('Stop proxy');
    click(whileRunning);
    expect(actions.stopProxy).toHaveBeenCalledOnce();

    const whileStopped = item(trayMenuTemplate(stopped, actions), 'toggle');
    expect(whileStopped.label).toBe('Start proxy');
    click(whileStopped);
    expect(actions.startProxy).toHaveBeenCalledOnce();
  });

  it('shows the status as a disabled first line', () => {
    const [first] = trayMenuTemplate({ ...stopped, lastError: 'port 8000 is in use' }, fakeActions());
    expect(first).toMatchObject({ id: 'status', label: 'Stopped: port 8000 is in use', enabled: false });
  });

  it('copies the base URL only while running', () => {
    const actions = fakeActions();
    const copy = item(trayMenuTemplate(running, actions), 'copy-base-url');
    expect(copy.enabled).toBe(true);
    click(copy);
    expect(actions.copyBaseUrl).toHaveBeenCalledWith('http://127.0.0.1:8000');

    const disabled = item(trayMenuTemplate(stopped, actions), 'copy-base-url');
    expect(disabled.enabled).toBe(false);
    click(disabled);
    expect(actions.copyBaseUrl).toHaveBeenCalledOnce();
  });

  it('toggles the modifier to the opposite of its current state', () => {
    const actions = fakeActions();
    const on = item(trayMenuTemplate(running, actions), 'modifier');
    expect(on).toMatchObject({ type: 'checkbox', checked: true });
    click(on);
    click(item(trayMenuTemplate({ ...running, modifierOn: false }, actions), 'modifier'));
    expect(actions.setModifierEnabled.mock.calls).toEqual([[false], [true]]);
  });

  it('toggles launch at login, off by default', () => {
    const actions = fakeActions();
    const off = item(trayMenuTemplate(running, actions), 'launch-at-login');
    expect(off).toMatchObject({ type: 'checkbox', checked: false, label: 'Launch at login' });
    click(off);
    click(item(trayMenuTemplate({ ...running, launchAtLogin: true }, actions), 'launch-at-login'));
    expect(actions.setLaunchAtLogin.mock.calls).toEqual([[true], [false]]);
  });

  it('opens the dashboard and quits', () => {
    const actions = fakeActions();
    const menu = trayMenuTemplate(running, actions);
    click(item(menu, 'open'));
    click(item(menu, 'quit'));
    expect(actions.openDashboard).toHaveBeenCalledOnce();
    expect(actions.quit).toHaveBeenCalledOnce();
  });
});

describe('createTrayController', () => {
  function setup(platform: NodeJS.Platform) {
    const trays: FakeTray[] = [];
    class FakeTray {
      image: { path: string; template: boolean };
      tooltip = '';
      menu: unknown = null;
      handlers: Record<string, () => void> = {};
      destroyed = false;
      calls = { setImage: 0, setToolTip: 0, setContextMenu: 0 };
      constructor(image: { path: string; template: boolean }) {
        this.image = image;
        trays.push(this);
      }
      setImage(image: { path: string; template: boolean }) {
        this.image = image;
        this.calls.setImage++;
      }
      setToolTip(text: string) {
        this.tooltip = text;
        this.calls.setToolTip++;
      }
      setContextMenu(menu: unknown) {
        this.menu = menu;
        this.calls.setContextMenu++;
      }
      on(name: string, fn: () => void) {
        this.handlers[name] = fn;
      }
      destroy() {
        this.destroyed = true;
      }
    }
    const actions = fakeActions();
    const controller = createTrayController({
      Tray: FakeTray as never,
      Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) } as never,
      createImage: ((path: string) => {
        const image = { path, template: false, setTemplateImage: (v: boolean) => (image.template = v) };
        return image;
      }) as never,
      assetsDir: '/app/assets',
      platform,
      actions,
    });
    return { trays, actions, controller };
  }

  it('creates one tray and shows icon, tooltip and menu from the state', () => {
    const { trays, controller } = setup('linux');
    controller.updateTray(stopped);
    controller.updateTray(running);
    expect(trays).toHaveLength(1);
    const tray = trays[0]!;
    expect(tray.image.path).toBe('/app/assets/tray-running.png');
    expect(tray.tooltip).toBe(trayTooltip(running));
    const menu = (tray.menu as { template: MenuItemConstructorOptions[] }).template;
    expect(item(menu, 'toggle').label).toBe('Stop proxy');
    expect(controller.snapshot()).toEqual({
      icon: 'tray-running.png',
      tooltip: trayTooltip(running),
      menu: ['Running on http://127.0.0.1:8000', 'Stop proxy', 'Copy ANTHROPIC_BASE_URL', 'Append my text', 'Launch at login', 'Open dashboard', 'Quit Addendum'],
    });
  });

  it('changes only what changed', () => {
    const { trays, controller } = setup('linux');
    controller.updateTray(running);
    const tray = trays[0]!;
    // The constructor set the icon; the first update sets tooltip and menu.
    expect(tray.calls).toEqual({ setImage: 0, setToolTip: 1, setContextMenu: 1 });

    controller.updateTray({ ...running });
    expect(tray.calls).toEqual({ setImage: 0, setToolTip: 1, setContextMenu: 1 });

    // A new request: the tooltip only (a new menu would close one the user has open).
    controller.updateTray({ ...running, requestsToday: 13 });
    expect(tray.calls).toEqual({ setImage: 0, setToolTip: 2, setContextMenu: 1 });
    expect(tray.tooltip).toContain('13 requests today');

    // A menu-only change.
    controller.updateTray({ ...running, requestsToday: 13, launchAtLogin: true });
    expect(tray.calls).toEqual({ setImage: 0, setToolTip: 2, setContextMenu: 2 });
    expect(item((tray.menu as { template: MenuItemConstructorOptions[] }).template, 'launch-at-login').checked).toBe(true);

    // Stopping changes all three.
    controller.updateTray({ ...stopped, requestsToday: 13, launchAtLogin: true });
    expect(tray.calls).toEqual({ setImage: 1, setToolTip: 3, setContextMenu: 3 });
    expect(tray.image.path).toBe('/app/assets/tray-stopped.png');
  });

  it('keeps menu clicks acting on the latest state when the menu is not rebuilt', () => {
    const { trays, actions, controller } = setup('linux');
    controller.updateTray(running);
    controller.updateTray({ ...running, requestsToday: 99 });
    const menu = (trays[0]!.menu as { template: MenuItemConstructorOptions[] }).template;
    click(item(menu, 'modifier'));
    expect(actions.setModifierEnabled).toHaveBeenCalledWith(false);
  });

  it('opens the dashboard on click outside macOS, and uses template images on macOS', () => {
    const linux = setup('linux');
    linux.controller.updateTray(running);
    linux.trays[0]!.handlers.click?.();
    expect(linux.actions.openDashboard).toHaveBeenCalledOnce();

    const mac = setup('darwin');
    mac.controller.updateTray(running);
    expect(mac.trays[0]!.handlers.click).toBeUndefined();
    expect(mac.trays[0]!.image).toEqual(expect.objectContaining({ path: '/app/assets/tray-runningTemplate.png', template: true }));
  });

  it('destroys the tray and can build a new one afterwards', () => {
    const { trays, controller } = setup('win32');
    controller.updateTray(running);
    controller.destroy();
    expect(trays[0]!.destroyed).toBe(true);
    expect(controller.snapshot()).toBeNull();
    controller.updateTray(stopped);
    expect(trays).toHaveLength(2);
  });
});
