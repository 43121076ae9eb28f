import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { join } from 'node:path';
import type { ProxyStatus } from '../proxy/contract/types.js';

/**
 * The tray is a pure view of its state: `updateTray(state)` recomputes icon, tooltip and
 * menu from it every time, so the tray can never drift from the proxy whatever order
 * events arrive in, and hands Electron only the parts that changed (a new context menu
 * closes one the user has open, and requests arrive many times a second).
 */

export type TrayStatus = Pick<ProxyStatus, 'running' | 'baseUrl' | 'port' | 'lastError' | 'modifierOn' | 'notice'>;

export interface TrayState extends TrayStatus {
  /** Requests recorded in the history today (UTC day, as the dashboard's usage view counts). */
  requestsToday: number;
  launchAtLogin: boolean;
}

export interface TrayActions {
  startProxy(): void;
  stopProxy(): void;
  setModifierEnabled(enabled: boolean): void;
  setLaunchAtLogin(enabled: boolean): void;
  copyBaseUrl(baseUrl: string): void;
  openDashboard(): void;
  quit(): void;
}

/** File in assets/. macOS gets template images, which the menu bar recolours for light/dark. */
export function trayIconName(status: Pick<TrayStatus, 'running'>, platform: NodeJS.Platform): string {
  const state = status.running ? 'running' : 'stopped';
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

export function trayStatusLine(status: TrayStatus): string {
  if (status.running) return `Running on ${status.baseUrl ?? `port ${status.port}`}`;
  return status.lastError ? `Stopped: ${status.lastError}` : 'Stopped';
}

export function requestCountLine(count: number): string {
  return `${count} ${count === 1 ? 'request' : 'requests'} today`;
}

export function trayTooltip(state: TrayState): string {
  const modifier = state.modifierOn ? 'appending text' : 'not appending';
  const line = state.running ? `${trayStatusLine(state)} (${modifier})` : trayStatusLine(state);
  return `Addendum: ${line}, ${requestCountLine(state.requestsToday)}`;
}

export function trayMenuTemplate(status: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const baseUrl = status.running ? status.baseUrl : null;
  return [
    { id: 'status', label: trayStatusLine(status), enabled: false },
    ...(status.running && status.notice ? [{ id: 'notice', label: status.notice, enabled: false }] : []),
    { type: 'separator' },
    status.running
      ? { id: 'toggle', label: 'Stop proxy', click: () => actions.stopProxy() }
      : { id: 'toggle', label: 'Start proxy', click: () => actions.startProxy() },
    {
      id: 'copy-base-url',
      label: 'Copy ANTHROPIC_BASE_URL',
      enabled: baseUrl !== null,
      click: () => {
        if (baseUrl) actions.copyBaseUrl(baseUrl);
      },
    },
    {
      id: 'modifier',
      label: 'Append my text',
      type: 'checkbox',
      checked: status.modifierOn,
      click: () => actions.setModifierEnabled(!status.modifierOn),
    },
    { type: 'separator' },
    {
      id: 'launch-at-login',
      label: 'Launch at login',
      type: 'checkbox',
      checked: status.launchAtLogin,
      click: () => actions.setLaunchAtLogin(!status.launchAtLogin),
    },
    { id: 'open', label: 'Open dashboard', click: () => actions.openDashboard() },
    { id: 'quit', label: 'Quit Addendum', accelerator: 'CommandOrControl+Q', click: () => actions.quit() },
  ];
}

export interface TrayDeps {
  Tray: typeof Tray;
  Menu: typeof Menu;
  createImage: (path: string) => NativeImage;
  assetsDir: string;
  platform: NodeJS.Platform;
  actions: TrayActions;
}

export interface TraySnapshot {
  icon: string;
  tooltip: string;
  /** Labels of the menu items, separators left out. */
  menu: string[];
}

export interface TrayController {
  updateTray(state: TrayState): void;
  /** What the tray shows now (for the end-to-end test, which cannot see the system tray). */
  snapshot(): TraySnapshot | null;
  destroy(): void;
}

/** What the user can see of a menu: two templates with the same key look and act the same. */
function menuKey(template: MenuItemConstructorOptions[]): string {
  return JSON.stringify(template.map(({ id, label, type, enabled, checked }) => [id, label, type, enabled, checked]));
}

export function createTrayController(deps: TrayDeps): TrayController {
  let tray: Tray | null = null;
  let shown: (TraySnapshot & { menuKey: string }) | null = null;

  const imageFor = (name: string) => {
    const image = deps.createImage(join(deps.assetsDir, name));
    if (deps.platform === 'darwin') image.setTemplateImage(true);
    return image;
  };

  return {
    updateTray(state) {
      const icon = trayIconName(state, deps.platform);
      const tooltip = trayTooltip(state);
      const template = trayMenuTemplate(state, deps.actions);
      const key = menuKey(template);
      if (!tray) {
        tray = new deps.Tray(imageFor(icon));
        // Windows and Linux users expect a click on the icon to open the app; macOS shows the menu.
        if (deps.platform !== 'darwin') tray.on('click', () => deps.actions.openDashboard());
      } else if (icon !== shown?.icon) {
        tray.setImage(imageFor(icon));
      }
      if (tooltip !== shown?.tooltip) tray.setToolTip(tooltip);
      if (key !== shown?.menuKey) tray.setContextMenu(deps.Menu.buildFromTemplate(template));
      shown = { icon, tooltip, menu: template.flatMap((m) => (m.label ? [m.label] : [])), menuKey: key };
    },
    snapshot: () => (shown ? { icon: shown.icon, tooltip: shown.tooltip, menu: shown.menu } : null),
    destroy() {
      tray?.destroy();
      tray = null;
      shown = null;
    },
  };
}
