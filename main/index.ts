/**
 * Electron main process: the thin desktop shell around the proxy host. Every decision
 * lives in a small module (tray, window, ipc, lifecycle, settings-store, paths); this
 * file only wires them to Electron, in the order `onReady()` reads.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, safeStorage, session, shell, Tray } from 'electron';
import { createHost, type Host } from '../proxy/host/host.js';
import { desktopConfig, type DesktopConfig } from './desktop-config.js';
import { forwardEvents, registerIpcHandlers } from './ipc.js';
import { boundedShutdown, parseLaunchFlags, setupQuit, setupSingleInstance, type QuitController } from './lifecycle.js';
import { applyLaunchAtLogin, autostartDir, launchCommand } from './login-item.js';
import { appPaths, chooseNativeBinding, findAppRoot } from './paths.js';
import { createElectronSettingsStore, type DesktopSettingsStore } from './settings-store.js';
import { createTrayFeed } from './tray-feed.js';
import { createTrayController, type TrayController } from './tray.js';
import { createWindowManager, guardSession, guardWebContents, type WindowManager } from './window.js';

/** Quit never waits longer than this for in-flight requests and the history to close. */
const SHUTDOWN_BUDGET_MS = 5_000;
const STOP_GRACE_MS = 3_000;

const paths = appPaths(findAppRoot(dirname(fileURLToPath(import.meta.url)), existsSync));
const flags = parseLaunchFlags(process.argv);

let windows: WindowManager | null = null;

function fatal(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${title}: ${message}`);
  // Safe before 'ready' too (on Linux it then prints to stderr instead).
  dialog.showErrorBox(title, message);
  app.exit(1);
}

function setupDataFolder(): DesktopConfig {
  const config = desktopConfig(process.env, app.getPath('appData'));
  // Chromium's own profile data goes next to ours, so ADDENDUM_DATA_DIR isolates a run fully.
  app.setPath('userData', config.dataDir);
  // Quitting the app should not hang on a long stream: in-flight requests get this long.
  config.baseConfig.shutdownGraceMs = Math.min(config.baseConfig.shutdownGraceMs, STOP_GRACE_MS);
  return config;
}

function setupSecurity(): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, paths.ownPage, (url) => shell.openExternal(url));
  });
  guardSession(session.defaultSession, paths.ownPage);
}

function setupSettings(config: DesktopConfig): DesktopSettingsStore {
  const store = createElectronSettingsStore({ dir: config.dataDir, safeStorage });
  if (store.setAside) console.error(`Settings file was damaged: kept as ${store.setAside}; starting from defaults.`);
  return store;
}

/** Applies the setting to the system now, and at each start while it is on (the app may have moved). */
function setupLaunchAtLogin(store: DesktopSettingsStore): (enabled: boolean) => void {
  const deps = {
    platform: process.platform,
    command: launchCommand({ isPackaged: app.isPackaged, execPath: process.execPath, appRoot: paths.root, appImage: process.env.APPIMAGE }),
    setLoginItemSettings: (settings: Electron.Settings) => app.setLoginItemSettings(settings),
    autostartFile: join(autostartDir(process.env, homedir()), 'addendum.desktop'),
    writeFile: (path: string, text: string) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    removeFile: (path: string) => rmSync(path, { force: true }),
  };
  if (store.launchAtLogin()) {
    try {
      applyLaunchAtLogin(true, deps);
    } catch (err) {
      // Not worth refusing to start over: the tray item still shows the setting and can retry.
      console.error(`Launch at login: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return (enabled) => {
    applyLaunchAtLogin(enabled, deps);
    store.setLaunchAtLogin(enabled);
  };
}

async function setupHost(config: DesktopConfig, store: DesktopSettingsStore): Promise<Host> {
  const binding = chooseNativeBinding({ isPackaged: app.isPackaged, nativeBinding: paths.nativeBinding, exists: existsSync });
  if (!binding.ok) throw new Error(binding.problem);
  return createHost({
    baseConfig: config.baseConfig,
    overrides: config.overrides,
    store,
    // Log lines reach the dashboard either way; a terminal only exists in development.
    consoleLog: !app.isPackaged,
    proxyDeps: { nativeBinding: binding.path },
  });
}

function setupWindow(): WindowManager {
  return createWindowManager({
    BrowserWindow,
    paths: { preload: paths.preload, icon: paths.appIcon },
    indexHtml: paths.indexHtml,
    isQuitting: () => quitting?.isQuitting() ?? false,
  });
}

