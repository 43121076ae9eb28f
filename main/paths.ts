import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the desktop app finds its files, from the folder that holds `dist/` (the repo in
 * development, `app.asar` when packaged). Computed from the compiled main script's own
 * location, so `electron dist/main/index.js` and a packaged app resolve the same way.
 */
export interface AppPaths {
  root: string;
  indexHtml: string;
  /** file:// URL of indexHtml: the only page allowed in the window and over IPC. */
  ownPage: string;
  preload: string;
  assets: string;
  appIcon: string;
  /**
   * better-sqlite3 built for Electron's ABI by scripts/rebuild-electron.mjs. node_modules
   * keeps the Node build (tests and headless mode need it), so Electron loads this copy,
   * in development and packaged alike (electron-builder.yml ships it, unpacked).
   */
  nativeBinding: string;
}

export function appPaths(root: string, arch: string = process.arch): AppPaths {
  const indexHtml = join(root, 'dist', 'renderer', 'index.html');
  return {
    root,
    indexHtml,
    ownPage: pathToFileURL(indexHtml).href,
    preload: join(root, 'dist', 'main', 'preload.cjs'),
    assets: join(root, 'assets'),
    appIcon: join(root, 'assets', 'icon.png'),
    nativeBinding: join(root, 'build', 'electron-native', arch, 'better_sqlite3.node'),
  };
}

/**
 * The app's root: the nearest folder above `fromDir` holding package.json (the repo in
 * development, whether running dist/main/index.js or the sources; app.asar when packaged).
 */
export function findAppRoot(fromDir: string, exists: (path: string) => boolean): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (exists(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${fromDir}: cannot locate the app's files.`);
  }
}

export type NativeBindingChoice = { ok: true; path: string } | { ok: false; problem: string };

/** The better-sqlite3 binary the history loads under Electron, or why there is none. */
export function chooseNativeBinding(opts: { isPackaged: boolean; nativeBinding: string; exists: (path: string) => boolean }): NativeBindingChoice {
  if (opts.exists(opts.nativeBinding)) return { ok: true, path: opts.nativeBinding };
  if (opts.isPackaged) {
    return { ok: false, problem: `This copy of Addendum is incomplete: ${opts.nativeBinding} is missing. Reinstall it.` };
  }
  return {
    ok: false,
    problem:
      `better-sqlite3 has no build for Electron at ${opts.nativeBinding}. ` +
      'Run `node scripts/rebuild-electron.mjs` (or `npm start`, which does it when needed).',
  };
}
