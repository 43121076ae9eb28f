/**
 * Issue 13, item 2: what a client sends reaches the log escaped and bounded, on the console
 * and in the live events the dashboard shows, while the history keeps it exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../proxy/config.js';
import { createProxy, type Proxy } from '../proxy/index.js';
import { cut, escapeControls, LOG_VALUE_MAX, logLine, logValue } from '../proxy/lib/log-safe.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

const ESC = '\u001b';
const EVIL = `evil${ESC}[2J${ESC}[31mRED\nFAKE LOG LINE`;

describe('log-safe', () => {
  it.each([
    ['plain text', 'claude-sonnet-4-5', 'claude-sonnet-4-5'],
    ['terminal escapes and a newline', EVIL, 'evil\\x1b[2J\\x1b[31mRED\\nFAKE LOG LINE'],
    ['tab, CR, NUL, DEL and a C1 control', 'a\tb\rc\0d\u007fe\u009b', 'a\\tb\\rc\\x00d\\x7fe\\x9b'],
    ['line separators and bidi overrides', 'x\u2028y\u202ez\u2066', 'x\\u2028y\\u202ez\\u2066'],
    ['non-ASCII that is printable', 'café 🍵 日本', 'café 🍵 日本'],
  ])('escapes %s', (_name, input, expected) => {
    expect(escapeControls(input)).toBe(expected);
    expect(logValue(input)).toBe(expected);
  });

  it('cuts long values and says how much was cut', () => {
    expect(cut('abcdef', 6)).toBe('abcdef');
    expect(cut('abcdef', 4)).toBe('abcd…[2 more chars]');
    expect(logValue('m'.repeat(100_000))).toBe(`${'m'.repeat(LOG_VALUE_MAX)}…[${100_000 - LOG_VALUE_MAX} more chars]`);
    // Never half a surrogate pair.
    expect(cut('ab🍵', 3)).toBe('ab…[2 more chars]');
    expect(logLine(`x\n${'y'.repeat(20)}`, 5)).toBe('x\\nyyy…[17 more chars]');
  });
});

describe('client values in the proxy log', () => {
  let fake: FakeUpstream;
  let proxy: Proxy;
  let baseUrl: string;
  let dataDir: string;
  let consoleOut: string[] = [];
  let logEvents: string[] = [];
  let liveModels: Array<string | null> = [];

  beforeAll(async () => {
    fake = await startFakeUpstream();
    dataDir = mkdtempSync(join(tmpdir(), 'addendum-log-'));
    proxy = await createProxy(
      { ...defaultConfig({}), port: 0, upstreamUrl: fake.url, dataDir, dashboardPort: null, logLevel: 'info' },
      { consoleLog: true },
    );
    proxy.events.on('log', (e) => logEvents.push(e.message));
    proxy.events.on('request:start', (e) => liveModels.push(e.model));
    proxy.events.on('request:finish', (e) => liveModels.push(e.model));
    baseUrl = (await proxy.start()).baseUrl!;
  });
  afterAll(async () => {
    await proxy.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    consoleOut = [];
    logEvents = [];
    liveModels = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      // Only the logger's lines: each starts with its ISO timestamp.
      if (/^\d{4}-\d\d-\d\dT/.test(String(chunk))) consoleOut.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    return () => vi.restoreAllMocks();
  });

  async function send(model: string, path = '/v1/messages'): Promise<void> {
    const res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client' },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    await proxy.history.flush();
  }

  async function storedModel(): Promise<string | null> {
    const page = await proxy.history.list({ limit: 1 });
    return (await proxy.history.get(page.items[0]!.id))!.model;
  }

  it('escapes terminal sequences and newlines in a model name', async () => {
    await send(EVIL);
    const printed = consoleOut.join('');
    expect(printed).not.toContain(ESC);
    expect(printed.split('\n').filter((l) => l.startsWith('FAKE LOG LINE'))).toEqual([]);
    expect(printed.match(/evil\\x1b\[2J\\x1b\[31mRED\\nFAKE LOG LINE/g)).toHaveLength(2);
    // Every log entry is one line.
    for (const chunk of consoleOut) expect(chunk.indexOf('\n')).toBe(chunk.length - 1);
    for (const message of logEvents) expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(logEvents.filter((m) => m.includes('evil\\x1b[2J'))).toHaveLength(2);
    expect(liveModels).toEqual(['evil\\x1b[2J\\x1b[31mRED\\nFAKE LOG LINE', 'evil\\x1b[2J\\x1b[31mRED\\nFAKE LOG LINE']);
    expect(await storedModel()).toBe(EVIL);
  });

  it('cuts a 100 KB model name in the log, not in the history', async () => {
    const long = 'm'.repeat(100_000);
    await send(long);
    const printed = consoleOut.join('');
    expect(printed.length).toBeLessThan(2_000);
    expect(printed).toContain(`…[${100_000 - LOG_VALUE_MAX} more chars]`);
    expect(logEvents.join('').length).toBeLessThan(2_000);
    expect(liveModels.every((m) => m !== null && m.length < 400)).toBe(true);
    expect(await storedModel()).toBe(long);
  });

  it('escapes control characters a client puts in the path', async () => {
    await send('m', `/v1/messages?q=${encodeURIComponent('\u001b[2J')}%0aFAKE`);
    // A URL arrives percent-encoded; the log shows it as sent, on one line each.
    const lines = consoleOut.filter((l) => l.includes('/v1/messages?q='));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.indexOf('\n')).toBe(line.length - 1);
  });
});
