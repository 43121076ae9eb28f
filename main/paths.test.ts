import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronNativeBinding } from '../scripts/electron-native.mjs';
import { isOwnPage } from './own-page.js';
import { appPaths, chooseNativeBinding, findAppRoot } from './paths.js';

describe('appPaths', () => {
  it('places everything relative to the folder holding dist/', () => {
    const root = join('/opt', 'Addendum', 'resources', 'app.asar');
    const paths = appPaths(root, 'arm64');
    expect(paths.indexHtml).toBe(join(root, 'dist', 'renderer', 'index.html'));
    expect(paths.preload).toBe(join(root, 'dist', 'main', 'preload.cjs'));
    expect(paths.assets).toBe(join(root, 'assets'));
    expect(paths.nativeBinding).toBe(join(root, 'build', 'electron-native', 'arm64', 'better_sqlite3.node'));
    // The same file scripts/rebuild-electron.mjs writes and electron-builder.yml ships.
    expect(paths.nativeBinding).toBe(electronNativeBinding(root, 'arm64'));
    expect(paths.ownPage).toBe(pathToFileURL(paths.indexHtml).href);
    expect(isOwnPage(`${paths.ownPage}#/usage`, paths.ownPage)).toBe(true);
  });

  it('handles folders whose names need escaping in a URL', () => {
    const paths = appPaths(join('/home', 'me', 'my projects', 'add#endum'));
    expect(paths.ownPage).toContain('my%20projects/add%23endum/dist/renderer/index.html');
    expect(isOwnPage(paths.ownPage, paths.ownPage)).toBe(true);
  });
});

describe('chooseNativeBinding', () => {
  it('uses the Electron build, packaged or not', () => {
    for (const isPackaged of [true, false]) {
      expect(chooseNativeBinding({ isPackaged, nativeBinding: '/x.node', exists: (p) => p === '/x.node' })).toEqual({ ok: true, path: '/x.node' });
    }
  });

  it('explains how to make the Electron build when it is missing in development', () => {
    const choice = chooseNativeBinding({ isPackaged: false, nativeBinding: '/x.node', exists: () => false });
    expect(choice.ok).toBe(false);
    if (!choice.ok) expect(choice.problem).toContain('scripts/rebuild-electron.mjs');
  });

  it('tells a user of a broken install to reinstall, not to run a script', () => {
    const choice = chooseNativeBinding({ isPackaged: true, nativeBinding: '/x.node', exists: () => false });
    expect(choice).toEqual({ ok: false, problem: expect.stringContaining('Reinstall') });
    if (!choice.ok) expect(choice.problem).not.toContain('scripts/');
  });
});

describe('findAppRoot', () => {
  it('finds the nearest folder with package.json, from dist or from the sources', () => {
    const exists = (p: string) => p === join('/repo', 'package.json') || p === join('/package.json');
    expect(findAppRoot(join('/repo', 'dist', 'main'), exists)).toBe('/repo');
    expect(findAppRoot(join('/repo', 'main'), exists)).toBe('/repo');
  });

  it('fails clearly when there is none', () => {
    expect(() => findAppRoot(join('/a', 'b'), () => false)).toThrow(/package\.json/);
  });
});
