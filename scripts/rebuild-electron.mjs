#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI into build/electron-native/<arch>/better_sqlite3.node,
 * leaving node_modules/better-sqlite3 (the Node build that tests and headless mode use)
 * untouched. main/ hands the result to better-sqlite3's `nativeBinding` option, in
 * development and in the packaged app alike (electron-builder.yml ships that file).
 *
 *   node scripts/rebuild-electron.mjs             rebuild now
 *   node scripts/rebuild-electron.mjs --if-needed  only if Electron, better-sqlite3 or the
 *                                                  platform changed since the last build
 *   --arch=arm64                                   another CPU (default: this machine's);
 *                                                  `npm run dist` builds both on macOS
 *
 * It compiles a temporary copy of the package with node-gyp against Electron's headers
 * (downloaded from electronjs.org by node-gyp), without npm's `nodedir` setting, which
 * would silently build against Node's headers instead; the result's module version is
 * checked before it is installed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronInfo, electronNativeBinding, moduleVersionOf, needsRebuild, rebuildEnv } from './electron-native.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARCH = process.argv.find((a) => a.startsWith('--arch='))?.slice('--arch='.length) || process.arch;
const OUT_FILE = electronNativeBinding(ROOT, ARCH);
const OUT_DIR = dirname(OUT_FILE);
const STAMP_FILE = join(OUT_DIR, 'stamp.json');
const HEADERS_URL = 'https://electronjs.org/headers';

function fail(message) {
  console.error(`rebuild-electron: ${message}`);
  process.exit(1);
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP_FILE, 'utf8'));
  } catch {
    return null;
  }
}

/** npm sets npm_config_node_gyp inside scripts; otherwise use the node-gyp npm ships with. */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

const electron = electronInfo(ROOT);
if (!electron) fail('node_modules/electron is missing: run `npm ci` first.');
if (electron.abi === null) fail(`cannot tell Electron ${electron.version}'s module version (node_modules/electron/abi_version is missing).`);

const sqliteDir = join(ROOT, 'node_modules', 'better-sqlite3');
if (!existsSync(join(sqliteDir, 'package.json'))) fail('node_modules/better-sqlite3 is missing: run `npm ci` first.');
const current = {
  electron: electron.version,
  betterSqlite3: JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version,
  abi: electron.abi,
  arch: ARCH,
  platform: process.platform,
};

if (process.argv.includes('--if-needed') && !needsRebuild(readStamp(), current, existsSync(OUT_FILE))) {
  console.log(`rebuild-electron: better-sqlite3 ${current.betterSqlite3} for Electron ${current.electron} is up to date.`);
  process.exit(0);
}

const gyp = nodeGypScript();
if (!gyp) fail('node-gyp not found (it ships with npm); run this script through `npm run` or install node-gyp.');

const work = mkdtempSync(join(tmpdir(), 'addendum-electron-native-'));
try {
  // A copy, so the Node build in node_modules/better-sqlite3/build is never replaced.
  const pkgCopy = join(work, 'better-sqlite3');
  cpSync(sqliteDir, pkgCopy, {
    recursive: true,
    filter: (src) => {
      const rel = relative(sqliteDir, src);
      return rel !== 'build' && !rel.startsWith(`build${sep}`);
    },
  });

  console.log(`rebuild-electron: building better-sqlite3 ${current.betterSqlite3} for Electron ${current.electron} (ABI ${current.abi}, ${ARCH}); this takes a few minutes.`);
  const result = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '--release', `--target=${current.electron}`, '--runtime=electron', `--dist-url=${HEADERS_URL}`, `--arch=${ARCH}`],
    { cwd: pkgCopy, stdio: 'inherit', env: rebuildEnv(process.env) },
  );
  if (result.error) fail(`could not run node-gyp: ${result.error.message}`);
  if (result.status !== 0) {
    fail(
      `node-gyp failed (exit ${result.status}). It needs Electron ${current.electron}'s headers from ${HEADERS_URL} ` +
        '(network access, or a copy already in the node-gyp cache) and a C++ toolchain (python3, make, g++ / Xcode / MSVC). ' +
        'Tests and headless mode do not need this build; only the desktop app does.',
    );
  }

  const built = join(pkgCopy, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) fail(`node-gyp reported success but ${built} does not exist.`);
  const version = moduleVersionOf(readFileSync(built));
  if (version !== current.abi) {
    fail(
      `the build targets module version ${version ?? 'unknown'} but Electron ${current.electron} needs ${current.abi}. ` +
        'Is a nodedir setting (npm_config_nodedir, .npmrc `nodedir`) still reaching node-gyp?',
    );
  }

  mkdirSync(OUT_DIR, { recursive: true });
  copyFileSync(built, OUT_FILE);
  writeFileSync(STAMP_FILE, `${JSON.stringify(current, null, 2)}\n`);
  console.log(`rebuild-electron: wrote ${relative(ROOT, OUT_FILE)} (module version ${version}).`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
