/** Requests for the translator's tests. */
import { ProxyError } from '../http/errors.js';
import { translateRequest } from './request.js';

export const MODEL = 'claude-sonnet-4-5-20250929';
export const user = (content: unknown) => ({ role: 'user', content });
export const base = (extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [user('Hi')], ...extra });

export function refusal(body: unknown): ProxyError {
  try {
    translateRequest(body);
  } catch (e) {
    if (e instanceof ProxyError) return e;
    throw e;
  }
  throw new Error('expected translateRequest to throw');
}
