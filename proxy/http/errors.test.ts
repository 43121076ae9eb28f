import { describe, expect, it } from 'vitest';
import { anthropicTypeForStatus, asProxyError, errors, ProxyError, toAnthropicErrorBody, toOpenAIErrorBody } from './errors.js';

describe('error mapping', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [502, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
    [418, 'invalid_request_error'],
    [599, 'api_error'],
  ])('status %i → %s', (status, type) => {
    expect(anthropicTypeForStatus(status)).toBe(type);
  });

  it('shapes bodies for both dialects', () => {
    const err = errors.unsupportedParameter('logprobs');
    expect(err.status).toBe(400);
    expect(toAnthropicErrorBody(err)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: err.message } });
    expect(toOpenAIErrorBody(err)).toEqual({
      error: { message: err.message, type: 'invalid_request_error', param: 'logprobs', code: 'unsupported_parameter' },
    });
    expect(err.message).toContain("'logprobs'");
  });

  it('keeps codes stable and wraps unknown errors', () => {
    expect(errors.bodyTooLarge(10)).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413, type: 'request_too_large' });
    expect(errors.upstreamTimeout('connect')).toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
    expect(errors.upstreamUnreachable('ECONNREFUSED')).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', status: 502, type: 'api_error' });
    const cause = new Error('boom');
    const wrapped = asProxyError(cause);
    expect(wrapped).toBeInstanceOf(ProxyError);
    expect(wrapped).toMatchObject({ code: 'INTERNAL', status: 500, cause });
    expect(wrapped.message).not.toContain('boom');
  });
});
