/**
 * Compression of stored blobs (parts, response bodies, headers). Pure.
 *
 * Brotli at quality 1: measured on the writer's inputs (a 27 KB SSE stream, the 63 KB
 * Claude Code tools array), it saved the most bytes per microsecond of CPU among deflate
 * levels 1 and 6 and brotli qualities 1 and 4 (about 300 and 70 bytes/µs, against 250
 * and 35 for deflate level 1). The first byte of a stored blob names its codec, so
 * another one can be added without a migration.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { HistoryError } from './errors.js';

const RAW = 0;
const BROTLI = 1;

/**
 * Below this, a blob is stored raw. Each call builds and frees a whole encoder, some 20 to
 * 70 µs in the writer, whatever the input's size; on pieces of Claude Code's bodies a 200-byte
 * blob saved 30 bytes (15%), a 512-byte one 157 (31%). Each turn of a session writes two such
 * small blobs (a short message, a short response), which cost a tenth of the writer's time.
 */
export const COMPRESS_MIN_BYTES = 512;

const BROTLI_OPTIONS = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 1,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
};

export function pack(data: Uint8Array): Buffer {
  if (data.length >= COMPRESS_MIN_BYTES) {
    const z = brotliCompressSync(data, { ...BROTLI_OPTIONS, params: { ...BROTLI_OPTIONS.params, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
    if (z.length + 1 < data.length) return Buffer.concat([Buffer.of(BROTLI), z]);
  }
  return Buffer.concat([Buffer.of(RAW), data]);
}

export function unpack(blob: Uint8Array): Buffer {
  const body = Buffer.from(blob.buffer, blob.byteOffset + 1, blob.byteLength - 1);
  switch (blob[0]) {
    case RAW:
      return body;
    case BROTLI:
      return brotliDecompressSync(body);
    default:
      throw new HistoryError('HISTORY_CORRUPT', `A stored blob has an unknown codec (${String(blob[0])}).`);
  }
}

export function packText(s: string): Buffer {
  return pack(Buffer.from(s, 'utf8'));
}

export function unpackText(blob: Uint8Array): string {
  return unpack(blob).toString('utf8');
}
