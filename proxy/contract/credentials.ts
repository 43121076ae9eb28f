/**
 * Which upstream credential a request used, as a label safe to show (the last four characters
 * at most), and what a replay of a stored exchange may send. Pure and free of Node imports:
 * the proxy keys rate limits by these labels, and the host and the renderer's replay dialog
 * share one answer to "which credentials will this use".
 */

export type CredentialKind = 'configured' | 'client-key' | 'oauth' | 'client-token';

const NAMES: Record<CredentialKind, string> = {
  configured: 'configured key',
  'client-key': 'client key',
  oauth: 'OAuth token',
  'client-token': 'client token',
};

/** A bearer credential by its prefix: the SDKs send API keys as bearer tokens too. */
export function bearerKind(secret: string): CredentialKind {
  const bare = secret.trim().replace(/^bearer\s+/i, '');
  if (bare.startsWith('sk-ant-oat')) return 'oauth';
  if (bare.startsWith('sk-ant-api')) return 'client-key';
  return 'client-token';
}

/** Secrets this short keep no suffix at all, as redact.ts's maskSecret does. */
const MIN_SUFFIX_SECRET = 9;

/** The last four characters of a secret long enough to keep them; null otherwise. */
export function last4Of(secret: string): string | null {
  const trimmed = secret.trim();
  const space = trimmed.indexOf(' ');
  const bare = space > 0 && space < 16 ? trimmed.slice(space + 1) : trimmed;
  return bare.length >= MIN_SUFFIX_SECRET ? bare.slice(-4) : null;
}

/** The suffix kept in a stored, masked header value ("Bearer [redacted …wxyz]"). */
export function last4OfMasked(masked: string): string | null {
  const match = /…([^\]]{4})\]$/.exec(masked);
  return match ? match[1]! : null;
}

export function credentialLabel(kind: CredentialKind, last4: string | null): string {
  return last4 ? `${NAMES[kind]} …${last4}` : NAMES[kind];
}

/** What a stored request carried: a key (`x-api-key`), a bearer token (`authorization`: an API
 * key or an OAuth token, which the mask no longer tells apart), or nothing. */
export function storedClientCredential(headers: Record<string, string>): { header: 'x-api-key' | 'authorization'; last4: string | null } | null {
  const key = headers['x-api-key'];
  if (key !== undefined) return { header: 'x-api-key', last4: last4OfMasked(key) };
  const auth = headers.authorization;
  if (auth !== undefined) return { header: 'authorization', last4: last4OfMasked(auth) };
  return null;
}

export type ReplayCredentials =
  /** The replay can be sent; `description` says with what. */
  | { ok: true; description: string }
  /** It cannot: the original used the client's own credential, which was never stored. */
  | { ok: false; description: string };

export const SET_KEY_HINT =
  'Set an API key in Settings (headless: start with ANTHROPIC_API_KEY set) and replay again; Addendum never stores a client\'s key to make replay work.';

/**
 * The credentials a replay will use. The proxy injects the configured key when there is one
 * (dropping any client credential); without it, a client's key or token would have to come
 * from the stored request, and those are kept masked on purpose.
 */
export function replayCredentials(
  requestHeaders: Record<string, string>,
  apiKey: { set: boolean; last4: string | null },
): ReplayCredentials {
  if (apiKey.set) {
    return { ok: true, description: `the API key configured in Addendum${apiKey.last4 ? ` (…${apiKey.last4})` : ''}` };
  }
  const client = storedClientCredential(requestHeaders);
  if (client === null) {
    return { ok: true, description: 'no credentials: the original request carried none and no API key is configured' };
  }
  const what = client.header === 'x-api-key' ? 'API key' : 'API key or OAuth token (Authorization: Bearer)';
  return {
    ok: false,
    description:
      `The original request used the client's own ${what}${client.last4 ? ` (…${client.last4})` : ''}, ` +
      `which Addendum does not store, and no API key is configured. ${SET_KEY_HINT}`,
  };
}
