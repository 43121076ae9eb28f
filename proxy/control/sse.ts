/** Server-Sent Events framing, kept pure so the wire format is tested on its own. */

export function sseMessage(event: string, data: unknown): string {
  // JSON never contains a raw newline, so one `data:` line always suffices.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const SSE_KEEPALIVE = ': keep-alive\n\n';

/** Tells EventSource how long to wait before reconnecting after a drop. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
