/**
 * "Binary" JSON: parsing UTF-8 bytes decoded as Latin-1, one character per byte. JSON's
 * syntax is all ASCII, so the parse has the same shape and every string value holds the
 * UTF-8 bytes of the real one. Decoding non-ASCII UTF-8 is the slowest step of handling a
 * big body and makes two-byte JS strings; Latin-1 is a copy. Exact only when the bytes are
 * valid UTF-8 and no \u escape stands for a character above U+007F (it would parse to that
 * character itself, not to its bytes); callers check both and otherwise decode normally.
 */

const ASCII_ESCAPE = /^00[0-7][0-9a-fA-F]$/;
const HIGH_BYTE = /[\x80-\xff]/;

/** True when every \u escape in `binary` is below U+0080. An escaped backslash followed by
 * "u" counts too: a false alarm only sends the caller down the ordinary road. */
export function onlyAsciiEscapes(binary: string): boolean {
  for (let i = binary.indexOf('\\u'); i >= 0; i = binary.indexOf('\\u', i + 2)) {
    if (!ASCII_ESCAPE.test(binary.slice(i + 2, i + 6))) return false;
  }
  return true;
}

/** The real string behind a binary one. */
export function fromBinary(s: string): string {
  return HIGH_BYTE.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}
