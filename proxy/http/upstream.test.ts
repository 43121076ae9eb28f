/**
 * openUpstream against a loopback server: the body goes up whole, and once the answer has
 * begun the request no longer holds it (a stream lasts minutes; its body is not needed).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createUpstreamClient, openUpstream } from './upstream.js';

let server: Server | null = null;
let seenHeaders: Record<string, string | string[] | undefined> = {};
const client = createUpstreamClient();
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});
afterAll(() => client.destroy());

async function echoServer(): Promise<string> {
  server = createServer((req, res) => {
    seenHeaders = req.headers;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
}

describe('openUpstream', () => {
  it('sends a buffered body whole and lets go of it once the answer begins', async () => {
    const url = await echoServer();
    const body = Buffer.alloc(256 * 1024, 'a');
    const up = await openUpstream(
      { url, method: 'POST', headers: { 'content-length': String(body.length) }, body, connectTimeoutMs: 5000, idleTimeoutMs: 5000, client },
      new AbortController().signal,
    );
    expect(up.status).toBe(200);
    expect(up.body.options.body).toBeUndefined();
    const echoed: Buffer[] = [];
    for await (const chunk of up.body) echoed.push(chunk as Buffer);
    expect(Buffer.concat(echoed).equals(body)).toBe(true);
  });

  it('tells when it is done with a buffered body: after its last byte went out, or once the request failed', async () => {
    const url = await echoServer();
    const body = Buffer.alloc(256 * 1024, 'b');
    for (const sent of [body, [body.subarray(0, 1000), body.subarray(1000)]]) {
      let calls = 0;
      let receivedBeforeDone = false;
      const up = await openUpstream(
        { url, method: 'POST', headers: { 'content-length': String(body.length) }, body: sent, onBodyDone: () => calls++, connectTimeoutMs: 5000, idleTimeoutMs: 5000, client },
        new AbortController().signal,
      );
      const echoed: Buffer[] = [];
      for await (const chunk of up.body) {
        receivedBeforeDone ||= calls === 0 && echoed.length === 0;
        echoed.push(chunk as Buffer);
      }
      expect(Buffer.concat(echoed).equals(body)).toBe(true);
      // The echo server answers only after the whole upload, so the upload was done first.
      expect(receivedBeforeDone).toBe(false);
      await new Promise((r) => setImmediate(r));
      expect(calls).toBeGreaterThanOrEqual(1);
    }
    let failedCalls = 0;
    const refused = openUpstream(
      { url: 'http://127.0.0.1:9/v1/messages', method: 'POST', headers: {}, body, onBodyDone: () => failedCalls++, connectTimeoutMs: 5000, idleTimeoutMs: 5000, client },
      new AbortController().signal,
    );
    await expect(refused).rejects.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(failedCalls).toBeGreaterThanOrEqual(1);
  });

  it('sends the headers it is given and no user-agent of its own', async () => {
    const url = await echoServer();
    const open = (headers: Record<string, string>) =>
      openUpstream({ url, method: 'POST', headers, body: Buffer.from('{}'), connectTimeoutMs: 5000, idleTimeoutMs: 5000, client }, new AbortController().signal).then((up) => up.body.resume());
    await open({ 'x-api-key': 'k' });
    expect(seenHeaders['user-agent']).toBeUndefined();
    expect(seenHeaders['x-api-key']).toBe('k');
    await open({ 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)' });
    expect(seenHeaders['user-agent']).toBe('claude-cli/2.1.197 (external, sdk-cli)');
  });
});
