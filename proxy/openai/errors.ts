/**
 * Anthropic error bodies -> OpenAI's `{error:{message,type,param,code}}`, keeping the HTTP status
 * (the openai SDK picks its error class from the status alone). Types and codes follow what
 * OpenAI's API itself returns: e.g. a bad key is `invalid_request_error` / `invalid_api_key`, a
 * rate limit names what ran out (`requests` or `tokens`) with `rate_limit_exceeded`.
 */
import type { OpenAIErrorBody } from '../http/errors.js';
import { isRecord } from './util.js';

interface Mapping {
  type: string;
  code: string | null;
}

function mapType(anthropicType: string, status: number, message: string): Mapping {
  switch (anthropicType) {
    case 'invalid_request_error':
      return { type: 'invalid_request_error', code: null };
    case 'authentication_error':
      return { type: 'invalid_request_error', code: 'invalid_api_key' };
    case 'permission_error':
      return { type: 'permission_error', code: 'permission_denied' };
    case 'not_found_error':
      return { type: 'invalid_request_error', code: /model/i.test(message) ? 'model_not_found' : 'not_found' };
    case 'request_too_large':
      return { type: 'invalid_request_error', code: 'request_too_large' };
    case 'rate_limit_error':
      return { type: /token/i.test(message) ? 'tokens' : 'requests', code: 'rate_limit_exceeded' };
    case 'billing_error':
      return { type: 'insufficient_quota', code: 'insufficient_quota' };
    case 'overloaded_error':
      return { type: 'server_error', code: 'overloaded' };
    case 'timeout_error':
      return { type: 'server_error', code: 'timeout' };
    case 'api_error':
      return { type: 'server_error', code: null };
    default:
      return { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: anthropicType || null };
  }
}

const MAX_RAW_MESSAGE = 500;

/**
 * @param status upstream HTTP status (for a mid-stream error event, the status the error would
 *   have had; only used when the body names no type).
 * @param body the upstream body, parsed or as text.
 */
export function translateUpstreamError(status: number, body: unknown): OpenAIErrorBody {
  let parsed: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = body.toString();
    try {
      parsed = JSON.parse(text);
    } catch {
      const snippet = text.trim().slice(0, MAX_RAW_MESSAGE);
      const { type, code } = mapType('', status, '');
      return { error: { message: snippet ? `Upstream error ${status}: ${snippet}` : `Upstream error ${status}.`, type, param: null, code } };
    }
  }
  const root = isRecord(parsed) ? parsed : {};
  const err = isRecord(root.error) ? root.error : {};
  const anthropicType = typeof err.type === 'string' ? err.type : '';
  const baseMessage = typeof err.message === 'string' && err.message ? err.message : `Upstream error ${status}.`;
  const requestId = typeof root.request_id === 'string' ? ` (request id: ${root.request_id})` : '';
  const { type, code } = mapType(anthropicType, status, baseMessage);
  return { error: { message: baseMessage + requestId, type, param: null, code } };
}
