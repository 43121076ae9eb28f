import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronBinaryPath, electronInfo, electronNativeBinding, moduleVersionOf, needsRebuild, rebuildEnv, type RebuildStamp } from './electron-native.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('moduleVersionOf', () => {
  it('reads the ABI of the real Node build of better-sqlite3', () => {
    const require = createRequire(import.meta.url);
    const addon = join(require.resolve('better-sqlite3/package.json'), '..', 'build', 'Release', 'better_sqlite3.node');
    expect(moduleVersionOf(readFileSync(addon))).toBe(Number(process.versions.modules));
  });

  it('returns null for bytes without a registration symbol', () => {
    expect(moduleVersionOf(Buffer.from('\x7fELF not an addon'))).toBeNull();
    expect(moduleVersionOf(Buffer.from('xx node_register_module_v150 yy'))).toBe(150);
  });
});

describe('electronInfo', () => {
  it('reads the pinned version and ABI without loading the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const info = electronInfo(ROOT);
    expect(info?.version).toBe(pkg.devDependencies.electron);
    expect(info?.abi).toBeGreaterThan(Number(process.versions.modules));
  });

  it('is null where electron is not installed', () => {
    expect(electronInfo(join(ROOT, 'no-such-folder'))).toBeNull();
  });
});

describe('electronBinaryPath', () => {
  const dir = '/repo/node_modules/electron';
  const files = (entries: Record<string, string>) => ({
    exists: (p: string) => p in entries,
    read: (p: string) => entries[p] ?? '',
  });

  it('is null before the binary was fetched', () => {
    const fs = files({});
    expect(electronBinaryPath(dir, {}, fs.exists, fs.read)).toBeNull();
  });

  it('follows path.txt into dist/', () => {
    const fs = files({ [join(dir, 'path.txt')]: 'electron\n', [join(dir, 'dist', 'electron')]: '' });
    expect(electronBinaryPath(dir, {}, fs.exists, fs.read)).toBe(join(dir, 'dist', 'electron'));
  });

  it('is null when path.txt names a binary that is gone', () => {
    const fs = files({ [join(dir, 'path.txt')]: 'electron' });
    expect(electronBinaryPath(dir, {}, fs.exists, fs.read)).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const fs = files({ [join('/opt/electron', 'electron')]: '' });
    expect(electronBinaryPath(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, fs.exists, fs.read)).toBe(join('/opt/electron', 'electron'));
  });
});

describe('needsRebuild', () => {
  const stamp: RebuildStamp = { electron: '45.4.1', betterSqlite3: '12.11.1', abi: 150, arch: 'x64', platform: 'linux' };

  it('skips when nothing changed', () => {
    expect(needsRebuild(stamp, { ...stamp }, true)).toBe(false);
  });

  it('rebuilds when the binary, the stamp or any input changed', () => {
    expect(needsRebuild(stamp, stamp, false)).toBe(true);
    expect(needsRebuild(null, stamp, true)).toBe(true);
    expect(needsRebuild(stamp, { ...stamp, electron: '45.5.0' }, true)).toBe(true);
    expect(needsRebuild(stamp, { ...stamp, betterSqlite3: '12.12.0' }, true)).toBe(true);
    expect(needsRebuild(stamp, { ...stamp, arch: 'arm64' }, true)).toBe(true);
  });
});

describe('rebuildEnv', () => {
  it("drops npm's nodedir (any case) and keeps the rest", () => {
    const env = rebuildEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', PATH: '/bin', npm_config_cache: '/c' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c' });
  });
});

describe('electronNativeBinding', () => {
  it('keeps one Electron build per CPU architecture, apart from node_modules', () => {
    expect(electronNativeBinding('/repo', 'arm64')).toBe(join('/repo', 'build', 'electron-native', 'arm64', 'better_sqlite3.node'));
    expect(electronNativeBinding('/repo')).toBe(join('/repo', 'build', 'electron-native', process.arch, 'better_sqlite3.node'));
  });
});
