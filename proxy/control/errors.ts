/**
 * One mapping from errors to replies, for the HTTP control API and the IPC transport: codes
 * whose messages are written for users keep their message and status; anything else becomes
 * a generic INTERNAL so no stack, path or secret leaks out.
 */
import { AddendumError, errorCodeOf, isExposedCode, statusForCode, type ErrorCode } from '../lib/errors.js';

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export class ControlError extends AddendumError<ErrorCode> {}

export function toErrorReply(err: unknown): { status: number; body: ApiErrorBody; known: boolean } {
  // Plain Errors with one of our codes count too: they arrive rebuilt from IPC and workers.
  const code = err instanceof Error ? errorCodeOf(err) : null;
  if (code !== null && isExposedCode(code)) {
    const status = err instanceof AddendumError ? err.status : statusForCode(code);
    return { status, body: { error: { code, message: (err as Error).message } }, known: true };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error.' } }, known: false };
}
