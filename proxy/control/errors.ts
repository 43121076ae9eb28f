/**
 * One mapping from errors to replies, for the HTTP control API (and reusable by the IPC
 * transport): known codes keep their message, which our own code writes for the user;
 * anything else becomes a generic INTERNAL so no stack, path or secret leaks out.
 */

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Codes whose messages are written for users, with the HTTP status each maps to. */
const STATUS_BY_CODE: Record<string, number> = {
  INVALID_SETTINGS: 400,
  INVALID_ARGUMENT: 400,
  INVALID_JSON: 400,
  HISTORY_BAD_CURSOR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: 403,
  FORBIDDEN_ORIGIN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PORT_IN_USE: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LISTEN_FAILED: 500,
  HISTORY_CLOSED: 503,
  SETTINGS_IO: 500,
  INTERNAL: 500,
};

export class ControlError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: keyof typeof STATUS_BY_CODE & string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlError';
    this.code = code;
    this.status = STATUS_BY_CODE[code] ?? 500;
  }
}

function codeOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

export function isKnownErrorCode(code: string): boolean {
  return Object.hasOwn(STATUS_BY_CODE, code);
}

export function toErrorReply(err: unknown): { status: number; body: ApiErrorBody; known: boolean } {
  const code = codeOf(err);
  if (code !== null && isKnownErrorCode(code) && err instanceof Error) {
    return { status: STATUS_BY_CODE[code]!, body: { error: { code, message: err.message } }, known: true };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error.' } }, known: false };
}
