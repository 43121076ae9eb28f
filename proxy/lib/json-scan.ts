/**
 * A validating JSON scanner over UTF-8 bytes: it finds where values start and end without
 * building them. Whatever it accepts, JSON.parse accepts too (the grammar of RFC 8259,
 * checked character by character), so a caller that scans a body instead of parsing it
 * cannot let invalid JSON through. It does not check UTF-8 (Buffer's isUtf8 does, natively).
 *
 * It reads the bytes as a Latin-1 string (a plain copy, one character per byte: JSON's
 * syntax is ASCII), so the long runs inside strings are crossed by the native indexOf
 * instead of a loop per byte: most of a Messages body is string. Raw control characters,
 * which no string may hold, are looked for once in the whole body; only a body that has
 * some (whitespace, mostly: pretty-printed JSON) checks its strings one by one.
 *
 * Every method takes a position and returns the position just past what it read, or
 * INVALID. Nesting is kept on an explicit stack: a client decides how deep its body is,
 * and JSON.parse takes a million levels.
 */

export const INVALID = -1;

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;

/** Characters allowed after a backslash, other than `u`: " \ / b f n r t. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** JSON's whitespace, as a byte or a character code. */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Past the whitespace at `i` in raw bytes, for callers that do not scan the whole body. */
export function skipSpace(buf: Uint8Array, i: number): number {
  while (i < buf.length && isJsonSpace(buf[i]!)) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export class JsonScanner {
  readonly text: string;
  private readonly controls: boolean;
  /** The first quote and backslash at or after the last place looked from (text.length:
   * none): the scan only moves forward, and a string with many escapes would otherwise
   * be searched for its closing quote once per escape. */
  private quote = -1;
  private backslash = -1;

  constructor(readonly bytes: Buffer) {
    this.text = bytes.toString('latin1');
    this.controls = hasAnyControl(this.text);
  }

  code(i: number): number {
    return this.text.charCodeAt(i);
  }

  skipWhitespace(i: number): number {
    const t = this.text;
    const n = t.length;
    while (i < n) {
      if (!isJsonSpace(t.charCodeAt(i))) break;
      i++;
    }
    return i;
  }

  private nextQuote(i: number): number {
    if (this.quote < i) {
      const at = this.text.indexOf('"', i);
      this.quote = at < 0 ? this.text.length : at;
    }
    return this.quote;
  }

  private nextBackslash(i: number): number {
    if (this.backslash < i) {
      const at = this.text.indexOf('\\', i);
      this.backslash = at < 0 ? this.text.length : at;
    }
    return this.backslash;
  }

  /** `i` at the opening quote. */
  skipString(i: number): number {
    const t = this.text;
    let from = i + 1;
    for (;;) {
      const quote = this.nextQuote(from);
      if (quote === t.length) return INVALID;
      const slash = this.nextBackslash(from);
      if (slash > quote) {
        if (this.controls && hasControl(t, from, quote)) return INVALID;
        return quote + 1;
      }
      if (this.controls && hasControl(t, from, slash)) return INVALID;
      const e = t.charCodeAt(slash + 1);
      if (e === 0x75) {
        if (!HEX[t.charCodeAt(slash + 2)] || !HEX[t.charCodeAt(slash + 3)] || !HEX[t.charCodeAt(slash + 4)] || !HEX[t.charCodeAt(slash + 5)]) return INVALID;
        from = slash + 6;
      } else if (SIMPLE_ESCAPE[e]) {
        from = slash + 2;
      } else {
        return INVALID;
      }
    }
  }

  private skipDigits(i: number): number {
    while (isDigit(this.text.charCodeAt(i))) i++;
    return i;
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private skipNumber(i: number): number {
    const t = this.text;
    if (t.charCodeAt(i) === MINUS) i++;
    if (t.charCodeAt(i) === 0x30) i++;
    else if (isDigit(t.charCodeAt(i))) i = this.skipDigits(i);
    else return INVALID;
    if (t.charCodeAt(i) === 0x2e) {
      if (!isDigit(t.charCodeAt(i + 1))) return INVALID;
      i = this.skipDigits(i + 1);
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = t.charCodeAt(i);
      if (sign === 0x2b || sign === MINUS) i++;
      if (!isDigit(t.charCodeAt(i))) return INVALID;
      i = this.skipDigits(i);
    }
    return i;
  }

  private skipWord(i: number, word: string): number {
    return this.text.startsWith(word, i) ? i + word.length : INVALID;
  }

  /** A string, number or literal; `i` at its first character. */
  private skipScalar(i: number): number {
    const c = this.text.charCodeAt(i);
    if (c === QUOTE) return this.skipString(i);
    if (c === 0x74) return this.skipWord(i, 'true');
    if (c === 0x66) return this.skipWord(i, 'false');
    if (c === 0x6e) return this.skipWord(i, 'null');
    return this.skipNumber(i);
  }

  /** A key and its colon, whitespace around them included; `i` where the key may start. */
  private skipKey(i: number): number {
    i = this.skipWhitespace(i);
    if (this.text.charCodeAt(i) !== QUOTE) return INVALID;
    i = this.skipString(i);
    if (i < 0) return INVALID;
    i = this.skipWhitespace(i);
    return this.text.charCodeAt(i) === COLON ? i + 1 : INVALID;
  }

  /** Any value; `i` at its first character (no whitespace before it). */
  skipValue(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) return this.skipScalar(i);
    // true for an open object, false for an open array
    const open: boolean[] = [];
    for (;;) {
      // Here a value starts at i.
      i = this.skipWhitespace(i);
      const v = t.charCodeAt(i);
      if (v === OPEN_OBJECT || v === OPEN_ARRAY) {
        const object = v === OPEN_OBJECT;
        const next = this.skipWhitespace(i + 1);
        if (t.charCodeAt(next) === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          i = next + 1;
        } else {
          open.push(object);
          i = object ? this.skipKey(next) : next;
          if (i < 0) return INVALID;
          continue;
        }
      } else {
        i = this.skipScalar(i);
        if (i < 0) return INVALID;
      }
      // After a value: close what ends here, then expect the next member or element.
      for (;;) {
        if (open.length === 0) return i;
        i = this.skipWhitespace(i);
        const object = open[open.length - 1]!;
        const d = t.charCodeAt(i);
        if (d === COMMA) {
          i = object ? this.skipKey(i + 1) : i + 1;
          if (i < 0) return INVALID;
          break;
        }
        if (d !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) return INVALID;
        open.pop();
        i++;
      }
    }
  }

  /** Whether the string between `start` (its opening quote) and `end` (past its closing
   * quote) holds an escape. */
  hasEscape(start: number, end: number): boolean {
    const t = this.text;
    for (let i = start + 1; i < end - 1; i++) if (t.charCodeAt(i) === BACKSLASH) return true;
    return false;
  }

  /** The value of a scanned string, decoded exactly as JSON.parse would (bytes valid UTF-8). */
  decodeString(start: number, end: number): string {
    const b = this.bytes;
    return this.hasEscape(start, end) ? (JSON.parse(b.toString('utf8', start, end)) as string) : b.toString('utf8', start + 1, end - 1);
  }
}

const CONTROLS = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c));

/** One native search per control character is several times cheaper here than one
 * regular expression over a long string, or than a loop over its characters. */
function hasAnyControl(t: string): boolean {
  for (const c of CONTROLS) if (t.includes(c)) return true;
  return false;
}

function hasControl(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (t.charCodeAt(i) < 0x20) return true;
  return false;
}
