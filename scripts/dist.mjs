#!/usr/bin/env node
/**
 * `npm run dist`: the installers for this OS, from electron-builder.yml, into out/desktop/:
 * macOS dmg and zip for x64 and arm64, Windows nsis, Linux AppImage and deb.
 *
 * 1. builds dist/ (tsc + vite);
 * 2. builds better-sqlite3 for Electron for each CPU the installers target, into
 *    build/electron-native/<arch>/ (scripts/rebuild-electron.mjs; node_modules keeps the
 *    Node build that tests and headless mode use);
 * 3. runs electron-builder, which downloads Electron and its packaging tools as needed;
 * 4. checks each unpacked app (scripts/package-contents.mjs) and prints its size.
 *
 * Needs network access (Electron, its headers, packaging tools) and a C++ toolchain.
 * Signing and notarization are electron-builder's usual environment variables (CSC_LINK, ...).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, build, Platform } from 'electron-builder';
import { describeSize, packageProblems, readAppAsar, sizeOnDisk } from './package-contents.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** macOS users are on both CPUs; elsewhere the installer is for the machine that builds it. */
export function distArchs(platform, arch) {
  return platform === 'darwin' ? ['x64', 'arm64'] : [arch];
}

/** The resources folder of the unpacked app electron-builder leaves in `out` for one target. */
export function resourcesDir(out, platform, arch) {
  if (platform === 'darwin') return join(out, arch === 'x64' ? 'mac' : `mac-${arch}`, 'Addendum.app', 'Contents', 'Resources');
  const suffix = arch === 'x64' ? '' : `-${arch}`;
  return join(out, `${platform === 'win32' ? 'win' : 'linux'}${suffix}-unpacked`, 'resources');
}

function step(title, args) {
  console.log(`dist: ${title}`);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`dist: ${title} failed (exit ${result.status ?? result.error?.message}).`);
    process.exit(1);
  }
}

async function main() {
  const platform = process.platform;
  const archs = distArchs(platform, process.arch);
  step('compiling main process and proxy (tsc)', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  step('building the dashboard (vite)', [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  for (const arch of archs) step(`better-sqlite3 for Electron (${arch})`, [join(ROOT, 'scripts', 'rebuild-electron.mjs'), '--if-needed', `--arch=${arch}`]);

  const target = { darwin: Platform.MAC, win32: Platform.WINDOWS, linux: Platform.LINUX }[platform];
  if (!target) throw new Error(`no installers are configured for ${platform}`);
  // null: the targets electron-builder.yml lists for this OS.
  await build({ projectDir: ROOT, targets: target.createTarget(null, ...archs.map((a) => Arch[a])), publish: 'never' });

  const devDependencies = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies);
  let failed = false;
  for (const arch of archs) {
    const resources = resourcesDir(join(ROOT, 'out', 'desktop'), platform, arch);
    if (!existsSync(join(resources, 'app.asar'))) {
      console.error(`dist: no app.asar at ${resources}`);
      failed = true;
      continue;
    }
    const listing = readAppAsar(join(resources, 'app.asar'));
    const problems = packageProblems(listing, { arch, devDependencies });
    for (const p of problems) console.error(`dist: ${arch}: ${p}`);
    failed ||= problems.length > 0;
    const size = describeSize(sizeOnDisk(join(resources, 'app.asar')), sizeOnDisk(join(resources, 'app.asar.unpacked')), listing.files.length);
    console.log(`dist: ${arch}: ${size}`);
  }
  if (failed) process.exit(1);
  console.log('dist: installers are in out/desktop/');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`dist: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
