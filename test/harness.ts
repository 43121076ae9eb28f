/**
 * Starts a real proxy (port 0, temp data dir) in front of the fake upstream. Shared by the
 * integration suites so each test file reads as the behaviour it checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type ProxyConfig } from '../proxy/config.js';
import { createProxy, type Proxy } from '../proxy/index.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

export interface Harness {
  fake: FakeUpstream;
  proxy: Proxy;
  baseUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<ProxyConfig> = {}, options: { fake?: FakeUpstream } = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeUpstream());
  const dataDir = mkdtempSync(join(tmpdir(), 'addendum-test-'));
  const proxy = await createProxy({
    ...defaultConfig({}),
    port: 0,
    upstreamUrl: fake.url,
    dataDir,
    dashboardPort: null,
    logLevel: 'warn',
    ...overrides,
  });
  const status = await proxy.start();
  return {
    fake,
    proxy,
    baseUrl: status.baseUrl!,
    dataDir,
    async close() {
      await proxy.close();
      if (!options.fake) await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads a fetch body chunk by chunk, resolving once `predicate` holds for the text so far. */
export async function readUntil(body: ReadableStream<Uint8Array>, predicate: (text: string) => boolean): Promise<{ text: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) text += decoder.decode(value, { stream: true });
    if (predicate(text) || done) return { text, reader };
  }
}
