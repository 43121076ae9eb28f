/**
 * Values from clients and from upstream (model names, paths, header values, error text)
 * end up in log lines that a terminal interprets. Escaping their control characters keeps
 * an escape sequence from clearing or recolouring the terminal and a newline from forging a
 * log entry; cutting them keeps one request from writing megabytes into the log. Only the
 * log is cut: the history keeps every value exactly as it came.
 */

/** Longest value written into a log line as is: a long model name or path still fits. */
export const LOG_VALUE_MAX = 256;
/** Longest whole line: room for the debug lines, which carry a body excerpt and headers. */
export const LOG_LINE_MAX = 16 * 1024;

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidi
// overrides and isolates that can make a line read differently from what it holds.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters written as escapes: the result is one printable line. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Cuts to `max` characters (never inside a surrogate pair), saying how many were cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…[${text.length - end} more chars]`;
}

/** One client- or upstream-supplied value, ready to be put into a log line. */
export function logValue(value: unknown, max = LOG_VALUE_MAX): string {
  return escapeControls(cut(String(value), max));
}

/** The last line of defence in the logger itself: whatever a message holds, it stays one
 * bounded line. */
export function logLine(message: string, max = LOG_LINE_MAX): string {
  return escapeControls(cut(message, max));
}
