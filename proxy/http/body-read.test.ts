/**
 * readBody against a loopback server: bodies of declared length read straight into a pooled
 * buffer, chunked ones through raw-body, and both refusing what is too large or cut short
 * with the error the client is answered with.
 */
import { connect } from 'node:net';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classCapacity } from '../lib/buffer-pool.js';
import { readBody } from './body.js';
import type { ProxyError } from './errors.js';

const LIMIT = 256 * 1024;
let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

/** A server that reads each request's body with readBody and hands the result to the test. */
async function reader(): Promise<{ port: number; next: () => Promise<Buffer | ProxyError> }> {
  const results: Array<(r: Buffer | ProxyError) => void> = [];
  const pending: Array<Buffer | ProxyError> = [];
  server = createServer((req: IncomingMessage, res) => {
    readBody(req, LIMIT).then(
      (b) => (res.end('ok'), b),
      (e: ProxyError) => (res.destroy(), e),
    ).then((r) => (results.length ? results.shift()!(r) : pending.push(r)));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, next: () => (pending.length ? Promise.resolve(pending.shift()!) : new Promise((resolve) => results.push(resolve))) };
}

function send(port: number, chunks: Buffer[], headers: Record<string, string>): void {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers });
  req.on('error', () => {});
  req.on('response', (res) => res.resume());
  for (const c of chunks) req.write(c);
  req.end();
}

const body = Buffer.from(Array.from({ length: 6000 }, (_, i) => `{"n":${i}}`).join(','));

describe('readBody', () => {
  it('reads a body of declared length, sent in pieces, into one pooled shared buffer', async () => {
    const { port, next } = await reader();
    send(port, [body.subarray(0, 1000), body.subarray(1000, 30_000), body.subarray(30_000)], { 'content-length': String(body.length) });
    const got = (await next()) as Buffer;
    expect(got.equals(body)).toBe(true);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(got.buffer.byteLength).toBe(classCapacity(body.length));
  });

  it('reads a chunked body (no declared length) the same', async () => {
    const { port, next } = await reader();
    send(port, [body.subarray(0, 7), body.subarray(7)], { 'transfer-encoding': 'chunked' });
    const got = (await next()) as Buffer;
    expect(got.equals(body)).toBe(true);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('refuses a body over the limit with 413, declared or chunked', async () => {
    const { port, next } = await reader();
    const big = Buffer.alloc(LIMIT + 1, 'x');
    send(port, [big], { 'content-length': String(big.length) });
    expect((await next()) as ProxyError).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
    send(port, [big.subarray(0, LIMIT), big.subarray(LIMIT)], { 'transfer-encoding': 'chunked' });
    expect((await next()) as ProxyError).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
  });

  it('tells a client that went away mid-body from a bad request', async () => {
    const { port, next } = await reader();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 40_000), () => setTimeout(() => socket.destroy(), 20));
    expect((await next()) as ProxyError).toMatchObject({ code: 'CLIENT_ABORTED' });
  });
});
