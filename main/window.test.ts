import { describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';
import {
  closeAction,
  createWindowManager,
  guardWebContents,
  isAllowedNavigation,
  isPermissionAllowed,
  navigationDecision,
  revealSteps,
  windowOptions,
} from './window.js';

const OWN = pathToFileURL('/opt/Addendum/resources/app.asar/dist/renderer/index.html').href;

describe('navigationDecision', () => {
  it('allows only our own page, whatever its hash or query', () => {
    expect(navigationDecision(OWN, OWN)).toBe('allow');
    expect(navigationDecision(`${OWN}#/history?id=1`, OWN)).toBe('allow');
    expect(navigationDecision(`${OWN}?x=1`, OWN)).toBe('allow');
    expect(isAllowedNavigation(OWN, OWN)).toBe(true);
  });

  it('sends web links to the browser', () => {
    expect(navigationDecision('https://docs.anthropic.com/en/api', OWN)).toBe('external');
    expect(navigationDecision('http://127.0.0.1:8000/', OWN)).toBe('external');
    expect(isAllowedNavigation('https://example.com', OWN)).toBe(false);
  });

  it('refuses other files, other schemes and junk', () => {
    for (const url of [
      pathToFileURL('/etc/passwd').href,
      pathToFileURL('/opt/Addendum/resources/app.asar/dist/renderer/other.html').href,
      'file://evil-host/opt/Addendum/resources/app.asar/dist/renderer/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ]) {
      expect(navigationDecision(url, OWN), url).toBe('deny');
    }
  });

  it('does not let path tricks reach another file', () => {
    expect(navigationDecision(`${OWN}/../../../../etc/passwd`, OWN)).toBe('deny');
    expect(navigationDecision(OWN.replace('index.html', 'INDEX.html'), OWN)).toBe('deny');
  });
});

describe('isPermissionAllowed', () => {
  it('grants clipboard writes to our page only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', OWN, OWN)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com', OWN)).toBe(false);
  });

  it('denies everything else, even to our page', () => {
    for (const p of ['clipboard-read', 'media', 'geolocation', 'notifications', 'openExternal', 'fullscreen']) {
      expect(isPermissionAllowed(p, OWN, OWN), p).toBe(false);
    }
  });
});

describe('windowOptions', () => {
  it('isolates the page: context isolation, sandbox, no Node', () => {
    const options = windowOptions({ preload: '/app/dist/main/preload.cjs', icon: '/app/assets/icon.png' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });
});

describe('revealSteps and closeAction', () => {
  it('creates a missing window (it shows itself when ready)', () => {
    expect(revealSteps({ exists: false, minimized: false })).toEqual(['create']);
  });

  it('restores a minimized window before showing and focusing it', () => {
    expect(revealSteps({ exists: true, minimized: true })).toEqual(['restore', 'show', 'focus']);
    expect(revealSteps({ exists: true, minimized: false })).toEqual(['show', 'focus']);
  });

  it('hides on close unless the app is quitting', () => {
    expect(closeAction(false)).toBe('hide');
    expect(closeAction(true)).toBe('close');
  });
});

type Handler = (...args: unknown[]) => unknown;

class FakeContents {
  handlers: Record<string, Handler> = {};
  openHandler: Handler | null = null;
  sent: Array<[string, unknown]> = [];
  on(name: string, fn: Handler) {
    this.handlers[name] = fn;
    return this;
  }
  setWindowOpenHandler(fn: Handler) {
    this.openHandler = fn;
  }
  isDestroyed() {
    return false;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
}

function navEvent(url: string) {
  return { url, preventDefault: vi.fn(), defaultPrevented: false };
}

describe('guardWebContents', () => {
  it('keeps our page, opens web links outside and blocks the rest', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn(async () => undefined);
    guardWebContents(contents as never, OWN, openExternal);

    const own = navEvent(`${OWN}#/settings`);
    contents.handlers['will-navigate']!(own);
    expect(own.preventDefault).not.toHaveBeenCalled();

    const web = navEvent('https://console.anthropic.com/');
    contents.handlers['will-navigate']!(web);
    expect(web.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://console.anthropic.com/');

    const file = navEvent(pathToFileURL('/etc/hosts').href);
    contents.handlers['will-redirect']!(file);
    expect(file.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledTimes(1);

    const webview = { preventDefault: vi.fn() };
    contents.handlers['will-attach-webview']!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('never opens a new window; web links go to the browser', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn(async () => undefined);
    guardWebContents(contents as never, OWN, openExternal);
    expect(contents.openHandler!({ url: 'https://www.anthropic.com/pricing' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: OWN })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://www.anthropic.com/pricing']]);
  });
});

describe('createWindowManager', () => {
  function setup() {
    const windows: FakeWindow[] = [];
    class FakeWindow {
      handlers: Record<string, Handler[]> = {};
      webContents = new FakeContents();
      visible = false;
      minimized = false;
      destroyed = false;
      focused = 0;
      loaded: string | null = null;
      constructor(readonly options: unknown) {
        windows.push(this);
      }
      on(name: string, fn: Handler) {
        (this.handlers[name] ??= []).push(fn);
        return this;
      }
      once(name: string, fn: Handler) {
        return this.on(name, fn);
      }
      emit(name: string, ...args: unknown[]) {
        for (const fn of this.handlers[name] ?? []) fn(...args);
      }
      loadFile(path: string) {
        this.loaded = path;
        return Promise.resolve();
      }
      show() {
        this.visible = true;
      }
      hide() {
        this.visible = false;
      }
      focus() {
        this.focused++;
      }
      restore() {
        this.minimized = false;
      }
      isMinimized() {
        return this.minimized;
      }
      isDestroyed() {
        return this.destroyed;
      }
    }
    let quitting = false;
    const manager = createWindowManager({
      BrowserWindow: FakeWindow as never,
      paths: { preload: '/app/dist/main/preload.cjs', icon: '/app/assets/icon.png' },
      indexHtml: '/app/dist/renderer/index.html',
      isQuitting: () => quitting,
    });
    return { windows, manager, quit: () => (quitting = true) };
  }

  it('creates the window once, loads the dashboard and shows it when ready', () => {
    const { windows, manager } = setup();
    manager.reveal();
    expect(windows).toHaveLength(1);
    const win = windows[0]!;
    expect(win.loaded).toBe('/app/dist/renderer/index.html');
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    manager.reveal();
    expect(windows).toHaveLength(1);
  });

  it('a second reveal restores and focuses the existing window', () => {
    const { windows, manager } = setup();
    manager.reveal();
    const win = windows[0]!;
    win.minimized = true;
    win.visible = false;
    manager.reveal();
    expect(win.minimized).toBe(false);
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(1);
  });

  it('hides instead of closing until the app quits', () => {
    const { windows, manager, quit } = setup();
    manager.reveal();
    const win = windows[0]!;
    win.visible = true;
    const close = { preventDefault: vi.fn() };
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(win.visible).toBe(false);

    quit();
    const finalClose = { preventDefault: vi.fn() };
    win.emit('close', finalClose);
    expect(finalClose.preventDefault).not.toHaveBeenCalled();
    win.destroyed = true;
    win.emit('closed');
    expect(manager.current()).toBeNull();
  });

  it('sends to the page only while a window exists', () => {
    const { windows, manager } = setup();
    manager.send('addendum:events', [1]);
    manager.reveal();
    manager.send('addendum:events', [2]);
    expect(windows[0]!.webContents.sent).toEqual([['addendum:events', [2]]]);
  });
});
