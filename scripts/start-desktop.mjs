#!/usr/bin/env node
/**
 * `npm start`: build the main process and the dashboard, build better-sqlite3 for
 * Electron if needed, then launch the desktop app. Extra arguments go to the app
 * (e.g. `npm start -- --hidden`).
 *
 *   --no-launch   stop after the builds (CI, or a machine without Electron)
 *
 * From Electron 42 on the `electron` package downloads its binary on first launch, so the
 * first `npm start` after `npm ci` fetches it; nothing is downloaded before launch.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath, electronInfo } from './electron-native.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const launch = !args.includes('--no-launch');
const appArgs = args.filter((a) => a !== '--no-launch');

function step(title, command, commandArgs, env = process.env) {
  console.log(`start: ${title}`);
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit', env });
  if (result.error) {
    console.error(`start: ${title} could not run: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`start: ${title} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

const node = process.execPath;
step('compiling main process and proxy (tsc)', node, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
step('building the dashboard (vite)', node, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
step('checking better-sqlite3 for Electron', node, [join(ROOT, 'scripts', 'rebuild-electron.mjs'), '--if-needed']);

if (!launch) {
  console.log('start: built; not launching (--no-launch).');
  process.exit(0);
}

const electron = electronInfo(ROOT);
if (!electron) {
  console.error('start: node_modules/electron is missing: run `npm ci` first.');
  process.exit(1);
}
// The package's own launcher fetches the binary when it is not there yet.
const binary = electronBinaryPath(electron.dir);
const [command, launchArgs] = binary
  ? [binary, ['dist/main/index.js', ...appArgs]]
  : [node, [join(electron.dir, 'cli.js'), 'dist/main/index.js', ...appArgs]];
const env = { ...process.env };
// Set by some tools for child processes; it would make Electron behave as plain Node.
delete env.ELECTRON_RUN_AS_NODE;
console.log(`start: launching Electron ${electron.version}`);
const result = spawnSync(command, launchArgs, { cwd: ROOT, stdio: 'inherit', env });
if (result.error) {
  console.error(`start: could not launch Electron: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 0);
