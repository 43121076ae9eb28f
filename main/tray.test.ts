import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createTrayController, trayIconName, trayMenuTemplate, trayTooltip, type TrayActions, type TrayStatus } from './tray.js';

const running: TrayStatus = {
  running: true,
  baseUrl: 'http://127.0.0.1:8000',
  port: 8000,
  lastError: null,
  modifierOn: true,
};
const stopped: TrayStatus = { ...running, running: false, baseUrl: null };

function fakeActions() {
  return {
    startProxy: vi.fn<() => void>(),
    stopProxy: vi.fn<() => void>(),
    setModifierEnabled: vi.fn<(enabled: boolean) => void>(),
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
  it('says where the proxy listens and whether text is appended', () => {
    expect(trayTooltip(running)).toBe('Addendum: Running on http://127.0.0.1:8000 (appending text)');
    expect(trayTooltip({ ...running, modifierOn: false })).toContain('not appending');
  });

  it('shows why a start failed', () => {
    expect(trayTooltip({ ...stopped, lastError: 'port 8000 is in use' })).toBe('Addendum: Stopped: port 8000 is in use');
    expect(trayTooltip(stopped)).toBe('Addendum: Stopped');
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
      setImageCalls = 0;
      constructor(image: { path: string; template: boolean }) {
        this.image = image;
        trays.push(this);
      }
      setImage(image: { path: string; template: boolean }) {
        this.image = image;
        this.setImageCalls++;
      }
      setToolTip(text: string) {
        this.tooltip = text;
      }
      setContextMenu(menu: unknown) {
        this.menu = menu;
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

  it('creates one tray and recomputes icon, tooltip and menu on every update', () => {
    const { trays, controller } = setup('linux');
    controller.updateTray(stopped);
    controller.updateTray(running);
    controller.updateTray(running);
    expect(trays).toHaveLength(1);
    const tray = trays[0]!;
    expect(tray.image.path).toBe('/app/assets/tray-running.png');
    // The same icon is not set again.
    expect(tray.setImageCalls).toBe(1);
    expect(tray.tooltip).toBe(trayTooltip(running));
    const menu = (tray.menu as { template: MenuItemConstructorOptions[] }).template;
    expect(item(menu, 'toggle').label).toBe('Stop proxy');
    expect(controller.snapshot()).toEqual({
      icon: 'tray-running.png',
      tooltip: trayTooltip(running),
      menu: ['Running on http://127.0.0.1:8000', 'Stop proxy', 'Copy ANTHROPIC_BASE_URL', 'Append my text', 'Open dashboard', 'Quit Addendum'],
    });
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
