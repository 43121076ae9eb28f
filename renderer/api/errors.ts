/** Every failed operation reaches the UI as this, whichever transport carried it. */
export class ApiError extends Error {
  readonly code: string;
  /** HTTP status for the HTTP transport; null over IPC or when no response arrived. */
  readonly status: number | null;

  constructor(code: string, message: string, status: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.code === 'UNAUTHORIZED';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
