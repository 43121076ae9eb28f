/**
 * A stand-in for the `electron` module, enough for the main process to boot under Node: it
 * records handlers, windows, trays and login items so the boot tests can drive and inspect them.
 */
import { vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

export function createFakeElectron() {
  const appHandlers = new Map<string, Handler[]>();
  const ipcHandlers = new Map<string, Handler>();
  const windows: Array<{
    options: { webPreferences?: Record<string, unknown> };
    loaded: string | null;
    visible: boolean;
    emit: (name: string, ...args: unknown[]) => void;
  }> = [];
  const trays: Array<{ tooltip: string; image: { path: string }; menu: { template: Array<{ id?: string; checked?: boolean; click?: () => void }> } | null }> = [];
  const loginItems: Array<{ openAtLogin: boolean }> = [];
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const paths: Record<string, string> = { appData: '/nonexistent-appdata' };
  const exits: number[] = [];
  const clipboardWrites: string[] = [];
  const errorBoxes: Array<[string, string]> = [];

  const on = (map: Map<string, Handler[]>) => (name: string, fn: Handler) => {
    map.set(name, [...(map.get(name) ?? []), fn]);
  };

  class BrowserWindow {
    handlers = new Map<string, Handler[]>();
    loaded: string | null = null;
    visible = false;
    destroyed = false;
    webContents = { send: vi.fn(), isDestroyed: () => false };
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      windows.push(this);
    }
    on(name: string, fn: Handler) {
      on(this.handlers)(name, fn);
      return this;
    }
    once(name: string, fn: Handler) {
      return this.on(name, fn);
    }
    emit(name: string, ...args: unknown[]) {
      for (const fn of this.handlers.get(name) ?? []) fn(...args);
    }
    async loadFile(path: string) {
      this.loaded = path;
    }
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return this.destroyed;
    }
  }

  class Tray {
    tooltip = '';
    menu: (typeof trays)[number]['menu'] = null;
    constructor(public image: { path: string }) {
      trays.push(this);
    }
    setImage(image: { path: string }) {
      this.image = image;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: (typeof trays)[number]['menu']) {
      this.menu = menu;
    }
    on() {}
    destroy() {}
  }

  const electron = {
    app: {
      isPackaged: true,
      isReady: () => true,
      getVersion: () => '0.1.0',
      getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
      setLoginItemSettings: (settings: { openAtLogin: boolean }) => loginItems.push(settings),
      getPath: (name: string) => paths[name] ?? `/nonexistent-${name}`,
      setPath: (name: string, value: string) => (paths[name] = value),
      requestSingleInstanceLock: () => true,
      on: on(appHandlers),
      whenReady: () => ready,
      quit: () => {
        const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
        for (const fn of appHandlers.get('before-quit') ?? []) fn(event);
      },
      exit: (code: number) => exits.push(code),
    },
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }) },
    nativeImage: { createFromPath: (path: string) => ({ path, setTemplateImage: () => undefined }) },
    clipboard: { writeText: (text: string) => clipboardWrites.push(text) },
    dialog: { showErrorBox: (title: string, text: string) => errorBoxes.push([title, text]) },
    ipcMain: {
      on: () => undefined,
      handle: (channel: string, fn: Handler) => ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`),
      decryptString: (buf: Buffer) => Buffer.from(buf.toString().slice(4), 'hex').toString(),
    },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    shell: { openExternal: vi.fn(async () => undefined) },
  };
  return { electron, appHandlers, ipcHandlers, windows, trays, loginItems, readyResolve: () => readyResolve(), paths, exits, clipboardWrites, errorBoxes };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
