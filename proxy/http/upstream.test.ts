/**
 * openUpstream against a loopback server: the body goes up whole, and once the answer has
 * begun the request no longer holds it (a stream lasts minutes; its body is not needed).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAgents, openUpstream } from './upstream.js';

let server: Server | null = null;
const agents = createAgents();
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});
afterAll(() => agents.destroy());

async function echoServer(): Promise<string> {
  server = createServer((req, res) => {
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
      { url, method: 'POST', headers: { 'content-length': String(body.length) }, body, connectTimeoutMs: 5000, idleTimeoutMs: 5000, agents },
      new AbortController().signal,
    );
    expect(up.status).toBe(200);
    expect(up.body.options.body).toBeUndefined();
    const echoed: Buffer[] = [];
    for await (const chunk of up.body) echoed.push(chunk as Buffer);
    expect(Buffer.concat(echoed).equals(body)).toBe(true);
  });
});
