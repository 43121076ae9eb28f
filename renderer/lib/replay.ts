/** The replay editor's JSON checks, and the pair of exchanges shown side by side. Pure. */

export type JsonCheck = { ok: true; value: unknown } | { ok: false; message: string; line: number | null; column: number | null };

/** Where in the text an offset falls, 1-based. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses the editor's text; a failure says where, when the engine tells. */
export function checkJson(text: string): JsonCheck {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = (e as Error).message;
    // V8: "... in JSON at position 12" (older) or "... (line 2 column 5)" (newer).
    const lc = /line (\d+) column (\d+)/.exec(message);
    if (lc) return { ok: false, message, line: Number(lc[1]), column: Number(lc[2]) };
    const pos = /position (\d+)/.exec(message);
    if (pos) return { ok: false, message, ...position(text, Number(pos[1])) };
    return { ok: false, message, line: null, column: null };
  }
}

/** Two-space indentation; null when the text is not JSON (the editor keeps it as it is). */
export function formatJson(text: string): string | null {
  const check = checkJson(text);
  return check.ok ? JSON.stringify(check.value, null, 2) : null;
}

/** Whether the editor's text says the same as the stored body (so "as sent" bytes can be used). */
export function sameJson(a: string, b: string | null): boolean {
  if (b === null) return false;
  if (a === b) return true;
  const x = checkJson(a);
  const y = checkJson(b);
  return x.ok && y.ok && JSON.stringify(x.value) === JSON.stringify(y.value);
}
