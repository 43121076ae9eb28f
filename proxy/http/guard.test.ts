import { describe, expect, it } from 'vitest';
import { checkRequest, hostPart, isLoopbackHost, isLoopbackOrigin, reachableHost } from './guard.js';

describe('loopback guard', () => {
  it.each([
    ['127.0.0.1:8000', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['localhost:8000', true],
    ['LOCALHOST', true],
    ['app.localhost:1', true],
    ['[::1]:8000', true],
    ['::1', true],
    ['evil.example:8000', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.evil.example', false],
    ['192.168.1.5:8000', false],
    ['0.0.0.0:8000', false],
    ['', false],
  ])('Host %s → %s', (host, ok) => {
    expect(isLoopbackHost(host)).toBe(ok);
  });

  it('splits host and port', () => {
    expect(hostPart('[::1]:80')).toBe('::1');
    expect(hostPart('Example.com:80')).toBe('example.com');
  });

  it.each([
    ['http://localhost:5173', true],
    ['http://127.0.0.1:3000', true],
    ['https://[::1]:8443', true],
    ['https://evil.example', false],
    ['null', false],
    ['file://', false],
  ])('Origin %s → %s', (origin, ok) => {
    expect(isLoopbackOrigin(origin)).toBe(ok);
  });

  it('allows configured origins and explicitly bound hosts', () => {
    expect(checkRequest({ host: 'localhost', origin: 'https://app.example' }, { allowedOrigins: ['https://app.example'] })).toEqual({ ok: true });
    expect(checkRequest({ host: 'localhost', origin: 'https://evil.example' }, { allowedOrigins: [] })).toEqual({ ok: false, reason: 'origin', value: 'https://evil.example' });
    expect(checkRequest({ host: '10.0.0.2:8000' }, { allowedOrigins: [], allowedHosts: ['10.0.0.2'] })).toEqual({ ok: true });
    expect(checkRequest({ host: undefined }, { allowedOrigins: [] })).toEqual({ ok: false, reason: 'host', value: '' });
  });

  it('names a loopback address for a wildcard bind, and the bound address otherwise', () => {
    expect(reachableHost('0.0.0.0')).toBe('127.0.0.1');
    expect(reachableHost('::')).toBe('::1');
    expect(reachableHost('127.0.0.1')).toBe('127.0.0.1');
    expect(reachableHost('10.0.0.2')).toBe('10.0.0.2');
    // The names printed for a wildcard bind pass the Host check; the wildcard itself does not.
    expect(isLoopbackHost(`${reachableHost('0.0.0.0')}:8000`)).toBe(true);
    expect(isLoopbackHost(`[${reachableHost('::')}]:8000`)).toBe(true);
    expect(checkRequest({ host: '0.0.0.0:8000' }, { allowedOrigins: [], allowedHosts: [] })).toEqual({ ok: false, reason: 'host', value: '0.0.0.0:8000' });
  });
});
