/**
 * Builds what the browser tests run: the proxy/CLI (tsc → dist/proxy) and the dashboard
 * (vite → dist/renderer). Set E2E_SKIP_BUILD=1 when a CI step has just built both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SCREENSHOT_DIR } from './paths.js';

function run(label: string, command: string, args: string[], options: { typeErrorsFatal: boolean }): void {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', env: process.env });
  if (result.status === 0) return;
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
  // tsc still emits JavaScript when types are wrong; the type check is its own CI step, so
  // a type error elsewhere need not hide what the browser tests have to say.
  if (!options.typeErrorsFatal && result.status === 2 && /error TS\d+/.test(output)) {
    process.stderr.write(`warning: ${label} reported type errors; testing the emitted JavaScript anyway.\n${output}\n`);
    return;
  }
  throw new Error(`${label} failed (exit ${result.status}):\n${output}`);
}

export default function globalSetup(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  if (process.env.E2E_SKIP_BUILD !== '1') {
    const bin = join(REPO_ROOT, 'node_modules', '.bin');
    run('tsc build (npm run build)', join(bin, 'tsc'), ['-p', 'tsconfig.build.json'], { typeErrorsFatal: false });
    run('dashboard build (vite build)', join(bin, 'vite'), ['build', '--logLevel', 'warn'], { typeErrorsFatal: true });
  }
  for (const file of ['dist/proxy/cli/main.js', 'dist/renderer/index.html']) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing: build the project first (npm run build).`);
  }
}
