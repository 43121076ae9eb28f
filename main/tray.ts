import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { join } from 'node:path';
import type { ProxyStatus } from '../proxy/contract/types.js';

/**
 * The tray is a pure view of the proxy status: `updateTray(status)` recomputes icon,
 * tooltip and menu from it every time, so the tray can never drift from the proxy
 * whatever order events arrive in.
 */

export type TrayStatus = Pick<ProxyStatus, 'running' | 'baseUrl' | 'port' | 'lastError' | 'modifierOn' | 'notice'>;

export interface TrayActions {
  startProxy(): void;
  stopProxy(): void;
  setModifierEnabled(enabled: boolean): void;
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

export function trayTooltip(status: TrayStatus): string {
  const modifier = status.modifierOn ? 'appending text' : 'not appending';
  return status.running ? `Addendum: ${trayStatusLine(status)} (${modifier})` : `Addendum: ${trayStatusLine(status)}`;
}

export function trayMenuTemplate(status: TrayStatus, actions: TrayActions): MenuItemConstructorOptions[] {
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
  updateTray(status: TrayStatus): void;
  /** What the tray shows now (for the end-to-end test, which cannot see the system tray). */
  snapshot(): TraySnapshot | null;
  destroy(): void;
}

export function createTrayController(deps: TrayDeps): TrayController {
  let tray: Tray | null = null;
  let shownIcon = '';
  let shown: TraySnapshot | null = null;

  const iconFor = (status: TrayStatus) => {
    const name = trayIconName(status, deps.platform);
    const image = deps.createImage(join(deps.assetsDir, name));
    if (deps.platform === 'darwin') image.setTemplateImage(true);
    return { name, image };
  };

  return {
    updateTray(status) {
      const icon = iconFor(status);
      if (!tray) {
        tray = new deps.Tray(icon.image);
        // Windows and Linux users expect a click on the icon to open the app; macOS shows the menu.
        if (deps.platform !== 'darwin') tray.on('click', () => deps.actions.openDashboard());
      } else if (icon.name !== shownIcon) {
        tray.setImage(icon.image);
      }
      shownIcon = icon.name;
      const tooltip = trayTooltip(status);
      const template = trayMenuTemplate(status, deps.actions);
      tray.setToolTip(tooltip);
      tray.setContextMenu(deps.Menu.buildFromTemplate(template));
      shown = { icon: icon.name, tooltip, menu: template.flatMap((m) => (m.label ? [m.label] : [])) };
    },
    snapshot: () => shown,
    destroy() {
      tray?.destroy();
      tray = null;
      shown = null;
    },
  };
}
