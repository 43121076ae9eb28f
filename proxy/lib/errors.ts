/**
 * The one base of every error Addendum raises on purpose. Each carries a stable `code`
 * (logs, history, the UI and both transports key on it), the HTTP status it answers with,
 * whether its message was written for users and may be shown as it is, and its `cause`.
 *
 * Pure and free of Node imports: the renderer's own errors extend it too.
 */

/** Every code, with the status it answers with and whether its message may be shown. A
 * record over the union: a new code fails to compile until it has its row here. */
const ERROR_TABLE = {
  // The request path (proxy/http): bodies in Anthropic's or OpenAI's shape.
  INVALID_JSON: { status: 400, expose: true },
  INVALID_REQUEST: { status: 400, expose: true },
  UNSUPPORTED_PARAMETER: { status: 400, expose: true },
  BODY_TOO_LARGE: { status: 413, expose: true },
  NOT_FOUND: { status: 404, expose: true },
  FORBIDDEN_HOST: { status: 403, expose: true },
  FORBIDDEN_ORIGIN: { status: 403, expose: true },
  UNAUTHORIZED: { status: 401, expose: true },
  UPSTREAM_UNREACHABLE: { status: 502, expose: true },
  UPSTREAM_TIMEOUT: { status: 504, expose: true },
  UPSTREAM_STREAM_ERROR: { status: 502, expose: true },
  // Not a status anyone receives: the client is gone. nginx's code, for logs and history.
  CLIENT_ABORTED: { status: 499, expose: true },
  INTERNAL: { status: 500, expose: true },
  // Control API and host arguments.
  INVALID_ARGUMENT: { status: 400, expose: true },
  METHOD_NOT_ALLOWED: { status: 405, expose: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, expose: true },
  // Configuration and settings.
  BAD_CONFIG: { status: 400, expose: true },
  INVALID_SETTINGS: { status: 400, expose: true },
  SETTINGS_IO: { status: 500, expose: true },
  KEY_ENCRYPTION_UNAVAILABLE: { status: 500, expose: true },
  // Starting the proxy.
  PORT_IN_USE: { status: 409, expose: true },
  LISTEN_FAILED: { status: 500, expose: true },
  // History: only the two a caller can act on are shown; the others name files and disks.
  HISTORY_BAD_CURSOR: { status: 400, expose: true },
  HISTORY_CLOSED: { status: 503, expose: true },
  HISTORY_NEWER_SCHEMA: { status: 500, expose: false },
  HISTORY_OPEN_FAILED: { status: 500, expose: false },
  HISTORY_WORKER_FAILED: { status: 500, expose: false },
  HISTORY_WRITE_FAILED: { status: 500, expose: false },
  HISTORY_CORRUPT: { status: 500, expose: false },
  // The dashboard's own.
  FORBIDDEN_SENDER: { status: 403, expose: true },
  EXPORT_ABORTED: { status: 499, expose: true },
  // Replay (proxy/host/replay.ts): what stops an exchange from being sent again.
  REPLAY_NO_CREDENTIALS: { status: 409, expose: true },
  REPLAY_UNAVAILABLE: { status: 409, expose: true },
} as const satisfies Record<string, { status: number; expose: boolean }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);
}

export function statusForCode(code: ErrorCode): number {
  return ERROR_TABLE[code].status;
}

/** Whether a message under this code was written for users (no paths, stacks or secrets). */
export function isExposedCode(code: ErrorCode): boolean {
  return ERROR_TABLE[code].expose;
}

export interface AddendumErrorOptions {
  /** Overrides the code's status (e.g. a 404 from upstream kept as such). */
  status?: number;
  cause?: unknown;
}

export class AddendumError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  /** The message may be shown to the user as it is. */
  readonly expose: boolean;

  constructor(code: C, message: string, options: AddendumErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? statusForCode(code);
    this.expose = isExposedCode(code);
  }
}

/** The code of anything thrown, when it is one of ours (plain objects cross IPC and workers). */
export function errorCodeOf(err: unknown): ErrorCode | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return isErrorCode(code) ? code : null;
}
