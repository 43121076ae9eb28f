/**
 * Starts a real proxy (port 0, temp data dir) in front of the fake upstream. Shared by the
 * integration suites so each test file reads as the behaviour it checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
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

/** The newest history row, after everything queued was written. */
export async function lastRow(h: Harness) {
  await h.proxy.history.flush();
  const page = await h.proxy.history.list({ limit: 1 });
  const id = page.items[0]?.id;
  if (!id) throw new Error('no history row');
  return (await h.proxy.history.get(id))!;
}

/**
 * Makes the fake upstream's next answer an event stream that sends its headers and `first`
 * (nothing: the headers alone), then holds back `rest` until the returned function is called.
 */
export function enqueueHeldStream(h: Harness, first: string, rest: string): () => void {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  h.fake.enqueue({
    kind: 'custom',
    handler: async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      if (first === '') res.flushHeaders();
      else res.write(first);
      await released;
      res.end(rest);
    },
  });
  return release;
}

/**
 * Checks that a streamed response reached the client while upstream was still writing: reads
 * until `marker`, sees the fake's stream unfinished, then drains it. Returns the text read.
 */
export async function expectDeliveredAsItArrives(h: Harness, res: Response, marker: string): Promise<string> {
  const { text, reader } = await readUntil(res.body!, (t) => t.includes(marker));
  expect(text).toContain(marker);
  // The fake has not written its last event yet: nothing was buffered in between.
  expect(h.fake.responses[0]!.complete).toBe(false);
  expect(h.fake.responses[0]!.bytes.toString()).not.toContain('message_stop');
  while (!(await reader.read()).done);
  expect(h.fake.responses[0]!.complete).toBe(true);
  return text;
}

/** Posts a streaming request, disconnects once `marker` arrived, and checks that upstream was
 * cut at once. Returns the exchange's history row. */
export async function abortMidStream(h: Harness, path: string, body: unknown, marker: string) {
  const controller = new AbortController();
  const res = await fetch(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  await readUntil(res.body!, (t) => t.includes(marker));
  controller.abort();
  await h.fake.waitForClientClose(0, 1000);
  expect(h.fake.requests[0]!.clientAborted).toBe(true);
  return lastRow(h);
}
