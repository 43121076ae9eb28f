/**
 * Errors the proxy produces itself. Each carries a stable `code` (for logs, history and
 * the UI), the HTTP status, and the Anthropic error type it maps to; the two body
 * shapes are derived from that, so a route never hand-writes an error body.
 */
import { AddendumError } from '../lib/errors.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export type ProxyErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'UNSUPPORTED_PARAMETER'
  | 'BODY_TOO_LARGE'
  | 'NOT_FOUND'
  | 'FORBIDDEN_HOST'
  | 'FORBIDDEN_ORIGIN'
  | 'UNAUTHORIZED'
  | 'UPSTREAM_UNREACHABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_STREAM_ERROR'
  | 'CLIENT_ABORTED'
  | 'INTERNAL';

const STATUS_TYPE: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicTypeForStatus(status: number): AnthropicErrorType {
  return STATUS_TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export interface ProxyErrorOptions {
  /** When absent, the code's status. */
  status?: number;
  type?: AnthropicErrorType;
  /** OpenAI `param` field: the request parameter at fault, when there is one. */
  param?: string | null;
  cause?: unknown;
}

export class ProxyError extends AddendumError<ProxyErrorCode> {
  readonly type: AnthropicErrorType;
  readonly param: string | null;

  constructor(code: ProxyErrorCode, message: string, options: ProxyErrorOptions = {}) {
    super(code, message, options);
    this.type = options.type ?? anthropicTypeForStatus(this.status);
    this.param = options.param ?? null;
  }
}

export const errors = {
  invalidJson: (detail: string) =>
    new ProxyError('INVALID_JSON', `Request body is not valid JSON: ${detail}`),
  invalidRequest: (message: string, param?: string) =>
    new ProxyError('INVALID_REQUEST', message, { param: param ?? null }),
  unsupportedParameter: (param: string, detail?: string) =>
    new ProxyError(
      'UNSUPPORTED_PARAMETER',
      `Unsupported parameter: '${param}'${detail ? ` (${detail})` : ''} is not supported when translating to Anthropic.`,
      { param },
    ),
  bodyTooLarge: (limit: number) =>
    new ProxyError('BODY_TOO_LARGE', `Request body exceeds the ${limit} byte limit.`),
  notFound: (path: string) =>
    new ProxyError('NOT_FOUND', `No route for ${path}.`),
  forbiddenHost: (host: string) =>
    new ProxyError('FORBIDDEN_HOST', `Host '${host}' is not a loopback address; request refused.`),
  forbiddenOrigin: (origin: string) =>
    new ProxyError('FORBIDDEN_ORIGIN', `Origin '${origin}' is not allowed.`),
  upstreamUnreachable: (reason: string, cause?: unknown) =>
    new ProxyError('UPSTREAM_UNREACHABLE', `Upstream API unreachable: ${reason}`, { cause }),
  upstreamTimeout: (what: string, cause?: unknown) =>
    new ProxyError('UPSTREAM_TIMEOUT', `Upstream API timed out (${what}).`, { cause }),
  streamFailed: (reason: string, cause?: unknown) =>
    new ProxyError('UPSTREAM_STREAM_ERROR', `Upstream stream failed: ${reason}`, { cause }),
  /** `when`: what the proxy was doing, e.g. 'mid-response'. */
  clientAborted: (when: string, cause?: unknown) =>
    new ProxyError('CLIENT_ABORTED', `Client closed the connection${when ? ` ${when}` : ''}.`, { cause }),
  internal: (cause: unknown) =>
    new ProxyError('INTERNAL', 'Internal proxy error.', { cause }),
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType | string; message: string };
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function toAnthropicErrorBody(err: ProxyError): AnthropicErrorBody {
  return { type: 'error', error: { type: err.type, message: err.message } };
}

/** OpenAI's error `type` values by status, as its API and SDK use them. */
export function openAITypeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function toOpenAIErrorBody(err: ProxyError): OpenAIErrorBody {
  return {
    error: {
      message: err.message,
      type: openAITypeForStatus(err.status),
      param: err.param,
      code: err.code.toLowerCase(),
    },
  };
}

/** Wrap anything thrown into a ProxyError without losing the original. */
export function asProxyError(err: unknown): ProxyError {
  return err instanceof ProxyError ? err : errors.internal(err);
}
