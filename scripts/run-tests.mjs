#!/usr/bin/env node
/**
 * `npm test`: type-check, build, then every suite (vitest: unit + integration + renderer;
 * Playwright: dashboard in Chromium, Electron when a binary exists; the container image
 * when podman can run), and one closing line
 * summing them all: `N passed, N failed, N skipped`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// 1. Types: a type error is a failure even when every test passes.
if (run('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) totals.failed++;

// 2. Build: the CLI tests run dist/proxy/cli/main.js and the browser tests load dist/renderer.
if (run('build', 'npm', ['run', 'build', '--silent']) !== 0) {
  totals.failed++;
  finish();
}

// 3. vitest
runVitest('vitest', 'vitest.json', []);

// 4. Playwright (browsers are never downloaded: Debian's Chromium, see playwright.config.ts)
const pwJson = join(results, 'playwright.json');
rmSync(pwJson, { force: true });
const pwStatus = run('playwright', npx, ['playwright', 'test', '--reporter=list,json'], {
  E2E_SKIP_BUILD: '1',
  PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
});
const p = readJson(pwJson);
if (p?.stats) {
  totals.passed += p.stats.expected + (p.stats.flaky ?? 0);
  totals.failed += p.stats.unexpected;
  totals.skipped += p.stats.skipped;
  if (pwStatus !== 0 && p.stats.unexpected === 0) totals.failed++;
} else {
  totals.failed++;
}

// 5. The container image (build, run, stop; skips with the reason when podman cannot run).
// Last and on its own: building an image takes minutes of every core.
runVitest('container', 'vitest-container.json', ['--config', 'vitest.container.config.ts']);

finish();

/** One vitest run, its counts added to the totals. */
function runVitest(label, jsonName, args) {
  const json = join(results, jsonName);
  rmSync(json, { force: true });
  const status = run(label, npx, ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile=${json}`]);
  const v = readJson(json);
  if (!v) {
    totals.failed++;
    return;
  }
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
  // A suite that failed to load has no failed tests but is a failure all the same.
  if (status !== 0 && v.numFailedTests === 0) totals.failed++;
}

function finish() {
  const line = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  process.stdout.write(`\n${line}\n`);
  process.exit(totals.failed > 0 ? 1 : 0);
}
