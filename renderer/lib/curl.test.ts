import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCurl, shellQuote } from './curl.js';

const record = {
  method: 'POST',
  path: '/v1/messages?beta=true',
  dialect: 'anthropic' as const,
  stream: true,
  requestHeaders: {
    host: '127.0.0.1:8000',
    'content-type': 'application/json',
    'x-api-key': '[redacted …abcd]',
    authorization: 'Bearer [redacted …wxyz]',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'prompt-caching-2024-07-31',
    'content-length': '123',
    'user-agent': 'Anthropic/JS 0.50.0',
  },
  originalBody: '{"messages":[{"role":"user","content":"hi"}]}',
  forwardedBody: `{"messages":[{"role":"user","content":"hi it's me"}]}`,
};

describe('buildCurl', () => {
  const cmd = buildCurl(record, { baseUrl: 'https://api.anthropic.com/' });

  it('targets the upstream with the forwarded body', () => {
    expect(cmd).toContain(`curl -N -X POST 'https://api.anthropic.com/v1/messages?beta=true'`);
    expect(cmd).toContain(`--data-binary '{"messages":[{"role":"user","content":"hi it'\\''s me"}]}'`);
  });

  it('never carries a key: secrets and transport headers are dropped, the key is a shell variable', () => {
    expect(cmd).toContain(`-H "x-api-key: $ANTHROPIC_API_KEY"`);
    expect(cmd).not.toMatch(/redacted|abcd|wxyz|Bearer|content-length|127\.0\.0\.1/i);
    expect(cmd).toContain(`-H 'anthropic-beta: prompt-caching-2024-07-31'`);
    expect(cmd).toContain(`-H 'user-agent: Anthropic/JS 0.50.0'`);
  });

  it('adds the headers the Messages API needs when the client did not send them', () => {
    const c = buildCurl({ ...record, stream: false, requestHeaders: {} }, { baseUrl: 'http://up' });
    expect(c.startsWith(`curl -X POST 'http://up/v1/messages?beta=true'`)).toBe(true);
    expect(c).toContain(`-H 'anthropic-version: 2023-06-01'`);
    expect(c).toContain(`-H 'content-type: application/json'`);
  });

  it('sends an OpenAI exchange as the translated Messages request', () => {
    const c = buildCurl(
      { ...record, dialect: 'openai', path: '/v1/chat/completions', requestHeaders: { authorization: 'Bearer [redacted]', 'openai-organization': 'org', 'content-type': 'application/json' } },
      { baseUrl: 'https://api.anthropic.com' },
    );
    expect(c).toContain(`'https://api.anthropic.com/v1/messages'`);
    expect(c).not.toContain('openai-organization');
  });

  it('is a valid shell command whose arguments survive quoting', () => {
    // Run the command through a real shell with curl replaced by a function that prints
    // its arguments, to prove quoting keeps the body byte-exact.
    const tricky = { ...record, forwardedBody: `{"t":"$(rm -rf /) \`x\` 'q' \\"d\\" \\n"}` };
    const c = buildCurl(tricky, { baseUrl: 'http://up' });
    const out = execFileSync('sh', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\nANTHROPIC_API_KEY=k\n${c}`]).toString();
    const args = out.split('\0');
    expect(args).toContain('x-api-key: k');
    expect(args[args.indexOf('--data-binary') + 1]).toBe(tricky.forwardedBody);
  });
});

it('shellQuote escapes single quotes', () => {
  expect(shellQuote(`a'b`)).toBe(`'a'\\''b'`);
});
