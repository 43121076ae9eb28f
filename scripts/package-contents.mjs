/**
 * What a packaged app must and must not contain, checked on its `app.asar`. Shared by the
 * packaging test (a Linux `--dir` build against a stand-in Electron) and by `npm run dist`,
 * which checks each package it builds before calling it done.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import asar from '@electron/asar';

/** The entry electron-builder.yml's extraMetadata gives the packaged package.json. */
export const PACKAGED_MAIN = 'dist/main/index.js';

/** The four parts of the app: main process, preload, proxy, dashboard. */
export const REQUIRED_FILES = [PACKAGED_MAIN, 'dist/main/preload.cjs', 'dist/proxy/index.js', 'dist/renderer/index.html'];

/** Files the app reads from disk rather than through Electron's asar support. */
export function unpackedFiles(arch) {
  return [`build/electron-native/${arch}/better_sqlite3.node`, 'dist/proxy/history/writer-worker.js'];
}

const TYPESCRIPT = /\.(ts|tsx|mts|cts)$/;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const TEST_DIR = /(^|\/)(test|tests|__tests__|spec|specs|e2e)\//;
/** Our own test helpers: proxy/history/testing.ts, main/testing/. */
const TEST_HELPER = /^dist\/(.+\/)?testing(\.js|\/)/;

/** The package name a path inside node_modules belongs to (the innermost one), or null. */
function moduleOf(path) {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return null;
  const first = parts[at + 1];
  return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
}

/**
 * Every problem with a package, as sentences; an empty list means it is right.
 *
 * @param {object} pkg
 * @param {string[]} pkg.files   paths inside app.asar, without a leading slash, directories included
 * @param {(path: string) => boolean} pkg.isUnpacked
 * @param {unknown} pkg.packageJson  the packaged package.json, parsed
 * @param {{ arch: string; devDependencies: string[] }} expected
 */
export function packageProblems(pkg, expected) {
  const problems = [];
  const present = new Set(pkg.files);
  const main = /** @type {{ main?: unknown }} */ (pkg.packageJson ?? {}).main;
  if (main !== PACKAGED_MAIN) problems.push(`package.json names main ${JSON.stringify(main)}, not ${PACKAGED_MAIN}`);
  for (const file of REQUIRED_FILES) if (!present.has(file)) problems.push(`${file} is missing`);
  for (const file of unpackedFiles(expected.arch)) {
    if (!present.has(file)) problems.push(`${file} is missing`);
    else if (!pkg.isUnpacked(file)) problems.push(`${file} is inside app.asar, not unpacked`);
  }
  const devDependencies = new Set(expected.devDependencies);
  const shippedDev = new Set();
  for (const file of pkg.files) {
    if (file.endsWith('.map')) problems.push(`source map shipped: ${file}`);
    // Declarations (.d.ts) too: no runtime reads them.
    else if (TYPESCRIPT.test(file)) problems.push(`TypeScript file shipped: ${file}`);
    if (TEST_FILE.test(file) || TEST_DIR.test(`${file}/`)) problems.push(`test shipped: ${file}`);
    const mod = moduleOf(file);
    if (mod && devDependencies.has(mod)) shippedDev.add(mod);
  }
  for (const mod of shippedDev) problems.push(`dev dependency shipped: ${mod}`);
  // Anything under dist/ other than the three runtime folders (bench, a test helper) is dead weight.
  for (const file of pkg.files) {
    if (/^dist\/[^/]+\//.test(file) && !/^dist\/(main|proxy|renderer)\//.test(file)) problems.push(`not part of the app: ${file}`);
  }
  for (const file of pkg.files) if (TEST_HELPER.test(file)) problems.push(`test helper shipped: ${file}`);
  // The Node build in node_modules cannot load in Electron; the Electron build is the only one.
  for (const file of pkg.files) {
    if (file.endsWith('.node') && !unpackedFiles(expected.arch).includes(file)) problems.push(`stray native module: ${file}`);
  }
  return problems;
}

/** Reads an app.asar into the shape `packageProblems` takes. */
export function readAppAsar(asarPath) {
  const files = asar.listPackage(asarPath, { isPack: false }).map((p) => p.replace(/^[\\/]/, '').replaceAll('\\', '/'));
  let packageJson = null;
  try {
    packageJson = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8'));
  } catch {
    // reported as a wrong main
  }
  return { files, packageJson, isUnpacked: (file) => asar.statFile(asarPath, file).unpacked === true };
}

/** Bytes of a file or of everything under a folder. */
export function sizeOnDisk(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOnDisk(join(path, name)), 0);
}

/** e.g. "app.asar 4.1 MB + app.asar.unpacked 2.0 MB = 6.1 MB (1234 files)" */
export function describeSize(asarBytes, unpackedBytes, fileCount) {
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `app.asar ${mb(asarBytes)} + app.asar.unpacked ${mb(unpackedBytes)} = ${mb(asarBytes + unpackedBytes)} (${fileCount} entries)`;
}
