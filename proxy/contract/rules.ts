/**
 * The rules for the values a user sets: the port, the upstream URL and the history's
 * retention (rows, age, size). One set, checked by the run's config, the settings file and patch, the CLI
 * flags and environment, and the dashboard's form, so none of them accepts what another
 * refuses. Pure and free of Node imports: the renderer runs this very code.
 *
 * Each check returns null for a good value, else the problem as "must …", which each caller
 * puts in its own sentence ("port: must …", "Port must …").
 */
import { z } from 'zod';

export const RULE_LIMITS = {
  upstreamUrlChars: 2048,
  maxRows: 10_000_000,
  maxAgeDays: 36_500,
  /** 1 TiB. */
  maxDbMb: 1_048_576,
} as const;

/** The history's size cap when none is set (RetentionSettings.maxDbMb absent). */
export const DEFAULT_MAX_DB_MB = 1024;

function parsesAsUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

const port = z.number().int().min(0).max(65_535);

const upstreamUrl = z
  .string()
  .max(RULE_LIMITS.upstreamUrlChars, `must be at most ${RULE_LIMITS.upstreamUrlChars} characters`)
  .superRefine((text, ctx) => {
    const url = parsesAsUrl(text.trim());
    if (!url) ctx.addIssue({ code: 'custom', message: 'must be a full URL, e.g. https://api.anthropic.com' });
    else if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
    // A URL is shown, logged and stored; a password in it would be too. Keys go in the key field.
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials: put the key in the API key setting' });
  });

const maxRows = z.number().int().min(1).max(RULE_LIMITS.maxRows);
const maxAgeDays = z.number().gt(0).max(RULE_LIMITS.maxAgeDays);
const maxDbMb = z.number().int().min(1).max(RULE_LIMITS.maxDbMb);

/** What a good value is, for the messages of the number rules. */
const EXPECTS = {
  port: 'must be a whole number from 0 to 65535',
  maxRows: `must be a whole number from 1 to ${RULE_LIMITS.maxRows}`,
  maxAgeDays: `must be a positive number of days up to ${RULE_LIMITS.maxAgeDays}`,
  maxDbMb: `must be a whole number of MiB from 1 to ${RULE_LIMITS.maxDbMb}`,
} as const;

function problem(schema: z.ZodType, value: unknown, expects?: string): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  return expects ?? result.error.issues[0]?.message ?? 'is not valid';
}

export const checkPort = (value: unknown): string | null => problem(port, value, EXPECTS.port);
export const checkUpstreamUrl = (value: unknown): string | null =>
  typeof value === 'string' ? problem(upstreamUrl, value) : 'must be a string';
export const checkMaxRows = (value: unknown): string | null => problem(maxRows, value, EXPECTS.maxRows);
export const checkMaxAgeDays = (value: unknown): string | null => problem(maxAgeDays, value, EXPECTS.maxAgeDays);
export const checkMaxDbMb = (value: unknown): string | null => problem(maxDbMb, value, EXPECTS.maxDbMb);

/** Strict whole-number text ("80", not "80abc", "8e1" or "80.0"), for flags and form fields. */
export function parseWholeNumber(text: string): number | null {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** Strict decimal text ("7", "0.5"), for flags and form fields. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}
