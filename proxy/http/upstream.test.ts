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
