/**
 * Facts about the Electron install and better-sqlite3's Electron build, shared by
 * scripts/rebuild-electron.mjs, scripts/start-desktop.mjs and e2e/electron.spec.ts.
 * Nothing here loads the `electron` package: from Electron 42 on, requiring it starts a
 * binary download, so its files are read instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Version and native-module ABI of the installed `electron` package, or null if absent. */
export function electronInfo(root) {
  const dir = join(root, 'node_modules', 'electron');
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) return null;
  const version = JSON.parse(readFileSync(pkgFile, 'utf8')).version;
  const abiFile = join(dir, 'abi_version');
  const abi = existsSync(abiFile) ? Number.parseInt(readFileSync(abiFile, 'utf8').trim(), 10) : null;
  return { dir, version, abi: Number.isInteger(abi) ? abi : null };
}

/**
 * The unpacked Electron executable, following the package's own lookup (path.txt, or
 * ELECTRON_OVERRIDE_DIST_PATH), or null when there is none yet. Never downloads.
 */
export function electronBinaryPath(electronDir, env = process.env, exists = existsSync, read = (p) => readFileSync(p, 'utf8')) {
  const pathFile = join(electronDir, 'path.txt');
  const relative = exists(pathFile) ? read(pathFile).trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return exists(candidate) ? candidate : null;
  }
  if (!relative) return null;
  const candidate = join(electronDir, 'dist', relative);
  return exists(candidate) ? candidate : null;
}

/**
 * Where scripts/rebuild-electron.mjs puts better-sqlite3's Electron build for one CPU
 * architecture; main/paths.ts loads the same relative path, inside app.asar when packaged.
 */
export function electronNativeBinding(root, arch = process.arch) {
  return join(root, 'build', 'electron-native', arch, 'better_sqlite3.node');
}

const REGISTER_SYMBOL = /node_register_module_v(\d+)/;

/**
 * NODE_MODULE_VERSION a native addon was built for, read from the registration symbol
 * non-N-API addons (better-sqlite3 among them) export. Reading the bytes works for any
 * runtime's build, where loading it would only work for the current one.
 */
export function moduleVersionOf(bytes) {
  const match = REGISTER_SYMBOL.exec(Buffer.from(bytes).toString('latin1'));
  return match ? Number(match[1]) : null;
}

/** True when the stamp written by the last rebuild no longer matches what is installed. */
export function needsRebuild(stamp, current, binaryExists) {
  if (!binaryExists || !stamp) return true;
  return (
    stamp.electron !== current.electron ||
    stamp.betterSqlite3 !== current.betterSqlite3 ||
    stamp.abi !== current.abi ||
    stamp.arch !== current.arch ||
    stamp.platform !== current.platform
  );
}

/** The environment for node-gyp: without npm's nodedir, which would make it build for Node. */
export function rebuildEnv(env) {
  const out = { ...env };
  for (const key of Object.keys(out)) {
    if (key.toLowerCase() === 'npm_config_nodedir') delete out[key];
  }
  return out;
}