function setupIpc(host: Host, win: WindowManager): void {
  registerIpcHandlers(ipcMain, host.api, paths.ownPage);
  forwardEvents(host.api.subscribe, (channel, batch) => win.send(channel, batch));
}

/** How often today's count is re-read without traffic, so it resets after midnight (UTC). */
const COUNT_REFRESH_MS = 60_000;

function setupTray(host: Host, win: WindowManager, store: DesktopSettingsStore, setLaunchAtLogin: (enabled: boolean) => void): TrayController {
  const report = (what: string) => (err: unknown) => console.error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  const tray = createTrayController({
    Tray,
    Menu,
    createImage: (path) => nativeImage.createFromPath(path),
    assetsDir: paths.assets,
    platform: process.platform,
    actions: {
      // A failed start shows in the tray through the state event (lastError).
      startProxy: () => void host.api.startProxy().catch(report('Start proxy')),
      stopProxy: () => void host.api.stopProxy().catch(report('Stop proxy')),
      setModifierEnabled: (enabled) => void host.api.updateSettings({ modifierEnabled: enabled }).catch(report('Modifier')),
      setLaunchAtLogin: (enabled) => {
        try {
          setLaunchAtLogin(enabled);
        } catch (err) {
          report('Launch at login')(err);
        }
        feed.launchAtLoginChanged();
      },
      copyBaseUrl: (baseUrl) => clipboard.writeText(baseUrl),
      openDashboard: () => win.reveal(),
      quit: () => app.quit(),
    },
  });
  const feed = createTrayFeed({
    status: () => host.proxy.status(),
    requestsToday: async () => (await host.api.getStats({ days: 1 })).totals.requests,
    launchAtLogin: () => store.launchAtLogin(),
    update: (state) => tray.updateTray(state),
    onError: report("Today's request count"),
  });
  host.proxy.events.on('state', (status) => feed.status(status));
  host.proxy.events.on('history:change', () => feed.countChanged());
  feed.countChanged();
  setInterval(() => feed.countChanged(), COUNT_REFRESH_MS).unref();
  return tray;
}

let quitting: QuitController | null = null;

function setupQuitHandling(host: Host, tray: TrayController): void {
  quitting = setupQuit(app, () =>
    boundedShutdown(
      [
        // The proxy waits up to its grace period for in-flight requests; the cap keeps
        // time for the history to commit its last rows.
        { name: 'stop proxy', run: async () => void (await host.proxy.stop()), timeoutMs: STOP_GRACE_MS + 500 },
        { name: 'close history', run: () => host.close() },
        { name: 'remove tray', run: async () => tray.destroy() },
      ],
      SHUTDOWN_BUDGET_MS,
    ),
  );
}

/** The Playwright test cannot see the system tray; with ADDENDUM_E2E=1 it can ask main. */
function setupTestHooks(tray: TrayController): void {
  if (process.env.ADDENDUM_E2E !== '1') return;
  (globalThis as { __addendumE2E?: unknown }).__addendumE2E = { tray: () => tray.snapshot() };
}

async function onReady(config: DesktopConfig): Promise<void> {
  setupSecurity();
  const store = setupSettings(config);
  const setLaunchAtLogin = setupLaunchAtLogin(store);
  const host = await setupHost(config, store);
  const win = (windows = setupWindow());
  setupIpc(host, win);
  const tray = setupTray(host, win, store, setLaunchAtLogin);
  setupQuitHandling(host, tray);
  setupTestHooks(tray);
  app.on('activate', () => win.reveal());

  // A port already in use is not fatal: the tray and the dashboard show why and offer Start.
  await host.api.startProxy().catch((err: unknown) => console.error(`Proxy not started: ${err instanceof Error ? err.message : String(err)}`));
  // Started at login: straight to the tray (macOS cannot pass --hidden to a login item).
  const atLogin = process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  if (!flags.hidden && !atLogin) win.reveal();
}

function main(): void {
  let config: DesktopConfig;
  try {
    config = setupDataFolder();
  } catch (err) {
    fatal('Addendum could not start', err);
    return;
  }
  if (!setupSingleInstance(app, () => windows?.reveal())) {
    app.quit();
    return;
  }
  app
    .whenReady()
    .then(() => onReady(config))
    .catch((err: unknown) => fatal('Addendum could not start', err));
}

main();
