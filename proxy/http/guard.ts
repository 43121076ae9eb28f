/**
 * Loopback checks against DNS rebinding and cross-site browser requests. A page on
 * evil.example can make the browser send requests to 127.0.0.1, but its Host header
 * says evil.example and its Origin says so too: both are refused.
 */
import { isIP } from 'node:net';

/** Splits "host:port", "[v6]:port", "v6" and "host" into the host part, lower-cased. */
export function hostPart(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  // A bare IPv6 address has several colons and no brackets.
  if (value.indexOf(':') !== value.lastIndexOf(':')) return value;
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

export function isLoopbackName(host: string): boolean {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const family = isIP(h);
  if (family === 4) return h.startsWith('127.');
  if (family === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}

export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  return isLoopbackName(hostPart(hostHeader));
}

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return isLoopbackName(url.hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

/**
 * The address a client on this machine uses for a server bound to `bindHost`. A wildcard
 * bind (0.0.0.0 in a container) is no address to connect to, and its name would be refused
 * by the Host check above: loopback is what local clients and published ports reach.
 */
export function reachableHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::' || bindHost === '[::]') return '::1';
  return bindHost;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: 'host' | 'origin'; value: string };

/**
 * `allowedHosts` widens the Host rule: a user who binds a LAN address on purpose (e.g. in a
 * container) must still reach the proxy by that address. The app derives it from the
 * configured `host`.
 */
export function checkRequest(
  headers: { host?: string | undefined; origin?: string | undefined },
  options: { allowedOrigins: readonly string[]; allowedHosts?: readonly string[] },
): GuardVerdict {
  const host = headers.host;
  if (!isLoopbackHost(host)) {
    const allowed = host !== undefined && (options.allowedHosts ?? []).includes(hostPart(host));
    if (!allowed) return { ok: false, reason: 'host', value: host ?? '' };
  }
  const origin = headers.origin;
  // "null" is what sandboxed frames and file:// pages send: not a loopback page we trust.
  if (origin !== undefined && origin !== '' && !isLoopbackOrigin(origin) && !options.allowedOrigins.includes(origin)) {
    return { ok: false, reason: 'origin', value: origin };
  }
  return { ok: true };
}
