/**
 * Secrets never leave the request path: anything logged, stored, shown or put into an
 * error message goes through here first.
 */

const SECRET_HEADERS = new Set([
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-addendum-token',
  'anthropic-admin-key',
  // A replay's single-use ticket (http/replay-link.ts); the link itself is kept as replayOf.
  'x-addendum-replay-of',
]);

/** Keeps the scheme and the last four characters so a user can tell two keys apart. */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space > 0 && space < 16 ? trimmed.slice(0, space + 1) : '';
  const secret = scheme ? trimmed.slice(space + 1) : trimmed;
  if (secret.length <= 8) return `${scheme}[redacted]`;
  return `${scheme}[redacted …${secret.slice(-4)}]`;
}

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Flattens to one string per header (joined with ", ") and masks the secret ones. */
export function redactHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name.toLowerCase()] = isSecretHeader(name) ? maskSecret(value) : value;
  }
  return out;
}

/** Removes every occurrence of the given secrets from free text (error messages, logs). */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  }
  return out;
}
