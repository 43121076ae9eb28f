/** Header policy for the OpenAI routes, on top of the native routes' policy in ../headers.ts. */
import { upstreamRequestHeaders, type UpstreamHeaderOptions } from '../http/headers.js';
import type { HeaderBag } from '../lib/redact.js';

/**
 * OpenAI clients send no `anthropic-version`; this is the version every Messages API feature
 * the translator uses works with, and the last one that still accepts sampling parameters.
 */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Headers only OpenAI's API understands; Anthropic would ignore them at best. */
const OPENAI_ONLY = /^(openai-|x-openai-)/;

export function openAIUpstreamHeaders(client: HeaderBag, options: UpstreamHeaderOptions): Record<string, string | string[]> {
  const out = upstreamRequestHeaders(client, options);
  for (const name of Object.keys(out)) if (OPENAI_ONLY.test(name)) delete out[name];
  out['anthropic-version'] ??= ANTHROPIC_VERSION;
  // The body is always re-serialized JSON, whatever the client labelled it.
  if (options.contentLength !== undefined) out['content-type'] = 'application/json';
  // OpenAI SDKs put the key in `Authorization: Bearer`; Anthropic API keys belong in x-api-key.
  // OAuth tokens (anything else) stay where they are.
  const auth = out.authorization;
  if (!options.apiKey && typeof auth === 'string' && out['x-api-key'] === undefined) {
    const key = /^Bearer\s+(sk-ant-api\S+)$/i.exec(auth)?.[1];
    if (key) {
      out['x-api-key'] = key;
      delete out.authorization;
    }
  }
  return out;
}

const PASSED_BACK = /^(retry-after|retry-after-ms|x-should-retry|anthropic-ratelimit-.*)$/;

/**
 * The few upstream response headers an OpenAI client uses: retry hints (the openai SDK honours
 * retry-after and x-should-retry), rate-limit counters, and the request id under OpenAI's name.
 */
export function openAIResponseHeaders(upstream: HeaderBag): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (PASSED_BACK.test(lower)) out[lower] = value;
    else if (lower === 'request-id') out['x-request-id'] = value;
  }
  return out;
}
