import type {
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Event as ElectronEvent,
  Session,
  WebContents,
} from 'electron';
import { isOwnPage } from './own-page.js';

/**
 * The dashboard window. Policy (what may load, what opens outside, which permissions a
 * page gets, what "show" means for a window in any state) is pure and unit-tested; the
 * Electron objects are handed in by main/index.ts so importing this module never loads
 * the `electron` runtime.
 */

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** Our own page stays in the window, web links go to the user's browser, nothing else loads. */
export function navigationDecision(url: string, ownPage: string): NavigationDecision {
  if (isOwnPage(url, ownPage)) return 'allow';
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return 'deny';
  }
  return protocol === 'https:' || protocol === 'http:' ? 'external' : 'deny';
}

export function isAllowedNavigation(url: string, ownPage: string): boolean {
  return navigationDecision(url, ownPage) === 'allow';
}

/** The dashboard's "Copy" buttons need clipboard writes; no page needs anything else. */
const GRANTABLE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string, ownPage: string): boolean {
  return GRANTABLE_PERMISSIONS.has(permission) && isOwnPage(requestingUrl, ownPage);
}

export interface WindowPaths {
  /** dist/main/preload.cjs */
  preload: string;
  icon: string;
}

export function windowOptions(paths: WindowPaths): BrowserWindowConstructorOptions {
  return {
    width: 1180,
    height: 780,
    minWidth: 760,
    minHeight: 520,
    title: 'Addendum',
    icon: paths.icon,
    // Shown once the first paint is ready, so the user never sees a blank frame.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}

export type RevealStep = 'create' | 'restore' | 'show' | 'focus';

/**
 * What bringing the dashboard forward takes, from the window's state: used for a tray
 * click, macOS `activate`, and a second launch of the app.
 */
export function revealSteps(win: { exists: boolean; minimized: boolean }): RevealStep[] {
  // A new window shows itself on 'ready-to-show', so it never flashes blank.
  if (!win.exists) return ['create'];
  return win.minimized ? ['restore', 'show', 'focus'] : ['show', 'focus'];
}

/** Closing the window hides it to the tray; only an explicit quit really closes it. */
export function closeAction(quitting: boolean): 'hide' | 'close' {
  return quitting ? 'close' : 'hide';
}

type OpenExternal = (url: string) => Promise<void>;

/** Applies the navigation policy to any web contents (the window and anything it might spawn). */
export function guardWebContents(contents: WebContents, ownPage: string, openExternal: OpenExternal): void {
  const onNavigate = (event: ElectronEvent<{ url: string }>) => {
    const decision = navigationDecision(event.url, ownPage);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'external') void openExternal(event.url).catch(() => undefined);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (navigationDecision(url, ownPage) === 'external') void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

export function guardSession(session: Session, ownPage: string): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isPermissionAllowed(permission, contents.getURL(), ownPage));
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? contents?.getURL() ?? '', ownPage),
  );
}

export interface WindowManagerDeps {
  BrowserWindow: typeof BrowserWindow;
  paths: WindowPaths;
  /** Absolute path of dist/renderer/index.html. */
  indexHtml: string;
  isQuitting: () => boolean;
  onCreated?: (win: BrowserWindow) => void;
}

export interface WindowManager {
  /** Creates the window if needed, then brings it forward. */
  reveal(): BrowserWindow;
  current(): BrowserWindow | null;
  /** Sends to the page if the window exists; a hidden window still receives (it stays current). */
  send(channel: string, payload: unknown): void;
}

export function createWindowManager(deps: WindowManagerDeps): WindowManager {
  let win: BrowserWindow | null = null;

  const create = (): BrowserWindow => {
    const w = new deps.BrowserWindow(windowOptions(deps.paths));
    w.once('ready-to-show', () => {
      w.show();
      w.focus();
    });
    w.on('close', (event) => {
      if (closeAction(deps.isQuitting()) === 'hide') {
        event.preventDefault();
        w.hide();
      }
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    deps.onCreated?.(w);
    void w.loadFile(deps.indexHtml).catch((err: unknown) => {
      // A missing build is the usual cause; say so instead of showing a blank window.
      console.error(`Could not load ${deps.indexHtml} (did \`vite build\` run?):`, err);
    });
    return w;
  };

  const live = () => (win && !win.isDestroyed() ? win : null);

  return {
    reveal() {
      const existing = live();
      let target = existing;
      for (const step of revealSteps({ exists: existing !== null, minimized: existing?.isMinimized() ?? false })) {
        if (step === 'create') target = win = create();
        else if (step === 'restore') target?.restore();
        else if (step === 'show') target?.show();
        else target?.focus();
      }
      return target as BrowserWindow;
    },
    current: live,
    send(channel, payload) {
      const w = live();
      if (w && !w.webContents.isDestroyed()) w.webContents.send(channel, payload);
    },
  };
}
