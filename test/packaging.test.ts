/**
 * The desktop package as electron-builder makes it, checked without Electron: a Linux
 * `--dir` build of the real electron-builder.yml against a stand-in Electron distribution
 * (an unpacked folder: electron-builder copies it and renames the executable, never runs it),
 * then the resulting app.asar is opened and its contents checked. Nothing is downloaded:
 * `electronDist` and `electronVersion` are given, and a `dir` target needs no packaging tool.
 *
 * better-sqlite3's Electron build (scripts/rebuild-electron.mjs) needs Electron's headers,
 * which this machine cannot fetch; where it is missing, a copy of the Node build stands in
 * for it, so the check still proves where the file lands, not that Electron can load it.
 * Runs the build in dist/, so `npm test` builds before it tests.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronInfo, electronNativeBinding } from '../scripts/electron-native.mjs';
import {
  describeSize,
  packageProblems,
  PACKAGED_MAIN,
  readAppAsar,
  sizeOnDisk,
  unpackedFiles,
  type PackageListing,
} from '../scripts/package-contents.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARCH = process.arch;
const devDependencies = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies as object);

let work: string;
let resources: string;
let listing: PackageListing;

/** What electron-builder needs of an unpacked Electron for Linux: the executable it renames. */
function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron for the packaging test" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
}

/** A file set that puts the Node build where the Electron build goes, when there is none. */
function nativeStandIn(dir: string): Array<{ from: string; to: string; filter: string[] }> {
  if (existsSync(electronNativeBinding(ROOT, ARCH))) return [];
  mkdirSync(dir, { recursive: true });
  copyFileSync(createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'), join(dir, 'better_sqlite3.node'));
  return [{ from: dir, to: `build/electron-native/${ARCH}`, filter: ['better_sqlite3.node'] }];
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, PACKAGED_MAIN))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const electron = electronInfo(ROOT);
  if (!electron) throw new Error('node_modules/electron is missing: run `npm ci`.');
  work = mkdtempSync(join(tmpdir(), 'addendum-packaging-'));
  const electronDist = join(work, 'electron-dist');
  makeStandInElectron(electronDist);
  const arch = Arch[ARCH as keyof typeof Arch];
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir', arch),
    publish: 'never',
    config: {
      electronDist,
      electronVersion: electron.version,
      // Already off in electron-builder.yml; stated here because this check must never
      // touch node_modules/better-sqlite3, which the other tests load.
      npmRebuild: false,
      directories: { output: join(work, 'out') },
      files: nativeStandIn(join(work, 'native')),
    },
  });
  resources = join(work, 'out', 'linux-unpacked', 'resources');
  listing = readAppAsar(join(resources, 'app.asar'));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the desktop package (Linux --dir build)', () => {
  it('starts the compiled main process', () => {
    expect(listing.packageJson).toMatchObject({ name: 'addendum', main: PACKAGED_MAIN });
  });

  it('holds the main process, preload, proxy and dashboard', () => {
    expect(listing.files).toEqual(
      expect.arrayContaining([PACKAGED_MAIN, 'dist/main/preload.cjs', 'dist/proxy/index.js', 'dist/proxy/host/host.js', 'dist/renderer/index.html']),
    );
    expect(listing.files).toContain('assets/tray-runningTemplate.png');
    expect(listing.files).toContain('node_modules/better-sqlite3/lib/index.js');
  });

  it('unpacks the better-sqlite3 binary and the history worker script', () => {
    for (const file of unpackedFiles(ARCH)) {
      expect(listing.isUnpacked(file), file).toBe(true);
      expect(existsSync(join(resources, 'app.asar.unpacked', file)), file).toBe(true);
    }
    expect(listing.isUnpacked(PACKAGED_MAIN)).toBe(false);
  });

  it('ships no tests, source maps, TypeScript, dev dependencies or Node-only native builds', () => {
    expect(packageProblems(listing, { arch: ARCH, devDependencies })).toEqual([]);
    expect(listing.files.some((f) => f.startsWith('node_modules/react-dom/'))).toBe(false);
    expect(listing.files.some((f) => f.startsWith('node_modules/better-sqlite3/build/'))).toBe(false);
  });

  it('reports its size, which stays small', () => {
    const asarBytes = sizeOnDisk(join(resources, 'app.asar'));
    const unpackedBytes = sizeOnDisk(join(resources, 'app.asar.unpacked'));
    console.log(`packaging: ${describeSize(asarBytes, unpackedBytes, listing.files.length)}`);
    // The app is a few MB; tens of MB would mean node_modules or a native build's sources went in.
    expect(asarBytes + unpackedBytes).toBeLessThan(20 * 1024 * 1024);
  });
});
