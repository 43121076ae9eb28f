/** Test helper: random JSON text with odd whitespace, escapes and unicode. Not used by the app. */

export const WS = ['', ' ', '\n', '\t', '\r\n  ', '   '];
export const STRINGS = ['"a"', '"caf\\u00e9"', '"\\"quoted\\" \\\\ back"', '"日本語"', '"line\\nbreak"', '"{[,:]}"', '""'];

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** A JSON value up to `depth` levels deep. */
export function gen(r: () => number, depth: number): string {
  const ws = (): string => WS[Math.floor(r() * WS.length)]!;
  const pick = r();
  if (depth <= 0 || pick < 0.35) {
    const scalars = ['1', '-2.5e3', 'true', 'false', 'null', ...STRINGS];
    return scalars[Math.floor(r() * scalars.length)]!;
  }
  const n = Math.floor(r() * 4);
  const items: string[] = [];
  if (pick < 0.65) {
    for (let i = 0; i < n; i++) items.push(ws() + gen(r, depth - 1) + ws());
    return `[${items.join(',')}${n === 0 ? ws() : ''}]`;
  }
  for (let i = 0; i < n; i++) items.push(`${ws()}${STRINGS[Math.floor(r() * STRINGS.length)]}${ws()}:${ws()}${gen(r, depth - 1)}${ws()}`);
  return `{${items.join(',')}}`;
}

